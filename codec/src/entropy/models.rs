//! `constriction` entropy-model adapters for our integer models.

use core::borrow::Borrow;
use core::num::NonZeroU32;

use constriction::stream::model::{DecoderModel, EncoderModel, EntropyModel};

use super::{FrequencyTable, BIT_PRECISION, PRECISION};

/// A binary model: `p1` is the probability of `true` in units of `2^-BIT_PRECISION`,
/// already clamped to `[1, 2^BIT_PRECISION - 1]`.
#[derive(Clone, Copy)]
pub(super) struct BitModel {
    pub(super) p1: u32,
}

impl BitModel {
    #[inline(always)]
    fn p0(self) -> u32 {
        (1 << BIT_PRECISION) - self.p1
    }
}

impl EntropyModel<BIT_PRECISION> for BitModel {
    type Symbol = bool;
    type Probability = u32;
}

impl EncoderModel<BIT_PRECISION> for BitModel {
    #[inline(always)]
    fn left_cumulative_and_probability(
        &self,
        symbol: impl Borrow<bool>,
    ) -> Option<(u32, NonZeroU32)> {
        if *symbol.borrow() {
            Some((self.p0(), NonZeroU32::new(self.p1)?))
        } else {
            Some((0, NonZeroU32::new(self.p0())?))
        }
    }
}

impl DecoderModel<BIT_PRECISION> for BitModel {
    #[inline(always)]
    fn quantile_function(&self, quantile: u32) -> (bool, u32, NonZeroU32) {
        let p0 = self.p0();
        // Both probabilities are >= 1 because p1 was clamped to [1, 2^16 - 1].
        if quantile < p0 {
            (false, 0, NonZeroU32::new(p0).unwrap_or(NonZeroU32::MIN))
        } else {
            (
                true,
                p0,
                NonZeroU32::new(self.p1).unwrap_or(NonZeroU32::MIN),
            )
        }
    }
}

/// A categorical model borrowing a [`FrequencyTable`].
#[derive(Clone, Copy)]
pub(super) struct TableModel<'a> {
    pub(super) table: &'a FrequencyTable,
}

impl EntropyModel<PRECISION> for TableModel<'_> {
    type Symbol = usize;
    type Probability = u32;
}

impl EncoderModel<PRECISION> for TableModel<'_> {
    #[inline]
    fn left_cumulative_and_probability(
        &self,
        symbol: impl Borrow<usize>,
    ) -> Option<(u32, NonZeroU32)> {
        let s = *symbol.borrow();
        let cdf = self.table.cdf();
        let left = *cdf.get(s)?;
        let right = *cdf.get(s + 1)?;
        Some((left, NonZeroU32::new(right - left)?))
    }
}

impl DecoderModel<PRECISION> for TableModel<'_> {
    #[inline]
    fn quantile_function(&self, quantile: u32) -> (usize, u32, NonZeroU32) {
        let cdf = self.table.cdf();
        // The symbol is the last index whose left cumulative is <= quantile. cdf[0] = 0
        // and quantile < 2^PRECISION = cdf[n], so the index is in 0..n.
        let symbol = cdf.partition_point(|&c| c <= quantile).saturating_sub(1);
        let symbol = symbol.min(cdf.len() - 2);
        let left = cdf[symbol];
        let right = cdf[symbol + 1];
        // Every symbol has probability >= 1 by construction of FrequencyTable.
        (
            symbol,
            left,
            NonZeroU32::new(right - left).unwrap_or(NonZeroU32::MIN),
        )
    }
}
