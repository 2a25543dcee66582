//! The floating-point element types the `tensor` codec splits into sign, exponent and
//! mantissa fields.

use std::fmt;
use std::str::FromStr;

/// A little-endian IEEE-754-style binary floating-point type: one sign bit, then
/// exponent bits, then mantissa bits, most significant first.
///
/// ```
/// use ncodec::codecs::tensor::FloatType;
///
/// let bf16: FloatType = "bf16".parse().unwrap();
/// assert_eq!((bf16.bytes(), bf16.exponent_bits(), bf16.mantissa_bits()), (2, 8, 7));
/// assert_eq!(bf16.to_string(), "bf16");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloatType {
    /// bfloat16: 8 exponent bits, 7 mantissa bits.
    Bf16,
    /// IEEE half precision: 5 exponent bits, 10 mantissa bits.
    F16,
    /// IEEE single precision: 8 exponent bits, 23 mantissa bits.
    F32,
    /// IEEE double precision: 11 exponent bits, 52 mantissa bits.
    F64,
    /// 8-bit float E4M3 (as in safetensors' `F8_E4M3`).
    F8E4M3,
    /// 8-bit float E5M2 (as in safetensors' `F8_E5M2`).
    F8E5M2,
}

impl FloatType {
    /// Every type, in the order of their codes in the `tensor` payload.
    pub const ALL: [FloatType; 6] = [
        FloatType::Bf16,
        FloatType::F16,
        FloatType::F32,
        FloatType::F64,
        FloatType::F8E4M3,
        FloatType::F8E5M2,
    ];

    /// Bytes per element.
    pub fn bytes(self) -> usize {
        match self {
            FloatType::Bf16 | FloatType::F16 => 2,
            FloatType::F32 => 4,
            FloatType::F64 => 8,
            FloatType::F8E4M3 | FloatType::F8E5M2 => 1,
        }
    }

    /// Width of the exponent field.
    pub fn exponent_bits(self) -> u32 {
        match self {
            FloatType::Bf16 | FloatType::F32 => 8,
            FloatType::F16 | FloatType::F8E5M2 => 5,
            FloatType::F64 => 11,
            FloatType::F8E4M3 => 4,
        }
    }

    /// Width of the mantissa (fraction) field.
    pub fn mantissa_bits(self) -> u32 {
        8 * self.bytes() as u32 - 1 - self.exponent_bits()
    }

    /// The type's code in the `tensor` payload (its index in [`ALL`](Self::ALL)).
    pub fn code(self) -> u8 {
        Self::ALL.iter().position(|&t| t == self).unwrap_or(0) as u8
    }

    /// The type with payload code `code`.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// The type a safetensors `dtype` string names, if it is a float type.
    pub fn from_safetensors(dtype: &str) -> Option<Self> {
        Some(match dtype {
            "BF16" => FloatType::Bf16,
            "F16" => FloatType::F16,
            "F32" => FloatType::F32,
            "F64" => FloatType::F64,
            "F8_E4M3" => FloatType::F8E4M3,
            "F8_E5M2" => FloatType::F8E5M2,
            _ => return None,
        })
    }

    /// The type a little-endian NumPy `descr` (`<f2`, `<f4`, `<f8`) names.
    pub fn from_numpy(descr: &str) -> Option<Self> {
        Some(match descr {
            "<f2" => FloatType::F16,
            "<f4" => FloatType::F32,
            "<f8" => FloatType::F64,
            _ => return None,
        })
    }

    /// The name used on the command line (`--dtype`).
    pub fn name(self) -> &'static str {
        match self {
            FloatType::Bf16 => "bf16",
            FloatType::F16 => "f16",
            FloatType::F32 => "f32",
            FloatType::F64 => "f64",
            FloatType::F8E4M3 => "f8e4m3",
            FloatType::F8E5M2 => "f8e5m2",
        }
    }
}

impl fmt::Display for FloatType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FloatType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.name() == lower)
            .ok_or_else(|| {
                format!("unknown float type {s:?}: use bf16, f16, f32, f64, f8e4m3 or f8e5m2")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_fill_the_element() {
        for t in FloatType::ALL {
            assert_eq!(
                1 + t.exponent_bits() + t.mantissa_bits(),
                8 * t.bytes() as u32
            );
            assert_eq!(FloatType::from_code(t.code()), Some(t));
            assert_eq!(t.name().parse::<FloatType>(), Ok(t));
        }
        assert_eq!(FloatType::F16.mantissa_bits(), 10);
        assert_eq!(FloatType::F64.mantissa_bits(), 52);
        assert!("f17".parse::<FloatType>().is_err());
    }
}
