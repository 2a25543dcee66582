//! Speech quality metrics on mono 16 kHz signals (`f32` in `[-1, 1]`): PESQ, STOI and
//! a log-mel distance.
//!
//! - **PESQ** (ITU-T P.862) through the `pesq` crate, a pure-Rust implementation that
//!   passes the P.862 Annex A conformance vectors: [`pesq_wb`] is the wideband P.862.2
//!   MOS-LQO and [`pesq_nb`] the narrowband P.862.1 MOS-LQO (the two numbers the Python
//!   `pesq` package returns for `'wb'` and `'nb'`). The signals go in as 16-bit PCM.
//! - **STOI** (Taal et al. 2011) in [`stoi`], our implementation of what `pystoi` 0.4
//!   computes, step by step: resampling to 10 kHz with Octave's `resample` filter (a
//!   Kaiser-windowed sinc, as `pystoi.utils.resample_oct`), removal of the frames more
//!   than 40 dB below the clean signal's loudest (256-sample Hann frames, hop 128,
//!   overlap-added back), a 512-point STFT, 15 one-third-octave bands from 150 Hz,
//!   384 ms segments (30 frames), clipping of the processed envelope at −15 dB SDR, and
//!   the mean correlation over bands and segments.
//! - **Log-mel distance** in [`mel_distance`]: the mean absolute difference of natural-log
//!   mel magnitude spectrograms (lower is better; see its docs).
//!
//! Each is checked against the Python reference packages on fixed pairs in the tests.

use std::f64::consts::PI;
use std::sync::Arc;

use ncodec_datasets::audio::to_pcm16;
use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

/// The sample rate the metrics' inputs have.
pub const METRIC_RATE: u32 = 16_000;

/// Why a metric has no value for a pair of signals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricError {
    /// The two signals differ in length.
    #[error("the signals differ in length ({0} and {1} samples)")]
    Length(usize, usize),
    /// The signals are too short (or too silent) for the metric.
    #[error("too short for {metric}: {reason}")]
    TooShort {
        /// The metric.
        metric: &'static str,
        /// Why.
        reason: String,
    },
    /// PESQ found no speech to score, or failed.
    #[error("PESQ: {0}")]
    Pesq(String),
}

fn check_lengths(a: &[f32], b: &[f32]) -> Result<(), MetricError> {
    if a.len() == b.len() {
        Ok(())
    } else {
        Err(MetricError::Length(a.len(), b.len()))
    }
}

/// Runs a `pesq` crate entry point, turning its errors (and, defensively, a panic in
/// it) into a [`MetricError`].
fn run_pesq(
    reference: &[f32],
    degraded: &[f32],
    score: fn(&[i16], &[i16]) -> Result<f32, pesq::PesqError>,
) -> Result<f64, MetricError> {
    check_lengths(reference, degraded)?;
    let (r, d) = (to_pcm16(reference), to_pcm16(degraded));
    match std::panic::catch_unwind(|| score(&r, &d)) {
        Ok(Ok(v)) if v.is_finite() => Ok(f64::from(v)),
        Ok(Ok(v)) => Err(MetricError::Pesq(format!("non-finite score {v}"))),
        Ok(Err(pesq::PesqError::SignalTooShort { samples })) => Err(MetricError::TooShort {
            metric: "PESQ",
            reason: format!("{samples} samples, at least 250 ms are needed"),
        }),
        Ok(Err(e)) => Err(MetricError::Pesq(e.to_string())),
        Err(_) => Err(MetricError::Pesq("the PESQ implementation panicked".into())),
    }
}

/// Wideband PESQ (ITU-T P.862.2) MOS-LQO, about 1.0 (bad) to 4.64 (transparent), of
/// `degraded` against `reference`, both 16 kHz and of the same length (at least 250 ms).
pub fn pesq_wb(reference: &[f32], degraded: &[f32]) -> Result<f64, MetricError> {
    run_pesq(reference, degraded, pesq::pesq_wb)
}

