//! End-to-end test of `ncodec serve` in a real browser: the binary serves the page,
//! headless Chromium (driven by playwright-core, `web/e2e/browser-test.mjs`) uploads a
//! sample photo and a sample WAV, reads the numbers off the page, re-encodes with the
//! quality slider, plots an evaluation's JSON and tries bad uploads; this test then
//! checks every number shown against `ncodec eval … --json` on the same files.
//!
//! Needs Node.js, `npm ci` in `web/e2e` and Chromium (`.ci/run` installs them). Without
//! them the test is skipped with a message, except under CI (`CI` set), where it fails.
//! With `NCODEC_UPDATE_SCREENSHOTS=1` the screenshots are written to `docs/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn chromium() -> Option<PathBuf> {
    let from_env = std::env::var_os("CHROMIUM").map(PathBuf::from);
    from_env
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from))
        .find(|p| p.exists())
}

/// Why the browser test cannot run here, if it cannot.
fn missing_prerequisite() -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("Node.js (`node`) is not installed".into());
    }
    if !root().join("web/e2e/node_modules/playwright-core").exists() {
        return Some("playwright-core is not installed (run `npm ci --prefix web/e2e`)".into());
    }
    if chromium().is_none() {
        return Some("Chromium is not installed (Debian: `apt-get install chromium`)".into());
    }
    None
}

/// Kills the server if the test fails before stopping it.
struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ncodec(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_ncodec"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ncodec");
    assert!(
        out.status.success(),
        "ncodec {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read json")).expect("parse json")
}

