//! Integer frequency tables: the only kind of categorical distribution the coders accept.

use super::{EntropyError, MAX_SYMBOLS, PRECISION};

/// A categorical distribution in fixed point: the probabilities of its `n` symbols are
/// integers, each at least 1, summing to exactly `2^PRECISION`.
///
/// Build one from any non-negative integer counts with [`FrequencyTable::from_counts`];
/// the quantization is integer-only and deterministic, so an encoder and a decoder that
/// see the same counts build the same table on any machine.
///
/// ```
/// use ncodec::entropy::{FrequencyTable, PRECISION};
///
/// let table = FrequencyTable::from_counts(&[10, 0, 30]).unwrap();
/// assert_eq!(table.len(), 3);
/// assert!(table.probability(1) >= 1); // zero counts still get a codable probability
/// let total: u32 = (0..3).map(|s| table.probability(s)).sum();
/// assert_eq!(total, 1 << PRECISION);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrequencyTable {
    /// Cumulative probabilities, `n + 1` entries from 0 to `2^PRECISION`.
    cdf: Vec<u32>,
}

impl FrequencyTable {
    /// Quantizes `counts` to a table whose probabilities sum to `2^PRECISION`.
    ///
    /// Each symbol gets `1 + floor(count * scale / 2^32)` with
    /// `scale = floor((2^PRECISION - n) * 2^32 / total)` (about `count * (2^PRECISION - n) /
    /// total`, with one division per table); the few units left over by rounding go to the
    /// most frequent symbol (the lowest index on ties). All
    /// counts zero gives the uniform distribution. Fails for fewer than 2 or more than
    /// [`MAX_SYMBOLS`](super::MAX_SYMBOLS) symbols.
    pub fn from_counts(counts: &[u32]) -> Result<Self, EntropyError> {
        let n = counts.len();
        if n < 2 {
            return Err(EntropyError::InvalidTable("fewer than 2 symbols"));
        }
        if n > MAX_SYMBOLS {
            return Err(EntropyError::InvalidTable("more than 2^16 symbols"));
        }
        let one = 1u64 << PRECISION;
        let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        let free = one - n as u64;
        let mut probabilities: Vec<u64> = if total == 0 {
            vec![one / n as u64; n]
        } else {
            // One division per table instead of one per symbol. Since
            // `scale <= free * 2^32 / total`, every `floor(c * scale / 2^32)` is at most
            // `c * free / total`, so the probabilities never sum past `2^PRECISION`.
            let scale = (u128::from(free) << 32) / u128::from(total);
            counts
                .iter()
                .map(|&c| 1 + ((u128::from(c) * scale) >> 32) as u64)
                .collect()
        };
        let assigned: u64 = probabilities.iter().sum();
        // Rounding only ever leaves units over (never overshoots), see the doc comment.
        let leftover = one - assigned;
        let mut best = 0;
        for (i, &c) in counts.iter().enumerate() {
            if c > counts[best] {
                best = i;
            }
        }
        probabilities[best] += leftover;
        Self::from_probabilities(&probabilities)
    }

    /// Builds a table from fixed-point probabilities that already sum to `2^PRECISION`,
    /// each at least 1.
    pub fn from_probabilities(probabilities: &[u64]) -> Result<Self, EntropyError> {
        if probabilities.len() < 2 || probabilities.len() > MAX_SYMBOLS {
            return Err(EntropyError::InvalidTable("alphabet size out of range"));
        }
        let mut cdf = Vec::with_capacity(probabilities.len() + 1);
        let mut acc = 0u64;
        cdf.push(0);
        for &p in probabilities {
            if p == 0 {
                return Err(EntropyError::InvalidTable("a symbol has probability zero"));
            }
            acc += p;
            if acc > 1 << PRECISION {
                return Err(EntropyError::InvalidTable(
                    "probabilities exceed 2^PRECISION",
                ));
            }
            cdf.push(acc as u32);
        }
        if acc != 1 << PRECISION {
            return Err(EntropyError::InvalidTable(
                "probabilities do not sum to 2^PRECISION",
            ));
        }
        Ok(Self { cdf })
    }

    /// The uniform distribution over `n` symbols (`n` in `2..=2^16`).
    pub fn uniform(n: usize) -> Result<Self, EntropyError> {
        Self::from_counts(&vec![0; n])
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.cdf.len() - 1
    }

    /// Always false: a table has at least two symbols.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Fixed-point probability of `symbol` (0 for symbols outside the alphabet).
    pub fn probability(&self, symbol: usize) -> u32 {
        match (self.cdf.get(symbol), self.cdf.get(symbol + 1)) {
            (Some(&l), Some(&r)) => r - l,
            _ => 0,
        }
    }

    /// Information content of `symbol` in bits, `-log2(p)`; for measurements only.
    pub fn information_bits(&self, symbol: usize) -> f64 {
        PRECISION as f64 - f64::from(self.probability(symbol)).log2()
    }

    /// The cumulative table, `len() + 1` entries from 0 to `2^PRECISION`.
    pub fn cdf(&self) -> &[u32] {
        &self.cdf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_to_one_and_no_zeros() {
        let t = FrequencyTable::from_counts(&[0, 0, 5, u32::MAX, 1]).unwrap();
        assert_eq!(*t.cdf().last().unwrap(), 1 << PRECISION);
        assert!((0..t.len()).all(|s| t.probability(s) >= 1));
    }

    #[test]
    fn rejects_bad_alphabets() {
        assert!(FrequencyTable::from_counts(&[1]).is_err());
        assert!(FrequencyTable::from_counts(&vec![1; MAX_SYMBOLS + 1]).is_err());
        assert!(FrequencyTable::from_probabilities(&[1, 2]).is_err());
        assert!(FrequencyTable::from_probabilities(&[0, 1 << PRECISION]).is_err());
    }

    #[test]
    fn proportional_to_counts() {
        let t = FrequencyTable::from_counts(&[1, 3]).unwrap();
        let ratio = f64::from(t.probability(1)) / f64::from(t.probability(0));
        assert!((ratio - 3.0).abs() < 1e-5, "{ratio}");
    }
}