/// Narrowband PESQ MOS-LQO (the raw P.862 score mapped by P.862.1), about 1.0 to 4.55,
/// of `degraded` against `reference`, both 16 kHz and of the same length (at least
/// 250 ms): the narrowband model (IRS receive filter) run at 16 kHz, as the ITU-T code
/// and the Python package do for `pesq(16000, ref, deg, 'nb')`.
///
/// The `pesq` crate's own 16 kHz narrowband entry point first decimates to 8 kHz with a
/// short filter and scores differently (0.3–0.5 higher on noisy speech), so this
/// composes the crate's public stages at 16 kHz instead; its 8 kHz entry point on the
/// same signals resampled well to 8 kHz gives yet other numbers (about ±0.1).
pub fn pesq_nb(reference: &[f32], degraded: &[f32]) -> Result<f64, MetricError> {
    let raw = run_pesq(reference, degraded, pesq_nb_16k_raw)?;
    Ok(f64::from(pesq::score::mos_lqo(raw)))
}

/// The raw narrowband P.862 score at 16 kHz: the stages of `pesq::pesq_wb` with the
/// narrowband input pipeline (`process_pair`: IRS receive filter) instead of the wideband
/// one, and no P.862.2 mapping.
fn pesq_nb_16k_raw(reference: &[i16], degraded: &[i16]) -> Result<f32, pesq::PesqError> {
    use pesq::{disturbance, input, psychoacoustic, score, types};
    let reference = types::SignalBuffer::from_pcm_at(reference, types::RATE_16K)?;
    let degraded = types::SignalBuffer::from_pcm_at(degraded, types::RATE_16K)?;
    let pair = input::process_pair(reference, degraded)?;
    let model = psychoacoustic::run_frame_loop(&pair.reference, &pair.degraded, &pair.utterances);
    let frames = disturbance::frame_disturbances(&pair.reference, &pair.degraded, &pair.utterances);
    let indicators = disturbance::aggregate(&frames, model.frame_range.start);
    Ok(score::raw_score(
        indicators.symmetric,
        indicators.asymmetric,
    ))
}

// ---------------------------------------------------------------------------------
// STOI

const STOI_RATE: u32 = 10_000;
const STOI_FRAME: usize = 256;
const STOI_HOP: usize = 128;
const STOI_FFT: usize = 512;
const STOI_BANDS: usize = 15;
const STOI_MIN_FREQ: f64 = 150.0;
/// Frames per segment (384 ms).
const STOI_SEGMENT: usize = 30;
/// Lower SDR bound, dB.
const STOI_BETA: f64 = -15.0;
/// Frames this far (dB) below the clean signal's loudest are removed.
const STOI_DYN_RANGE: f64 = 40.0;
/// `numpy.finfo(float).eps`, as pystoi adds it.
const EPS: f64 = f64::EPSILON;