/// The number the page shows in `text` (`12,345`, `31.27`, `1.2 ms`).
fn shown(text: &str) -> f64 {
    let cleaned: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
        .collect();
    cleaned
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// Checks that each field of `fields` ((name, decimals shown)) of every point of the
/// eval's JSON appears in the page's row of the same contender and setting.
fn check_rows(page_rows: &Value, points: &Value, fields: &[(&str, i32)], what: &str) {
    let rows = page_rows.as_array().expect("rows");
    let points = points.as_array().expect("points");
    assert!(!points.is_empty(), "{what}: the eval measured nothing");
    assert_eq!(
        rows.len(),
        points.len(),
        "{what}: the page shows {} rows, the eval has {} points",
        rows.len(),
        points.len()
    );
    for point in points {
        let contender = point["contender"].as_str().expect("contender");
        let setting = point["setting"].as_f64().expect("setting");
        let row = rows
            .iter()
            .find(|r| r["contender"] == contender && r["setting"].as_f64() == Some(setting))
            .unwrap_or_else(|| panic!("{what}: no row for {contender} {setting} in the page"));
        assert!(
            point["error"].is_null(),
            "{what}: {contender} {setting} failed in the eval: {}",
            point["error"]
        );
        for &(field, decimals) in fields {
            let expected = point[field].as_f64();
            let text = row[field]
                .as_str()
                .unwrap_or_else(|| panic!("{what}: no {field} in {row}"));
            match expected {
                None => assert_eq!(text, "–", "{what}: {contender} {setting} {field}"),
                Some(value) => {
                    let tolerance = 0.5 * 10f64.powi(-decimals) + 1e-9;
                    assert!(
                        (shown(text) - value).abs() <= tolerance,
                        "{what}: {contender} {setting} {field}: the page shows {text}, the eval has {value}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_page_shows_what_ncodec_eval_measures_in_headless_chromium() {
    if let Some(why) = missing_prerequisite() {
        if std::env::var_os("CI").is_some() {
            panic!("the browser test cannot run under CI: {why}");
        }
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let samples = root().join("datasets/samples");
    // A 256x176 crop of a sample photo: large enough for MS-SSIM, small enough for the
    // AVIF encoder of a test build.
    let photo = d.join("chelsea-crop.png");
    image::open(samples.join("chelsea.png"))
        .expect("sample photo")
        .crop_imm(120, 40, 256, 176)
        .save(&photo)
        .expect("write the crop");
    let speech = d.join("speech.wav");
    std::fs::copy(samples.join("speech-librivox-0930.wav"), &speech).expect("copy speech");
    let empty = d.join("empty.txt");
    std::fs::write(&empty, b"").expect("write");
    let fake_png = d.join("holiday.png");
    std::fs::write(&fake_png, b"this is a text file, not a photo").expect("write");
    let corrupt = d.join("notes.txt.ncz");
    let mut ncz = ncodec::compress(
        &b"a note that will be damaged on its way. ".repeat(200),
        &ncodec::CompressOptions::default(),
    )
    .expect("compress");
    let middle = ncz.len() / 2;
    ncz[middle] ^= 0x5A;
    std::fs::write(&corrupt, &ncz).expect("write");

    let photo_json = d.join("photo.json");
    let speech_json = d.join("speech.json");
    let p = |p: &Path| p.to_str().expect("utf-8 path").to_string();
    ncodec(&[
        "eval",
        "image",
        &p(&photo),
        "--qualities",
        "20,40,60,80,90",
        "--json",
        &p(&photo_json),
    ]);
    ncodec(&["eval", "audio", &p(&speech), "--json", &p(&speech_json)]);

    let mut server = ServerGuard(
        Command::new(env!("CARGO_BIN_EXE_ncodec"))
            .args(["serve", "--port", "0", "--max-upload", "8M"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ncodec serve"),
    );
    let mut lines = BufReader::new(server.0.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a line").expect("read");
    let url = first
        .strip_prefix("ncodec serve: ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "listens on {url}");
    let second = lines.next().expect("a line").expect("read");
    let temp = PathBuf::from(
        second
            .strip_prefix("results are kept in ")
            .and_then(|rest| rest.split(" until").next())
            .unwrap_or_else(|| panic!("unexpected second line {second:?}")),
    );
    assert!(temp.is_dir());

    let shots = d.join("shots");
    std::fs::create_dir(&shots).expect("mkdir");
    let out = Command::new("node")
        .arg(root().join("web/e2e/browser-test.mjs"))
        .args([
            &url,
            &p(&photo),
            &p(&speech),
            &p(&photo_json),
            &p(&empty),
            &p(&fake_png),
            &p(&corrupt),
            &p(&shots),
        ])
        .env("CHROMIUM", chromium().expect("chromium"))
        .stdin(Stdio::null())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "the browser script failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("the script's JSON");
    assert_eq!(
        result["pageErrors"],
        serde_json::json!([]),
        "JavaScript errors in the page"
    );

    // Every number of the photo's and the speech's rows is the eval's.
    assert_eq!(result["photoState"], "done");
    let photo_eval = read_json(&photo_json);
    check_rows(
        &result["photoRows"],
        &photo_eval["points"],
        &[("bytes", 0), ("bpp", 4), ("psnr", 2), ("ms_ssim", 4)],
        "photo",
    );
    assert_eq!(result["speechState"], "done");
    let speech_eval = read_json(&speech_json);
    check_rows(
        &result["speechRows"],
        &speech_eval["points"],
        &[
            ("bytes", 0),
            ("kbps", 3),
            ("pesq_wb", 3),
            ("pesq_nb", 3),
            ("stoi", 3),
        ],
        "speech",
    );
    assert_eq!(
        result["players"].as_u64(),
        speech_eval["points"].as_array().map(|a| a.len() as u64),
        "one player per decoded version"
    );
    assert!(
        result["originalPlayer"]
            .as_str()
            .is_some_and(|src| src.ends_with("/files/original.wav")),
        "a player for the original: {}",
        result["originalPlayer"]
    );
    let recode = result["recode"].as_str().expect("recode");
    assert!(recode.starts_with("webp q55: "), "{recode}");
    assert!(result["rightCaption"]
        .as_str()
        .is_some_and(|c| c.contains("webp q55")));
    assert_eq!(
        result["plotSeries"].as_u64(),
        photo_eval["curves"]
            .as_array()
            .map(|c| c.iter().filter(|c| c["lossless"] == false).count() as u64)
    );

    // Bad uploads: a clear message, and the server keeps answering.
    let bad = &result["bad"];
    let message = |what: &str| bad[what]["message"].as_str().unwrap_or("").to_string();
    assert!(message("empty").contains("empty"), "{}", message("empty"));
    assert!(message("huge").contains("too large"), "{}", message("huge"));
    assert_eq!(bad["fakePng"]["state"], "failed");
    assert!(
        message("fakePng").contains("not one ncodec can read"),
        "{}",
        message("fakePng")
    );
    assert_eq!(bad["corruptNcz"]["state"], "failed");
    assert!(
        message("corruptNcz").contains("damaged"),
        "{}",
        message("corruptNcz")
    );
    assert_eq!(bad["hugeDirect"]["status"], 413);
    assert!(
        message("hugeDirect").contains("too large"),
        "{}",
        message("hugeDirect")
    );
    for what in ["empty", "huge", "fakePng", "corruptNcz", "hugeDirect"] {
        assert_eq!(
            bad[what]["alive"], true,
            "the server stopped answering after {what}"
        );
    }

    for shot in ["serve-image.png", "serve-audio.png", "serve-plot.png"] {
        let path = shots.join(shot);
        let bytes = std::fs::read(&path).expect("screenshot");
        assert!(bytes.starts_with(b"\x89PNG"), "{shot} is no PNG");
        if std::env::var_os("NCODEC_UPDATE_SCREENSHOTS").is_some() {
            std::fs::copy(&path, root().join("docs").join(shot)).expect("update screenshot");
        }
    }

    // SIGTERM stops the server cleanly and removes its temporary folder.
    let pid = server.0.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = server.0.wait().expect("wait");
    assert!(status.success(), "the server exited with {status}");
    assert!(!temp.exists(), "{} is left behind", temp.display());
}
