//! Codes a run of floats of one [`FloatType`]: the exponent (with the top `k` mantissa
//! bits) of every element is one symbol of a static table fitted to the run and
//! ANS-coded; the sign and the remaining mantissa bits are stored as they are, packed.
//!
//! Trained weights use few of the exponent values (a bf16 exponent carries about 2.5 to
//! 3.5 bits of its 8), while their low mantissa bits are close to uniform noise, so this
//! split, the idea of DFloat11, loses almost nothing to a full context model and decodes at
//! memory speed.
//!
//! # Body of a float run
//! | field | meaning |
//! |---|---|
//! | `k` (u8) | mantissa bits joined to the exponent symbol, `0..=min(3, mantissa bits)`; 255 = the run is stored raw |
//! | `m` (varint) | number of distinct symbols, `1..=`[`MAX_SYMBOLS`] |
//! | symbols | ascending: `0` then `m` varints (the first symbol, then each gap to the next minus 1), or `1` then varints `first`, `span − 1` and a bitmap of `span` bits (bit `i` = symbol `first + i`), whichever is shorter |
//! | probabilities | `m` varints, each ≥ 1, summing to `2^`[`PRECISION`] |
//! | ANS length (varint) | bytes of the ANS stream (16-bit little-endian words) |
//! | ANS stream | the symbols' dense indices, pushed last to first on constriction's `SmallAnsCoder` |
//! | raw bits | per element, `1 + mantissa bits − k` bits (sign on top, then the low mantissa bits), packed least significant bit first |

use constriction::stream::model::{
    ContiguousCategoricalEntropyModel, ContiguousLookupDecoderModel,
};
use constriction::stream::stack::SmallAnsCoder;
use constriction::stream::Decode;

use super::dtype::FloatType;
use crate::codecs::wire::{put_varint, Cursor};
use crate::Error;

/// Fixed-point precision of the symbol tables: probabilities sum to `2^PRECISION`.
pub const PRECISION: usize = 14;

/// The most distinct symbols a table may hold (a quarter of its resolution, so that no
/// symbol's probability is rounded far from its frequency).
pub const MAX_SYMBOLS: usize = 1 << (PRECISION - 2);

/// Largest number of mantissa bits joined to the exponent symbol.
const MAX_JOINED_BITS: u32 = 3;

/// `k` value marking a run stored without coding.
const RAW: u8 = 255;

type EncoderModel = ContiguousCategoricalEntropyModel<u16, Vec<u16>, PRECISION>;
type DecoderModel = ContiguousLookupDecoderModel<u16, Vec<u16>, Box<[u16]>, PRECISION>;

/// Estimated cost of coding a run, in 1/65536 bits, computed in integers only.
pub(crate) fn estimate_bits_q16(data: &[u8], ty: FloatType) -> u64 {
    let histogram = Histogram::of(data, ty);
    histogram
        .best()
        .map_or((data.len() as u64 * 8) << 16, |(_, cost, _)| {
            cost + (64 << 16)
        })
}

/// Appends the coded form of `data` (a whole number of `ty` elements) to `out`.
pub(crate) fn encode(data: &[u8], ty: FloatType, out: &mut Vec<u8>) {
    let width = ty.bytes();
    debug_assert_eq!(data.len() % width, 0);
    let histogram = Histogram::of(data, ty);
    let Some((joined, cost, table)) = histogram.best() else {
        return store_raw(data, out);
    };
    if cost >= (data.len() as u64 * 8) << 16 {
        return store_raw(data, out);
    }
    let fields = Fields::new(ty, joined);
    out.push(joined as u8);
    put_varint(table.symbols.len() as u64, out);
    put_symbols(&table.symbols, out);
    for &p in &table.probabilities {
        put_varint(u64::from(p), out);
    }

    // Dense index of each symbol value.
    let mut index = vec![u16::MAX; 1 << fields.symbol_bits];
    for (i, &symbol) in table.symbols.iter().enumerate() {
        index[symbol as usize] = i as u16;
    }
    let model = match EncoderModel::from_nonzero_fixed_point_probabilities(
        table.probabilities.iter().copied(),
        false,
    ) {
        Ok(model) => model,
        Err(()) => return store_raw(data, out),
    };
    let mut bits = BitWriter::with_capacity(data.len());
    let mut indices = Vec::with_capacity(data.len() / width);
    for element in data.chunks_exact(width) {
        let value = read_le(element);
        let (symbol, raw) = fields.split(value);
        indices.push(usize::from(index[symbol as usize]));
        bits.put(raw, fields.raw_bits);
    }
    let mut ans = SmallAnsCoder::new();
    if ans.encode_iid_symbols_reverse(&indices, &model).is_err() {
        return store_raw(data, out);
    }
    let words = match ans.into_compressed() {
        Ok(words) => words,
        Err(never) => match never {},
    };
    put_varint(words.len() as u64 * 2, out);
    for word in &words {
        out.extend_from_slice(&word.to_le_bytes());
    }
    bits.finish(out);
}