/// STOI, the short-time objective intelligibility (Taal, Hendriks, Heusdens, Jensen,
/// 2011), of `processed` against `clean`, both at `rate` and of the same length; about
/// 0.4 (unintelligible) to 1 (identical). As `pystoi.stoi(clean, processed, rate)`
/// (the classic, not the extended, measure), except that where pystoi warns and returns
/// `1e-5` for signals with fewer than 30 frames (about 0.4 s) of speech left after
/// silence removal, this returns [`MetricError::TooShort`].
pub fn stoi(clean: &[f32], processed: &[f32], rate: u32) -> Result<f64, MetricError> {
    check_lengths(clean, processed)?;
    let to_f64 = |x: &[f32]| x.iter().map(|&v| f64::from(v)).collect::<Vec<f64>>();
    let (mut x, mut y) = (to_f64(clean), to_f64(processed));
    if rate != STOI_RATE {
        x = resample_octave(&x, STOI_RATE, rate);
        y = resample_octave(&y, STOI_RATE, rate);
    }
    let too_short = |reason: String| MetricError::TooShort {
        metric: "STOI",
        reason,
    };
    let (x, y) = remove_silent_frames(&x, &y).ok_or_else(|| {
        too_short(format!(
            "{} samples at 10 kHz, fewer than one frame",
            x.len()
        ))
    })?;
    let mut stft = Stft::new(STOI_FRAME, STOI_FFT);
    let x_spec = stft.power_frames(&x, STOI_HOP);
    let y_spec = stft.power_frames(&y, STOI_HOP);
    if x_spec.len() < STOI_SEGMENT {
        return Err(too_short(format!(
            "{} frames of speech, {STOI_SEGMENT} needed",
            x_spec.len()
        )));
    }
    let bands = third_octave_bands();
    // Band envelopes, band-major: tob[band][frame].
    let envelopes = |spec: &[Vec<f64>]| -> Vec<Vec<f64>> {
        bands
            .iter()
            .map(|&(lo, hi)| {
                spec.iter()
                    .map(|frame| frame[lo..hi].iter().sum::<f64>().sqrt())
                    .collect()
            })
            .collect()
    };
    let (x_tob, y_tob) = (envelopes(&x_spec), envelopes(&y_spec));
    let frames = x_spec.len();
    let clip = 1.0 + 10f64.powf(-STOI_BETA / 20.0);
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    let mut total = 0.0;
    let segments = frames - STOI_SEGMENT + 1;
    let mut xs = vec![0.0; STOI_SEGMENT];
    let mut ys = vec![0.0; STOI_SEGMENT];
    for m in STOI_SEGMENT..=frames {
        for (xb, yb) in x_tob.iter().zip(&y_tob) {
            xs.copy_from_slice(&xb[m - STOI_SEGMENT..m]);
            ys.copy_from_slice(&yb[m - STOI_SEGMENT..m]);
            let scale = norm(&xs) / (norm(&ys) + EPS);
            for (yv, &xv) in ys.iter_mut().zip(&xs) {
                *yv = (*yv * scale).min(xv * clip);
            }
            for v in [&mut xs, &mut ys] {
                let mean = v.iter().sum::<f64>() / STOI_SEGMENT as f64;
                v.iter_mut().for_each(|a| *a -= mean);
                let n = norm(v) + EPS;
                v.iter_mut().for_each(|a| *a /= n);
            }
            total += xs.iter().zip(&ys).map(|(a, b)| a * b).sum::<f64>();
        }
    }
    Ok(total / (segments * STOI_BANDS) as f64)
}

/// `numpy.hanning(n + 2)[1:-1]` (MATLAB's `hanning(n)`).
fn hanning_inner(n: usize) -> Vec<f64> {
    (1..=n)
        .map(|k| 0.5 - 0.5 * (2.0 * PI * k as f64 / (n + 1) as f64).cos())
        .collect()
}

/// Frame starts `0, hop, …` strictly below `len - frame` (pystoi's `range`).
fn frame_starts(len: usize, frame: usize, hop: usize) -> impl Iterator<Item = usize> {
    (0..len.saturating_sub(frame)).step_by(hop)
}

/// pystoi's `remove_silent_frames`: windowed frames of both signals, those whose clean
/// energy is within the dynamic range of the loudest kept and overlap-added back.
/// `None` when the signal is too short for one frame.
fn remove_silent_frames(x: &[f64], y: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    let w = hanning_inner(STOI_FRAME);
    let starts: Vec<usize> = frame_starts(x.len(), STOI_FRAME, STOI_HOP).collect();
    if starts.is_empty() {
        return None;
    }
    let energies: Vec<f64> = starts
        .iter()
        .map(|&i| {
            let e: f64 = x[i..i + STOI_FRAME]
                .iter()
                .zip(&w)
                .map(|(v, w)| (v * w) * (v * w))
                .sum();
            20.0 * (e.sqrt() + EPS).log10()
        })
        .collect();
    let max = energies.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let kept: Vec<usize> = starts
        .iter()
        .zip(&energies)
        .filter(|(_, &e)| max - STOI_DYN_RANGE - e < 0.0)
        .map(|(&i, _)| i)
        .collect();
    let len = (kept.len() - 1) * STOI_HOP + STOI_FRAME;
    let (mut xo, mut yo) = (vec![0.0; len], vec![0.0; len]);
    for (k, &i) in kept.iter().enumerate() {
        let at = k * STOI_HOP;
        for j in 0..STOI_FRAME {
            xo[at + j] += w[j] * x[i + j];
            yo[at + j] += w[j] * y[i + j];
        }
    }
    Some((xo, yo))
}

