//! Sound: the file mixed to mono and resampled to 16 kHz, then every contender of
//! `ncodec eval audio` at its settings, with the bytes and the decoded WAV of each.

use ncodec_datasets::audio::{decode_audio_bytes, pcm16_wav_bytes, resample, to_mono};
use ncodec_evals::audio::{
    code_speech, plan_audio_eval, AudioEvalOptions, SpeechBaseline, SpeechContender, SPEECH_RATE,
};

use super::{coding_row, stem, Offered};
use crate::detect::{extension, DetectError};
use crate::jobs::{Job, ResultRow, Source};

/// What the page measures: `ncodec eval audio FILE`.
pub fn options() -> AudioEvalOptions {
    AudioEvalOptions::default()
}

pub(super) fn run(job: &Job, input: &[u8]) -> Result<(), String> {
    let not_audio = |reason: String| {
        DetectError::NotAudio {
            name: job.name.clone(),
            reason,
        }
        .to_string()
    };
    let audio = decode_audio_bytes(input, extension(&job.name).as_deref())
        .map_err(|e| not_audio(e.to_string()))?;
    let speech = resample(&to_mono(&audio), audio.sample_rate, SPEECH_RATE)
        .map_err(|e| not_audio(e.to_string()))?;
    if speech.is_empty() {
        return Err(not_audio("it holds no samples".into()));
    }
    let (plan, unavailable) = plan_audio_eval(&options()).map_err(|e| e.to_string())?;
    let wav = pcm16_wav_bytes(&speech, SPEECH_RATE).map_err(|e| e.to_string())?;
    job.add_file(
        "original.wav",
        &wav,
        "audio/wav",
        format!("{}.16k-mono.wav", stem(&job.name)),
    )?;
    job.update(|s| {
        s.info = serde_json::json!({
            "seconds": audio.seconds(),
            "sample_rate": audio.sample_rate,
            "channels": audio.channels.len(),
            "compared_at": "16 kHz mono",
            "original": "original.wav",
            "same_as": "ncodec eval audio FILE",
        });
        s.total = plan.iter().map(|(_, settings)| settings.len()).sum();
        s.unavailable = unavailable;
    });
    drop(audio);
    job.set_source(Source::Speech(speech));
    let Some(Source::Speech(speech)) = job.source() else {
        return Err("the samples were not kept".into());
    };
    super::run_plan(
        job,
        &plan,
        |contender, setting| format!("{} {}", contender.name(), contender.setting_label(setting)),
        |contender, setting| code(job, contender, setting, speech),
    );
    Ok(())
}

fn code(job: &Job, contender: &SpeechContender, setting: u32, speech: &[f32]) -> ResultRow {
    let coded = code_speech(contender, setting, &job.name, speech);
    let outputs = match (coded.bytes, coded.decoded) {
        (Some(bytes), Some(decoded)) => Some((
            Offered {
                bytes,
                ext: extension_of(contender),
                content_type: content_type(contender),
            },
            move || {
                Ok(Offered {
                    bytes: pcm16_wav_bytes(&decoded, SPEECH_RATE).map_err(|e| e.to_string())?,
                    ext: "wav",
                    content_type: "audio/wav",
                })
            },
        )),
        _ => None,
    };
    let id = (contender.name(), setting, contender.setting_label(setting));
    coding_row(job, id, &coded.point, coded.point.error.clone(), outputs)
}

/// The coded bytes' extension: `.ncz`, `.mp3`, or the raw packets of Opus and Codec 2
/// as the evaluation counts them.
fn extension_of(contender: &SpeechContender) -> &'static str {
    match contender {
        SpeechContender::Ncodec => "ncz",
        SpeechContender::Baseline(SpeechBaseline::Mp3) => "mp3",
        SpeechContender::Baseline(SpeechBaseline::Opus) => "opus-packets",
        SpeechContender::Baseline(SpeechBaseline::Codec2) => "c2",
    }
}

fn content_type(contender: &SpeechContender) -> &'static str {
    match contender {
        SpeechContender::Baseline(SpeechBaseline::Mp3) => "audio/mpeg",
        _ => "application/octet-stream",
    }
}