/// Decodes `count` elements of `ty` from `cursor`, appending their bytes to `out`.
pub(crate) fn decode(
    cursor: &mut Cursor<'_>,
    ty: FloatType,
    count: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let width = ty.bytes();
    let joined = cursor.u8()?;
    if joined == RAW {
        out.extend_from_slice(cursor.take(count * width)?);
        return Ok(());
    }
    if u32::from(joined) > MAX_JOINED_BITS.min(ty.mantissa_bits()) {
        return Err(corrupt("mantissa split out of range"));
    }
    let fields = Fields::new(ty, u32::from(joined));
    let m = cursor.varint()? as usize;
    if m == 0 || m > MAX_SYMBOLS || m > 1 << fields.symbol_bits {
        return Err(corrupt("symbol count out of range"));
    }
    let base: Vec<u64> = read_symbols(cursor, m, fields.symbol_bits)?
        .into_iter()
        .map(|symbol| fields.join(symbol))
        .collect();
    let mut probabilities = Vec::with_capacity(m);
    let mut total = 0u64;
    for _ in 0..m {
        let p = cursor.varint()?;
        if p == 0 || p > 1 << PRECISION {
            return Err(corrupt("probability out of range"));
        }
        total += p;
        probabilities.push(p as u16);
    }
    if total != 1 << PRECISION {
        return Err(corrupt("probabilities do not sum to one"));
    }
    let model = DecoderModel::from_nonzero_fixed_point_probabilities(&probabilities, false)
        .map_err(|()| corrupt("invalid symbol table"))?;
    let ans_len = cursor.varint()? as usize;
    if !ans_len.is_multiple_of(2) {
        return Err(corrupt("ANS stream of odd length"));
    }
    let words: Vec<u16> = cursor
        .take(ans_len)?
        .chunks_exact(2)
        .map(|w| u16::from_le_bytes([w[0], w[1]]))
        .collect();
    let raw_len = (count as u64 * u64::from(fields.raw_bits)).div_ceil(8) as usize;
    let mut bits = BitReader::new(cursor.take(raw_len)?);
    let mut ans = SmallAnsCoder::from_compressed(words)
        .map_err(|_| corrupt("ANS stream ends in a zero word"))?;
    let start = out.len();
    out.resize(start + count * width, 0);
    let elements = &mut out[start..];
    let run = Run {
        model: &model,
        base: &base,
        fields,
    };
    let finished = match width {
        1 => run.decode_into::<1>(&mut ans, &mut bits, elements),
        2 => run.decode_into::<2>(&mut ans, &mut bits, elements),
        4 => run.decode_into::<4>(&mut ans, &mut bits, elements),
        _ => run.decode_into::<8>(&mut ans, &mut bits, elements),
    };
    if finished.is_err() {
        out.truncate(start);
        return Err(corrupt("ANS stream ended early"));
    }
    if !ans.is_empty() {
        return Err(corrupt("ANS stream longer than its elements"));
    }
    Ok(())
}

/// What decoding one float run needs.
struct Run<'a> {
    model: &'a DecoderModel,
    base: &'a [u64],
    fields: Fields,
}