/// pystoi's `thirdoct`: each band's FFT bins as a half-open range.
fn third_octave_bands() -> Vec<(usize, usize)> {
    let bins = STOI_FFT / 2 + 1;
    let freq = |k: usize| k as f64 * f64::from(STOI_RATE) / STOI_FFT as f64;
    // numpy.argmin: the first bin nearest to f.
    let nearest = |f: f64| {
        (0..bins)
            .map(|k| (k, (freq(k) - f).powi(2)))
            .fold(
                (0, f64::INFINITY),
                |best, (k, d)| if d < best.1 { (k, d) } else { best },
            )
            .0
    };
    (0..STOI_BANDS)
        .map(|i| {
            let k = i as f64;
            let low = STOI_MIN_FREQ * 2f64.powf((2.0 * k - 1.0) / 6.0);
            let high = STOI_MIN_FREQ * 2f64.powf((2.0 * k + 1.0) / 6.0);
            (nearest(low), nearest(high))
        })
        .collect()
}

/// A Hann-windowed STFT of real frames: power spectra `|X_k|²`, `k = 0..=fft/2`.
struct Stft {
    frame: usize,
    window: Vec<f64>,
    fft: Arc<dyn RealToComplex<f64>>,
    input: Vec<f64>,
    output: Vec<Complex<f64>>,
}

impl Stft {
    /// pystoi's window (`numpy.hanning(frame + 2)[1:-1]`), zero-padded to `fft`.
    fn new(frame: usize, fft: usize) -> Self {
        Self::with_window(hanning_inner(frame), fft)
    }

    fn with_window(window: Vec<f64>, fft_len: usize) -> Self {
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(fft_len);
        let (input, output) = (fft.make_input_vec(), fft.make_output_vec());
        Stft {
            frame: window.len(),
            window,
            fft,
            input,
            output,
        }
    }

    /// Spectrum of the frame at `start` (zeros past the signal's end); `map` turns each
    /// bin into the value kept.
    fn frame_at(&mut self, x: &[f64], start: usize, map: impl Fn(Complex<f64>) -> f64) -> Vec<f64> {
        self.input.fill(0.0);
        for (j, (slot, w)) in self.input.iter_mut().zip(&self.window).enumerate() {
            *slot = x.get(start + j).copied().unwrap_or(0.0) * w;
        }
        // The lengths are the plan's own, so processing cannot fail.
        let _ = self.fft.process(&mut self.input, &mut self.output);
        self.output.iter().map(|&c| map(c)).collect()
    }

    /// Power spectra of the frames at pystoi's starts (`range(0, len - frame, hop)`).
    fn power_frames(&mut self, x: &[f64], hop: usize) -> Vec<Vec<f64>> {
        frame_starts(x.len(), self.frame, hop)
            .map(|i| self.frame_at(x, i, |c| c.norm_sqr()))
            .collect()
    }
}

