//! End-to-end tests of `ncodec eval image` on the two sample photos.

mod common;

use std::path::Path;

use common::{run, text};

fn samples() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../datasets/samples").to_string()
}

#[test]
fn eval_image_measures_ncodec_and_baselines_and_writes_json_and_svg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = dir.path().join("photos");
    std::fs::create_dir(&photos).expect("mkdir");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(Path::new(&samples()).join(name), photos.join(name)).expect("copy");
    }
    let out = run(
        &[
            "eval",
            "image",
            "photos",
            "--only",
            "ncodec,jpeg,webp,png",
            "--qualities",
            "20,40,60,80",
            "--json",
            "rd.json",
            "--plot",
            "rd.svg",
            "-T",
            "2",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for needle in [
        "mean over 2 photos",
        "jpeg",
        "webp",
        "lossless",
        "BD-rate",
        "webp       jpeg",
    ] {
        assert!(table.contains(needle), "{needle:?} missing in\n{table}");
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("rd.json")).expect("json written"),
    )
    .expect("valid json");
    let points = json["points"].as_array().expect("points");
    let ncodec_points = points
        .iter()
        .filter(|p| p["contender"] == "ncodec-e1")
        .count();
    let unavailable = json["unavailable"].as_array().expect("unavailable");
    // Either the learned codec ran (every level on both photos) or the report says why not.
    assert!(
        ncodec_points > 0 && ncodec_points % 2 == 0 || unavailable.len() == 1,
        "{json}"
    );
    assert!(points.iter().all(|p| p["error"].is_null()), "{json}");
    let jpeg = points
        .iter()
        .find(|p| p["contender"] == "jpeg" && p["setting"] == 60)
        .expect("a jpeg point");
    let bpp = jpeg["bpp"].as_f64().expect("bpp");
    let bytes = jpeg["bytes"].as_f64().expect("bytes");
    // chelsea.png is 451×300, coffee.png 600×400.
    let pixels = if jpeg["image"]
        .as_str()
        .is_some_and(|n| n.ends_with("chelsea.png"))
    {
        451.0 * 300.0
    } else {
        600.0 * 400.0
    };
    assert!((bpp - bytes * 8.0 / pixels).abs() < 1e-9);
    assert!(jpeg["ms_ssim"].as_f64().is_some_and(|m| m > 0.9 && m < 1.0));
    let svg = std::fs::read_to_string(dir.path().join("rd.svg")).expect("svg written");
    assert!(svg.starts_with("<svg") && svg.contains("<text") && svg.contains("webp"));
}

#[test]
fn eval_image_usage_errors_say_what_is_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let samples = samples();
    let unknown = run(&["eval", "image", &samples, "--only", "gif"], dir.path());
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("gif"),
        "{}",
        text(&unknown.stderr)
    );
    let missing = run(
        &["eval", "image", "no-such-folder", "--no-ncodec"],
        dir.path(),
    );
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("no-such-folder"));
    let effort = run(&["eval", "image", &samples, "--effort", "4"], dir.path());
    assert!(!effort.status.success());
    assert!(text(&effort.stderr).contains("--effort"));
    let empty = std::fs::create_dir(dir.path().join("empty"));
    assert!(empty.is_ok());
    let none = run(&["eval", "image", "empty"], dir.path());
    assert!(!none.status.success());
    assert!(
        text(&none.stderr).contains("no photos"),
        "{}",
        text(&none.stderr)
    );
}