impl Run<'_> {
    /// Fills `elements` with `W`-byte elements (`W` a compile-time constant, so the
    /// store is one move).
    #[inline]
    fn decode_into<const W: usize>(
        &self,
        ans: &mut SmallAnsCoder,
        bits: &mut BitReader<'_>,
        elements: &mut [u8],
    ) -> Result<(), ()> {
        let raw_bits = self.fields.raw_bits;
        let low_bits = self.fields.low_bits;
        let low_mask = (1u64 << low_bits) - 1;
        let sign_shift = 8 * W as u32 - 1;
        for element in elements.chunks_exact_mut(W) {
            let index = ans.decode_symbol(self.model).map_err(|_| ())?;
            let raw = bits.get(raw_bits);
            let value = self.base.get(index).copied().ok_or(())?
                | ((raw >> low_bits) << sign_shift)
                | (raw & low_mask);
            element.copy_from_slice(&value.to_le_bytes()[..W]);
        }
        Ok(())
    }
}

/// Writes ascending symbols as gaps (`0`, then a varint per symbol: the first value,
/// then each gap minus 1) or as a bitmap (`1`, then the first value and the span minus 1
/// as varints, then one bit per value of the span, least significant first), whichever is
/// shorter.
fn put_symbols(symbols: &[u32], out: &mut Vec<u8>) {
    let mut gaps = Vec::new();
    let mut previous = None;
    for &symbol in symbols {
        let gap = match previous {
            None => symbol,
            Some(p) => symbol - p - 1,
        };
        put_varint(u64::from(gap), &mut gaps);
        previous = Some(symbol);
    }
    let (first, last) = (symbols[0], symbols[symbols.len() - 1]);
    let span = (last - first + 1) as usize;
    let mut bitmap = Vec::new();
    put_varint(u64::from(first), &mut bitmap);
    put_varint(span as u64 - 1, &mut bitmap);
    let start = bitmap.len();
    bitmap.resize(start + span.div_ceil(8), 0);
    for &symbol in symbols {
        let i = (symbol - first) as usize;
        bitmap[start + i / 8] |= 1 << (i % 8);
    }
    if bitmap.len() < gaps.len() {
        out.push(1);
        out.extend_from_slice(&bitmap);
    } else {
        out.push(0);
        out.extend_from_slice(&gaps);
    }
}

/// Reads `m` ascending symbols below `2^symbol_bits` as [`put_symbols`] wrote them.
fn read_symbols(cursor: &mut Cursor<'_>, m: usize, symbol_bits: u32) -> Result<Vec<u32>, Error> {
    let limit = 1u64 << symbol_bits;
    let mut symbols = Vec::with_capacity(m);
    match cursor.u8()? {
        0 => {
            let mut next = 0u64;
            for _ in 0..m {
                let symbol = next
                    .checked_add(cursor.varint()?)
                    .filter(|&s| s < limit)
                    .ok_or_else(|| corrupt("symbol out of range"))?;
                symbols.push(symbol as u32);
                next = symbol + 1;
            }
        }
        1 => {
            let first = cursor.varint()?;
            let span = cursor
                .varint()?
                .checked_add(1)
                .filter(|&n| first.checked_add(n).is_some_and(|end| end <= limit))
                .ok_or_else(|| corrupt("symbol span out of range"))?;
            let bitmap = cursor.take(span.div_ceil(8) as usize)?;
            for i in 0..span {
                if bitmap[(i / 8) as usize] >> (i % 8) & 1 == 1 {
                    symbols.push((first + i) as u32);
                }
            }
            let padding_clear = span % 8 == 0 || bitmap[bitmap.len() - 1] >> (span % 8) == 0;
            if symbols.len() != m || !padding_clear {
                return Err(corrupt("symbol bitmap does not match the symbol count"));
            }
        }
        _ => return Err(corrupt("unknown symbol list encoding")),
    }
    Ok(symbols)
}

fn store_raw(data: &[u8], out: &mut Vec<u8>) {
    out.push(RAW);
    out.extend_from_slice(data);
}

fn corrupt(reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: format!("tensor float run: {reason}"),
    }
}

/// Reads a little-endian element of up to 8 bytes.
#[inline]
pub(crate) fn read_le(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(buf)
}