/// `pystoi.utils.resample_oct(x, p, q)`: `scipy.signal.resample_poly(x, p, q)` with
/// Octave's anti-aliasing filter (Kaiser-windowed sinc, 60 dB rejection, roll-off a tenth
/// of the cutoff, normalised to unit DC gain), output length `ceil(len · p / q)`,
/// centred (no delay).
fn resample_octave(x: &[f64], p: u32, q: u32) -> Vec<f64> {
    let g = gcd(p, q);
    let (up, down) = ((p / g) as usize, (q / g) as usize);
    if up == down {
        return x.to_vec();
    }
    let cutoff = 1.0 / (2.0 * up.max(down) as f64);
    let roll_off = cutoff / 10.0;
    let rejection_db = 60.0;
    let half = ((rejection_db - 8.0) / (28.714 * roll_off)).ceil() as usize;
    let beta = 0.1102 * (rejection_db - 8.7);
    let taps = 2 * half + 1;
    let mut h: Vec<f64> = (0..taps)
        .map(|i| {
            let t = i as f64 - half as f64;
            let ideal = 2.0 * up as f64 * cutoff * sinc(2.0 * cutoff * t);
            let r = 2.0 * i as f64 / (taps - 1) as f64 - 1.0;
            ideal * bessel_i0(beta * (1.0 - r * r).max(0.0).sqrt()) / bessel_i0(beta)
        })
        .collect();
    let sum: f64 = h.iter().sum();
    h.iter_mut().for_each(|v| *v = *v / sum * up as f64);
    let n_out = (x.len() * up).div_ceil(down);
    (0..n_out)
        .map(|m| {
            // y[m] = Σ_k h[k] · x_up[m·down + half − k], x_up = x with up − 1 zeros between.
            let t = m * down + half;
            let mut acc = 0.0;
            let mut k = t % up;
            while k < taps.min(t + 1) {
                let idx = (t - k) / up;
                if idx < x.len() {
                    acc += h[k] * x[idx];
                }
                k += up;
            }
            acc
        })
        .collect()
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `numpy.sinc`: `sin(πx) / (πx)`.
fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        (PI * x).sin() / (PI * x)
    }
}

