//! An adaptive binary probability, shared by the residual coders of `pcm` and `limg`.

/// The probability of a 1, 16-bit, starting at one half and moving `1/2^RATE` of the
/// way toward each coded bit; used clamped to `[MARGIN, 65535 − MARGIN]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdaptiveBit<const RATE: u32, const MARGIN: u32>(u16);

impl<const RATE: u32, const MARGIN: u32> AdaptiveBit<RATE, MARGIN> {
    /// One half.
    pub(crate) const NEW: Self = Self(1 << 15);

    /// The probability of a 1 to code with, in units of `2^-16`.
    #[inline]
    pub(crate) fn p(self) -> u32 {
        u32::from(self.0).clamp(MARGIN, 65535 - MARGIN)
    }

    /// Moves toward `bit`.
    #[inline]
    pub(crate) fn update(&mut self, bit: bool) {
        let p = i32::from(self.0);
        let target = if bit { 65535 } else { 0 };
        self.0 = (p + ((target - p) >> RATE)) as u16;
    }
}
