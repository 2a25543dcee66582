//! End-to-end tests of `ncodec eval audio` on the speech fixtures of the evals crate.

mod common;

use common::{run, text};

/// 3 s of LibriSpeech and degraded copies, 16 kHz FLAC (`clean.flac` first by name).
fn fixtures() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../evals/tests/fixtures/speech"
    )
    .to_string()
}

#[test]
fn eval_audio_measures_ncodec_and_baselines_and_writes_json_and_svg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &[
            "eval",
            "audio",
            &fixtures(),
            "--max-files",
            "1",
            "--json",
            "rq.json",
            "--plot",
            "rq.svg",
            "-T",
            "2",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for needle in [
        "mean over 1 file (3.0 s",
        "PESQ-WB",
        "opus",
        "12 kbps",
        "codec2",
        "1.2 kbps",
        "mp3",
        "16 kbps",
    ] {
        assert!(table.contains(needle), "{needle:?} missing in\n{table}");
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("rq.json")).expect("json written"),
    )
    .expect("valid json");
    let files = json["files"].as_array().expect("files");
    assert_eq!(files.len(), 1);
    assert!(files[0]["name"]
        .as_str()
        .is_some_and(|n| n.ends_with("clean.flac")));
    let points = json["points"].as_array().expect("points");
    assert!(points.iter().all(|p| p["error"].is_null()), "{json}");
    let ncodec_points = points.iter().filter(|p| p["contender"] == "ncodec").count();
    let unavailable = json["unavailable"].as_array().expect("unavailable");
    // Either the learned codec ran (every level) or the report says why not.
    assert!(ncodec_points > 0 || unavailable.len() == 1, "{json}");
    // Opus at 3 rates, Codec 2 at 2, MP3 at 2.
    assert_eq!(points.len() - ncodec_points, 7);
    let codec2 = points
        .iter()
        .find(|p| p["contender"] == "codec2" && p["setting"] == 3200)
        .expect("a codec2 point");
    let (bytes, kbps) = (codec2["bytes"].as_f64(), codec2["kbps"].as_f64());
    // 3 s in whole 20 ms frames of 8 bytes (and one more for the delay).
    assert_eq!(bytes, Some(151.0 * 8.0));
    assert!(kbps.is_some_and(|k| (k - 151.0 * 64.0 / 3.0 / 1000.0).abs() < 1e-9));
    for metric in ["pesq_wb", "pesq_nb", "stoi", "mel_distance"] {
        assert!(codec2[metric].as_f64().is_some(), "{metric}: {codec2}");
    }
    let svg = std::fs::read_to_string(dir.path().join("rq.svg")).expect("svg written");
    assert!(svg.starts_with("<svg") && svg.contains("<text") && svg.contains("codec2"));
}

#[test]
fn eval_audio_usage_errors_say_what_is_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = fixtures();
    let unknown = run(&["eval", "audio", &fixtures, "--only", "aac"], dir.path());
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("aac"),
        "{}",
        text(&unknown.stderr)
    );
    let missing = run(
        &["eval", "audio", "no-such-folder", "--no-ncodec"],
        dir.path(),
    );
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("no-such-folder"));
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let none = run(&["eval", "audio", "empty"], dir.path());
    assert!(!none.status.success());
    assert!(
        text(&none.stderr).contains("no audio files"),
        "{}",
        text(&none.stderr)
    );
    std::fs::write(dir.path().join("broken.wav"), b"RIFF\x10\0\0\0WAVEjunk").expect("write");
    let broken = run(&["eval", "audio", "broken.wav"], dir.path());
    assert!(!broken.status.success());
    assert!(
        text(&broken.stderr).contains("broken.wav"),
        "{}",
        text(&broken.stderr)
    );
}

#[test]
fn eval_audio_lossless_reports_real_pcm_sizes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &[
            "eval",
            "audio",
            "--lossless",
            &fixtures(),
            "--max-files",
            "2",
            "--json",
            "lossless.json",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("TOTAL pcm"), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("lossless.json")).unwrap()).unwrap();
    let rows = report["rows"].as_array().unwrap();
    let pcm: Vec<_> = rows.iter().filter(|r| r["contender"] == "pcm").collect();
    assert_eq!(pcm.len(), 2);
    for row in pcm {
        let bits = row["bits_per_sample"].as_f64().unwrap();
        assert!(bits > 2.0 && bits < 16.0, "{bits}");
        assert_eq!(row["sample_rate"], 16_000);
    }
    let bad = run(
        &[
            "eval",
            "audio",
            "--lossless",
            "--plot",
            "x.svg",
            &fixtures(),
        ],
        dir.path(),
    );
    assert!(!bad.status.success());
}
