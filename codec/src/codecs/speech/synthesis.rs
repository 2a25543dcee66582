//! Decoder-side synthesis: a mixed-excitation source–filter vocoder.
//!
//! Per sample, the excitation is a sum of harmonics of the (interpolated) pitch, each
//! weighted by the periodicity of its band, plus white noise split into the same bands and
//! weighted by the complement, so the excitation's spectrum is flat at the residual level
//! the encoder measured. It drives the all-pole filter `1/A(z)` (LSFs interpolated every
//! 2.5 ms), then de-emphasis and an adaptive formant post-filter restore the spectrum.
//!
//! Synthesis is floating point: it only shapes the output samples, never what the decoder
//! parses, and it runs sequentially, so the output does not depend on the thread count.

use super::analysis::{Frame, HOP, PRE_EMPHASIS, SAMPLE_RATE};
use super::bands::{self, BANDS};
use super::lpc::{self, ORDER};

/// Samples per filter update (2.5 ms).
const SUBFRAME: usize = 40;
/// Highest harmonic frequency synthesised.
const MAX_HARMONIC_HZ: f32 = 7600.0;
/// Formant post-filter `A(z/γn) / A(z/γd)` and its tilt correction.
const POST_NUMERATOR: f64 = 0.6;
const POST_DENOMINATOR: f64 = 0.75;
const POST_TILT: f32 = 0.2;

/// Small deterministic noise source (xorshift), uniform with unit variance.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let unit = (self.0 >> 40) as f32 / (1u64 << 24) as f32; // [0, 1)
        (unit - 0.5) * 12f32.sqrt()
    }
}

/// Frame parameters at a fractional frame position, interpolated between neighbours.
struct Interpolated {
    lsf: [f64; ORDER],
    log_gain: f32,
    f0: f32,
    voicing: [f32; BANDS],
}

fn interpolate(frames: &[Frame], position: f32) -> Interpolated {
    let last = frames.len() - 1;
    let p = position.clamp(0.0, last as f32);
    let i = (p.floor() as usize).min(last);
    let j = (i + 1).min(last);
    let t = p - i as f32;
    let (a, b) = (&frames[i], &frames[j]);
    let mut lsf = [0.0f64; ORDER];
    for (k, v) in lsf.iter_mut().enumerate() {
        *v = ((1.0 - t) * a.lsf[k] + t * b.lsf[k]) as f64;
    }
    let f0 = match (a.f0 > 0.0, b.f0 > 0.0) {
        (true, true) => (a.f0.ln() * (1.0 - t) + b.f0.ln() * t).exp(),
        (true, false) => a.f0,
        (false, true) => b.f0,
        (false, false) => 0.0,
    };
    let mut voicing = [0.0f32; BANDS];
    for (k, v) in voicing.iter_mut().enumerate() {
        *v = (1.0 - t) * a.voicing[k] + t * b.voicing[k];
    }
    Interpolated {
        lsf,
        log_gain: (1.0 - t) * a.log_gain + t * b.log_gain,
        f0,
        voicing,
    }
}