/// How an element splits into a coded symbol and raw bits.
#[derive(Debug, Clone, Copy)]
struct Fields {
    mantissa_bits: u32,
    exponent_mask: u64,
    /// Mantissa bits joined to the exponent.
    joined: u32,
    /// Mantissa bits stored raw.
    low_bits: u32,
    /// Bits per symbol value.
    symbol_bits: u32,
    /// Raw bits per element: the sign and the low mantissa bits.
    raw_bits: u32,
    sign_shift: u32,
}

impl Fields {
    fn new(ty: FloatType, joined: u32) -> Self {
        let mantissa_bits = ty.mantissa_bits();
        Self {
            mantissa_bits,
            exponent_mask: (1 << ty.exponent_bits()) - 1,
            joined,
            low_bits: mantissa_bits - joined,
            symbol_bits: ty.exponent_bits() + joined,
            raw_bits: 1 + mantissa_bits - joined,
            sign_shift: 8 * ty.bytes() as u32 - 1,
        }
    }

    /// `(symbol, raw bits)` of an element.
    #[inline]
    fn split(&self, value: u64) -> (u32, u64) {
        let exponent = (value >> self.mantissa_bits) & self.exponent_mask;
        let mantissa = value & ((1 << self.mantissa_bits) - 1);
        let symbol = (exponent << self.joined) | (mantissa >> self.low_bits);
        let sign = (value >> self.sign_shift) & 1;
        let raw = (sign << self.low_bits) | (mantissa & ((1 << self.low_bits) - 1));
        (symbol as u32, raw)
    }

    /// The element bits a symbol stands for (sign and low mantissa bits zero).
    fn join(&self, symbol: u32) -> u64 {
        u64::from(symbol) << self.low_bits
    }
}

/// A symbol table: ascending symbol values and their quantized probabilities.
struct Table {
    symbols: Vec<u32>,
    probabilities: Vec<u16>,
}

/// Counts of exponent symbols with the top [`MAX_JOINED_BITS`] mantissa bits joined.
struct Histogram {
    ty: FloatType,
    max_joined: u32,
    counts: Vec<u64>,
    total: u64,
}

impl Histogram {
    fn of(data: &[u8], ty: FloatType) -> Self {
        let max_joined = MAX_JOINED_BITS.min(ty.mantissa_bits());
        let fields = Fields::new(ty, max_joined);
        let mut counts = vec![0u64; 1 << fields.symbol_bits];
        let width = ty.bytes();
        let mut total = 0;
        for element in data.chunks_exact(width) {
            let (symbol, _) = fields.split(read_le(element));
            counts[symbol as usize] += 1;
            total += 1;
        }
        Self {
            ty,
            max_joined,
            counts,
            total,
        }
    }

    /// The cheapest number of joined mantissa bits: `(joined, cost in 1/65536 bits,
    /// table)`, or `None` for an empty run.
    fn best(&self) -> Option<(u32, u64, Table)> {
        if self.total == 0 {
            return None;
        }
        let mut best: Option<(u32, u64, Table)> = None;
        for joined in 0..=self.max_joined {
            let shift = self.max_joined - joined;
            let mut counts = vec![0u64; self.counts.len() >> shift];
            for (symbol, &count) in self.counts.iter().enumerate() {
                counts[symbol >> shift] += count;
            }
            let symbols: Vec<u32> = (0..counts.len() as u32)
                .filter(|&s| counts[s as usize] > 0)
                .collect();
            if symbols.len() > MAX_SYMBOLS {
                continue;
            }
            let present: Vec<u64> = symbols.iter().map(|&s| counts[s as usize]).collect();
            let probabilities = quantize(&present, self.total);
            let mut cost = 0u64;
            for (&count, &p) in present.iter().zip(&probabilities) {
                cost += count * ((PRECISION as u64) << 16).saturating_sub(log2_q16(u64::from(p)));
            }
            let fields = Fields::new(self.ty, joined);
            cost += (self.total * u64::from(fields.raw_bits)) << 16;
            // The table: about a byte and a half per symbol.
            cost += (symbols.len() as u64 * 12) << 16;
            if best.as_ref().is_none_or(|(_, c, _)| cost < *c) {
                best = Some((
                    joined,
                    cost,
                    Table {
                        symbols,
                        probabilities,
                    },
                ));
            }
        }
        best
    }
}