/// The modified Bessel function of the first kind, order 0 (power series).
fn bessel_i0(x: f64) -> f64 {
    let (mut sum, mut term, q) = (1.0, 1.0, x * x / 4.0);
    for k in 1..500 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

// ---------------------------------------------------------------------------------
// Log-mel distance

/// FFT and window length of [`mel_distance`] (32 ms at 16 kHz).
pub const MEL_FFT: usize = 512;
/// Hop of [`mel_distance`] (8 ms at 16 kHz).
pub const MEL_HOP: usize = 128;
/// Mel bands of [`mel_distance`].
pub const MEL_BANDS: usize = 80;
/// Magnitudes are floored here before the logarithm (−100 dB).
pub const MEL_FLOOR: f64 = 1e-5;

/// The log-mel spectral distance of `degraded` from `reference`, both at `rate` and of
/// the same length: the mean over frames and bands of `|ln max(M_r, 1e-5) − ln max(M_d,
/// 1e-5)|`, where `M` is the magnitude spectrum (periodic Hann window of [`MEL_FFT`]
/// samples, hop [`MEL_HOP`], no padding; a signal shorter than one window is
/// zero-padded to one) summed through [`MEL_BANDS`] triangular mel filters from 0 Hz to
/// the Nyquist frequency (Slaney's mel scale and area normalisation, librosa's default)
/// — the spectrogram of HiFi-GAN's mel loss. 0 for identical signals; lower is better.
pub fn mel_distance(reference: &[f32], degraded: &[f32], rate: u32) -> Result<f64, MetricError> {
    check_lengths(reference, degraded)?;
    if reference.is_empty() {
        return Err(MetricError::TooShort {
            metric: "the mel distance",
            reason: "empty signals".into(),
        });
    }
    let filters = mel_filters(rate);
    let window: Vec<f64> = (0..MEL_FFT)
        .map(|n| 0.5 - 0.5 * (2.0 * PI * n as f64 / MEL_FFT as f64).cos())
        .collect();
    let mut stft = Stft::with_window(window, MEL_FFT);
    let frames = if reference.len() <= MEL_FFT {
        1
    } else {
        (reference.len() - MEL_FFT) / MEL_HOP + 1
    };
    let mut log_mel = |x: &[f32]| -> Vec<f64> {
        let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let mut out = Vec::with_capacity(frames * MEL_BANDS);
        for f in 0..frames {
            let mag = stft.frame_at(&x, f * MEL_HOP, |c| c.norm());
            out.extend(filters.iter().map(|(first, weights)| {
                let m: f64 = weights.iter().zip(&mag[*first..]).map(|(w, v)| w * v).sum();
                m.max(MEL_FLOOR).ln()
            }));
        }
        out
    };
    let (r, d) = (log_mel(reference), log_mel(degraded));
    Ok(r.iter().zip(&d).map(|(a, b)| (a - b).abs()).sum::<f64>() / r.len() as f64)
}

/// Slaney's mel scale (linear below 1 kHz, logarithmic above), as librosa's default.
fn hz_to_mel(f: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let log_step = 6.4f64.ln() / 27.0;
    if f >= MIN_LOG_HZ {
        min_log_mel + (f / MIN_LOG_HZ).ln() / log_step
    } else {
        f / F_SP
    }
}

fn mel_to_hz(m: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let log_step = 6.4f64.ln() / 27.0;
    if m >= min_log_mel {
        MIN_LOG_HZ * (log_step * (m - min_log_mel)).exp()
    } else {
        m * F_SP
    }
}

/// librosa's `filters.mel(sr=rate, n_fft=MEL_FFT, n_mels=MEL_BANDS)` (Slaney norm), each
/// filter as its first FFT bin and its weights from there.
fn mel_filters(rate: u32) -> Vec<(usize, Vec<f64>)> {
    let bins = MEL_FFT / 2 + 1;
    let fft_freqs: Vec<f64> = (0..bins)
        .map(|k| k as f64 * f64::from(rate) / MEL_FFT as f64)
        .collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(f64::from(rate) / 2.0));
    let points: Vec<f64> = (0..MEL_BANDS + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (MEL_BANDS + 1) as f64))
        .collect();
    (0..MEL_BANDS)
        .map(|b| {
            let (left, centre, right) = (points[b], points[b + 1], points[b + 2]);
            let norm = 2.0 / (right - left);
            let weights: Vec<f64> = fft_freqs
                .iter()
                .map(|&f| {
                    let rising = (f - left) / (centre - left);
                    let falling = (right - f) / (right - centre);
                    rising.min(falling).max(0.0) * norm
                })
                .collect();
            let first = weights.iter().position(|&w| w > 0.0).unwrap_or(0);
            let last = weights
                .iter()
                .rposition(|&w| w > 0.0)
                .map_or(first, |l| l + 1);
            (first, weights[first..last.max(first)].to_vec())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The speech fixtures (`evals/tests/fixtures/README.md`): 3 s of LibriSpeech and three
    /// degraded copies, 16 kHz.
    fn fixture(name: &str) -> Vec<f32> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/speech")
            .join(format!("{name}.flac"));
        let audio = ncodec_datasets::audio::read_audio(&path).expect("fixture decodes");
        assert_eq!(audio.sample_rate, METRIC_RATE);
        audio.channels.into_iter().next().expect("one channel")
    }

    /// `(name, STOI, PESQ-WB, PESQ-NB)` from pystoi 0.4.1 and pesq 0.0.4 (the ITU-T C
    /// code) on the fixtures, by `evals/tests/fixtures/make_fixtures.py`.
    const REFERENCE: [(&str, f64, f64, f64); 4] = [
        ("clean", 1.000000, 4.643888, 4.548638),
        ("noisy", 0.975511, 1.554060, 2.449826),
        ("lowpass", 0.980232, 2.597344, 4.386041),
        ("shifted", 0.564686, 1.449832, 1.875273),
    ];

    #[test]
    fn stoi_and_pesq_match_the_python_reference_packages() {
        let clean = fixture("clean");
        for (name, ref_stoi, ref_wb, ref_nb) in REFERENCE {
            let degraded = fixture(name);
            let s = stoi(&clean, &degraded, METRIC_RATE).expect("stoi");
            let wb = pesq_wb(&clean, &degraded).expect("pesq wb");
            let nb = pesq_nb(&clean, &degraded).expect("pesq nb");
            assert!(
                (s - ref_stoi).abs() <= 0.01,
                "{name}: STOI {s} vs pystoi {ref_stoi}"
            );
            assert!(
                (wb - ref_wb).abs() <= 0.02,
                "{name}: PESQ-WB {wb} vs {ref_wb}"
            );
            assert!(
                (nb - ref_nb).abs() <= 0.02,
                "{name}: PESQ-NB {nb} vs {ref_nb}"
            );
        }
    }

    #[test]
    fn identical_signals_score_best_and_metrics_rank_degradations() {
        let clean = fixture("clean");
        assert_eq!(mel_distance(&clean, &clean, METRIC_RATE), Ok(0.0));
        let noisy = mel_distance(&clean, &fixture("noisy"), METRIC_RATE).expect("mel");
        let lowpass = mel_distance(&clean, &fixture("lowpass"), METRIC_RATE).expect("mel");
        // 20 dB white noise fills the quiet bins; a 2.5 kHz lowpass empties the top ones.
        assert!(noisy > 0.5 && lowpass > 0.5, "{noisy} {lowpass}");
        let back = mel_distance(&fixture("noisy"), &clean, METRIC_RATE).expect("mel");
        assert!((back - noisy).abs() < 1e-12, "symmetric");
        let quieter: Vec<f32> = clean.iter().map(|v| v * 0.5).collect();
        let gain = mel_distance(&clean, &quieter, METRIC_RATE).expect("mel");
        // Mostly ln 2 (a level change), less where both are at the floor.
        assert!(gain > 0.4 && gain <= 2f64.ln() + 1e-9, "{gain}");
    }

    #[test]
    fn short_mismatched_and_silent_inputs_are_errors_not_panics() {
        let clean = fixture("clean");
        let short = &clean[..3000];
        assert!(matches!(
            stoi(short, short, METRIC_RATE),
            Err(MetricError::TooShort { .. })
        ));
        assert!(matches!(
            pesq_wb(short, short),
            Err(MetricError::TooShort { .. })
        ));
        assert!(matches!(
            pesq_nb(&clean[..100], &clean[..100]),
            Err(MetricError::TooShort { .. })
        ));
        assert!(matches!(
            stoi(&clean[..10], &clean[..10], METRIC_RATE),
            Err(MetricError::TooShort { .. })
        ));
        assert!(matches!(
            mel_distance(&[], &[], METRIC_RATE),
            Err(MetricError::TooShort { .. })
        ));
        assert_eq!(
            stoi(&clean, short, METRIC_RATE),
            Err(MetricError::Length(48_000, 3000))
        );
        assert_eq!(
            pesq_nb(&clean, short).unwrap_err(),
            MetricError::Length(48_000, 3000)
        );
        // Silence is scored (the `pesq` crate rates identical silence as transparent),
        // without a panic.
        let silence = vec![0.0f32; 16_000];
        for score in [pesq_wb(&silence, &silence), pesq_nb(&silence, &silence)] {
            assert!(score.as_ref().map_or(true, |s| s.is_finite()));
        }
        assert!(stoi(&silence, &silence, METRIC_RATE).is_ok_and(|s| s.abs() < 1e-9));
        // Shorter than one window: padded, still defined.
        assert_eq!(
            mel_distance(&clean[..100], &clean[..100], METRIC_RATE),
            Ok(0.0)
        );
    }

    #[test]
    fn octave_resampler_has_unit_gain_no_delay_and_ceil_length() {
        let tone: Vec<f64> = (0..1600)
            .map(|n| (2.0 * PI * 500.0 * n as f64 / 16_000.0).sin())
            .collect();
        let down = resample_octave(&tone, 10_000, 16_000);
        assert_eq!(down.len(), 1000);
        assert_eq!(resample_octave(&tone[..3], 10_000, 16_000).len(), 2);
        for (m, v) in down.iter().enumerate().skip(100).take(800) {
            let want = (2.0 * PI * 500.0 * m as f64 / 10_000.0).sin();
            assert!((v - want).abs() < 2e-3, "{m}: {v} vs {want}");
        }
        assert_eq!(resample_octave(&tone[..5], 16_000, 16_000), &tone[..5]);
        assert!((bessel_i0(0.0) - 1.0).abs() < 1e-15);
        assert!((bessel_i0(5.65326) - 49.01).abs() < 0.1);
        // pystoi's band edges: band 0 covers bins 7 and 8 (137–156 Hz at 19.5 Hz a bin).
        let bands = third_octave_bands();
        assert_eq!((bands.len(), bands[0]), (15, (7, 9)));
    }
}