/// Synthesises `len` samples at 16 kHz (full scale ±1) from the frames.
pub fn synthesise(frames: &[Frame], len: usize) -> Vec<f32> {
    if frames.is_empty() || len == 0 {
        return vec![0.0; len];
    }
    // Band-split white noise for the aperiodic part.
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let white: Vec<f32> = (0..len).map(|_| noise.next()).collect();
    let filters = bands::filters();
    let split: Vec<Vec<f32>> = filters
        .iter()
        .map(|h| bands::filter_zero_phase(&white, h))
        .collect();
    let noise_bands: Vec<[f32; BANDS]> = (0..len)
        .map(|n| std::array::from_fn(|b| split[b][n]))
        .collect();

    let mut out = Vec::with_capacity(len);
    let mut memory = [0.0f64; ORDER]; // synthesis filter state, most recent first
    let mut post_in = [0.0f64; ORDER];
    let mut post_out = [0.0f64; ORDER];
    let mut de_emphasis = 0.0f32;
    let mut tilt_state = 0.0f32;
    let mut phase = 0.0f32;
    let sample_period = 1.0 / SAMPLE_RATE as f32;
    let mut filtered = Vec::with_capacity(SUBFRAME);
    let mut start = 0;
    while start < len {
        let end = (start + SUBFRAME).min(len);
        let centre = (start + end) as f32 / 2.0;
        let params = interpolate(frames, (centre - HOP as f32 / 2.0) / HOP as f32);
        let mut lsf = params.lsf;
        lpc::stabilise_lsf(&mut lsf, 0.01);
        let a = lpc::lsf_to_lpc(&lsf);
        let numerator: Vec<f64> = a
            .iter()
            .enumerate()
            .map(|(i, c)| c * POST_NUMERATOR.powi(i as i32))
            .collect();
        let denominator: Vec<f64> = a
            .iter()
            .enumerate()
            .map(|(i, c)| c * POST_DENOMINATOR.powi(i as i32))
            .collect();
        let gain = params.log_gain.exp();
        let harmonics = if params.f0 > 0.0 {
            (MAX_HARMONIC_HZ / params.f0) as usize
        } else {
            0
        };
        let amplitude = (params.f0 / 4000.0).sqrt();
        let mut band_weight = [0.0f32; BANDS];
        let mut noise_weight = [0.0f32; BANDS];
        for b in 0..BANDS {
            let v = if harmonics > 0 {
                params.voicing[b].clamp(0.0, 1.0)
            } else {
                0.0
            };
            band_weight[b] = amplitude * v.sqrt();
            noise_weight[b] = (1.0 - v).sqrt();
        }
        let step = std::f32::consts::TAU * params.f0 * sample_period;
        let (mut before, mut after) = (0.0f64, 0.0f64);
        for band_noise in &noise_bands[start..end] {
            // Harmonics by the Chebyshev recurrence cos(kΦ) = 2cosΦ·cos((k−1)Φ) − cos((k−2)Φ).
            let mut voiced = 0.0f32;
            if harmonics > 0 {
                phase = (phase + step) % std::f32::consts::TAU;
                let c1 = phase.cos();
                let (mut previous, mut current) = (1.0f32, c1);
                let mut band = 0;
                let mut next_edge = bands::EDGES[1] as f32;
                for k in 1..=harmonics {
                    let frequency = k as f32 * params.f0;
                    while frequency >= next_edge && band + 1 < BANDS {
                        band += 1;
                        next_edge = bands::EDGES[band + 1] as f32;
                    }
                    voiced += band_weight[band] * current;
                    let next = 2.0 * c1 * current - previous;
                    previous = current;
                    current = next;
                }
            }
            let mut unvoiced = 0.0f32;
            for b in 0..BANDS {
                unvoiced += noise_weight[b] * band_noise[b];
            }
            let excitation = (gain * (voiced + unvoiced)) as f64;
            // 1/A(z)
            let mut y = excitation;
            for i in 0..ORDER {
                y -= a[i + 1] * memory[i];
            }
            memory.copy_within(0..ORDER - 1, 1);
            memory[0] = y;
            // Post-filter A(z/γn)/A(z/γd) on the emphasised signal.
            let mut p = y;
            for i in 0..ORDER {
                p += numerator[i + 1] * post_in[i];
                p -= denominator[i + 1] * post_out[i];
            }
            post_in.copy_within(0..ORDER - 1, 1);
            post_in[0] = y;
            post_out.copy_within(0..ORDER - 1, 1);
            post_out[0] = p;
            before += y * y;
            after += p * p;
            filtered.push(p as f32);
        }
        // Keep the post-filter from changing the level.
        let level = if after > 0.0 {
            (before / after).sqrt() as f32
        } else {
            1.0
        };
        for &p in &filtered {
            let p = p * level;
            let tilted = p + POST_TILT * tilt_state;
            tilt_state = p;
            de_emphasis = tilted + PRE_EMPHASIS * de_emphasis;
            out.push(de_emphasis / (1.0 + POST_TILT));
        }
        filtered.clear();
        start = end;
    }
    out
}