/// Quantizes counts (all > 0) to probabilities ≥ 1 summing to `2^PRECISION`, in
/// integers only: proportional shares rounded down (at least 1), the difference taken
/// from or given to the largest.
fn quantize(counts: &[u64], total: u64) -> Vec<u16> {
    let scale = 1u64 << PRECISION;
    let mut probabilities: Vec<u64> = counts
        .iter()
        .map(|&c| ((u128::from(c) * u128::from(scale) / u128::from(total)) as u64).max(1))
        .collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    let sum: u64 = probabilities.iter().sum();
    if sum < scale {
        probabilities[order[0]] += scale - sum;
    } else {
        let mut excess = sum - scale;
        for &i in &order {
            if excess == 0 {
                break;
            }
            let take = excess.min(probabilities[i] - 1);
            probabilities[i] -= take;
            excess -= take;
        }
    }
    probabilities.into_iter().map(|p| p as u16).collect()
}

/// `log2(x)` in 1/65536 units for `x ≥ 1`, by repeated squaring (integers only, so the
/// same on every machine).
pub(crate) fn log2_q16(x: u64) -> u64 {
    debug_assert!(x > 0);
    let integer = 63 - u64::from(x.leading_zeros());
    // Mantissa in [1, 2) as Q62.
    let mut m: u128 = u128::from(x) << (62 - integer);
    let mut fraction = 0u64;
    for bit in (0..16).rev() {
        m = (m * m) >> 62;
        if m >= 2 << 62 {
            m >>= 1;
            fraction |= 1 << bit;
        }
    }
    (integer << 16) | fraction
}

/// Packs values of up to 57 bits, least significant bit first.
struct BitWriter {
    bytes: Vec<u8>,
    buffer: u64,
    filled: u32,
}

impl BitWriter {
    fn with_capacity(bytes: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(bytes),
            buffer: 0,
            filled: 0,
        }
    }

    #[inline]
    fn put(&mut self, value: u64, bits: u32) {
        if bits > 32 {
            self.put(value & 0xffff_ffff, 32);
            self.put(value >> 32, bits - 32);
            return;
        }
        self.buffer |= value << self.filled;
        self.filled += bits;
        while self.filled >= 8 {
            self.bytes.push(self.buffer as u8);
            self.buffer >>= 8;
            self.filled -= 8;
        }
    }

    fn finish(mut self, out: &mut Vec<u8>) {
        if self.filled > 0 {
            self.bytes.push(self.buffer as u8);
        }
        out.extend_from_slice(&self.bytes);
    }
}

/// Reads what [`BitWriter`] packed; past the end it reads zeros (the caller sized the
/// slice from the element count, so that only happens inside the last byte's padding).
struct BitReader<'a> {
    bytes: &'a [u8],
    position: usize,
    buffer: u64,
    filled: u32,
}

impl<'a> BitReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            position: 0,
            buffer: 0,
            filled: 0,
        }
    }

    #[inline]
    fn get(&mut self, bits: u32) -> u64 {
        if bits > 32 {
            let low = self.get(32);
            return low | (self.get(bits - 32) << 32);
        }
        if self.filled < bits {
            self.refill();
        }
        let value = self.buffer & ((1u64 << bits) - 1);
        self.buffer >>= bits;
        self.filled -= bits;
        value
    }

    #[inline]
    fn refill(&mut self) {
        if let Some(next) = self.bytes.get(self.position..self.position + 4) {
            let word = u32::from_le_bytes([next[0], next[1], next[2], next[3]]);
            self.buffer |= u64::from(word) << self.filled;
            self.filled += 32;
            self.position += 4;
        } else {
            while self.filled <= 56 {
                let byte = self.bytes.get(self.position).copied().unwrap_or(0);
                self.buffer |= u64::from(byte) << self.filled;
                self.filled += 8;
                self.position += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8], ty: FloatType) -> usize {
        let mut coded = Vec::new();
        encode(data, ty, &mut coded);
        let mut cursor = Cursor::new(&coded);
        let mut back = Vec::new();
        decode(&mut cursor, ty, data.len() / ty.bytes(), &mut back).unwrap();
        assert_eq!(back, data, "{ty}");
        assert!(cursor.is_empty(), "{ty}: trailing bytes");
        coded.len()
    }

    /// Gaussian-like f32 values from a fixed generator (sum of uniforms).
    fn weights(n: usize, seed: u64) -> Vec<f32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                let mut sum = 0.0f32;
                for _ in 0..4 {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    sum += (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                }
                sum * 0.05
            })
            .collect()
    }

    #[test]
    fn log2_is_exact_on_powers_and_close_elsewhere() {
        assert_eq!(log2_q16(1), 0);
        assert_eq!(log2_q16(1 << 14), 14 << 16);
        for x in [3u64, 5, 1000, 12345] {
            let exact = (x as f64).log2() * 65536.0;
            assert!((log2_q16(x) as f64 - exact).abs() < 2.0, "{x}");
        }
    }

    #[test]
    fn quantized_tables_sum_to_one() {
        for counts in [
            vec![1u64],
            vec![5, 1, 1, 1],
            vec![1; 4000],
            vec![1_000_000, 1],
        ] {
            let total = counts.iter().sum();
            let p = quantize(&counts, total);
            assert_eq!(p.iter().map(|&x| u64::from(x)).sum::<u64>(), 1 << PRECISION);
            assert!(p.iter().all(|&x| x >= 1));
        }
    }

    #[test]
    fn weights_round_trip_smaller_in_every_type() {
        let w = weights(5000, 1);
        let f32_bytes: Vec<u8> = w.iter().flat_map(|x| x.to_le_bytes()).collect();
        let coded = round_trip(&f32_bytes, FloatType::F32);
        assert!(coded < f32_bytes.len() * 88 / 100, "f32 {coded}");
        let bf16: Vec<u8> = w
            .iter()
            .flat_map(|x| ((x.to_bits() >> 16) as u16).to_le_bytes())
            .collect();
        let coded = round_trip(&bf16, FloatType::Bf16);
        assert!(coded < bf16.len() * 75 / 100, "bf16 {coded}");
        let f64_bytes: Vec<u8> = w.iter().flat_map(|&x| f64::from(x).to_le_bytes()).collect();
        round_trip(&f64_bytes, FloatType::F64);
        for ty in [FloatType::F16, FloatType::F8E4M3, FloatType::F8E5M2] {
            round_trip(&bf16, ty);
        }
    }

    #[test]
    fn special_values_round_trip() {
        let specials = [
            0u32,
            0x8000_0000,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0001,
            0xffff_ffff,
            0x0000_0001,
            0x807f_ffff,
        ];
        let bytes: Vec<u8> = specials.iter().flat_map(|x| x.to_le_bytes()).collect();
        round_trip(&bytes, FloatType::F32);
        round_trip(&bytes, FloatType::Bf16);
        round_trip(&bytes[..4], FloatType::F32);
        round_trip(&[], FloatType::F32);
    }

    #[test]
    fn random_bits_are_stored_raw_not_grown() {
        let mut state = 7u64;
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let coded = round_trip(&bytes, FloatType::Bf16);
        assert!(coded <= bytes.len() + 1);
    }

    #[test]
    fn damaged_runs_fail_cleanly() {
        let w = weights(3000, 2);
        let data: Vec<u8> = w.iter().flat_map(|x| x.to_le_bytes()).collect();
        let mut coded = Vec::new();
        encode(&data, FloatType::F32, &mut coded);
        for cut in [0, 1, 5, coded.len() / 2, coded.len() - 1] {
            let mut cursor = Cursor::new(&coded[..cut]);
            let mut out = Vec::new();
            assert!(decode(&mut cursor, FloatType::F32, 3000, &mut out).is_err());
        }
        let mut state = 3u64;
        for _ in 0..300 {
            let mut damaged = coded.clone();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let at = (state >> 33) as usize % damaged.len();
            damaged[at] ^= 1 << ((state >> 20) % 8);
            let mut cursor = Cursor::new(&damaged);
            let mut out = Vec::new();
            // Must not panic; the container's checksums catch what parses.
            let _ = decode(&mut cursor, FloatType::F32, 3000, &mut out);
        }
    }
}
