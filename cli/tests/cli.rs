//! End-to-end tests of the `ncodec` binary: round trips, habits shared with gzip/xz/zstd,
//! and clean failures on damaged input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn ncodec() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ncodec"))
}

fn run(args: &[&str], dir: &Path) -> Output {
    ncodec()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run ncodec")
}

fn run_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = ncodec()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ncodec");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("join").expect("write stdin");
    output
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

/// Several MB of real English text from the embedded samples.
fn several_mb_of_text() -> Vec<u8> {
    let mut text = Vec::new();
    let samples = ncodec_text_samples();
    let mut round = 0u8;
    while text.len() < 3 << 20 {
        for sample in &samples {
            text.extend_from_slice(sample);
            text.extend_from_slice(format!("\n-- round {round} --\n").as_bytes());
        }
        round = round.wrapping_add(1);
    }
    text
}

fn ncodec_text_samples() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/samples");
    ["devils-dictionary.txt", "jargon.txt"]
        .iter()
        .map(|name| std::fs::read(dir.join(name)).expect("sample"))
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    path
}

/// Compresses with `-T enc`, decompresses with `-T dec` via -o; checks bytes.
fn file_round_trip(dir: &Path, name: &str, bytes: &[u8], enc: &str, dec: &str) -> Vec<u8> {
    write(dir, name, bytes);
    let out = run(&["-q", "-f", "-T", enc, name], dir);
    assert!(out.status.success(), "compress {name}: {}", stderr(&out));
    let packed = std::fs::read(dir.join(format!("{name}.ncz"))).expect("packed");
    let restored = format!("{name}.out");
    let out = run(
        &[
            "-d",
            "-q",
            "-f",
            "-T",
            dec,
            &format!("{name}.ncz"),
            "-o",
            &restored,
        ],
        dir,
    );
    assert!(out.status.success(), "decompress {name}: {}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.join(&restored)).expect("restored"),
        bytes,
        "{name}"
    );
    packed
}

#[test]
fn round_trips_on_the_acceptance_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::fs::read(env!("CARGO_BIN_EXE_ncodec")).unwrap();
    let exe_slice = &exe[..exe.len().min(3 << 20)];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("one", vec![42]),
        ("random", random_bytes(1 << 20, 7)),
        ("text", several_mb_of_text()),
        ("exe", exe_slice.to_vec()),
    ];
    for (name, bytes) in &cases {
        let two_one = file_round_trip(dir.path(), name, bytes, "2", "1");
        let one_two = file_round_trip(dir.path(), name, bytes, "1", "2");
        assert_eq!(
            two_one, one_two,
            "{name}: output depends on the thread count"
        );
        if *name == "random" {
            let overhead = two_one.len() - bytes.len();
            assert!(overhead <= 64, "random grew by {overhead} bytes");
        }
        if *name == "text" {
            assert!(two_one.len() * 3 < bytes.len(), "text barely compressed");
        }
    }
}

#[test]
fn stdin_to_stdout_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = several_mb_of_text();
    let packed = run_stdin(&["-c"], dir.path(), &data[..200_000]);
    assert!(packed.status.success(), "{}", stderr(&packed));
    let back = run_stdin(&["-d"], dir.path(), &packed.stdout);
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(back.stdout, &data[..200_000]);
    // `-` is standard input too, and `decompress -c` writes standard output.
    let back = run_stdin(&["decompress", "-c", "-"], dir.path(), &packed.stdout);
    assert_eq!(back.stdout, &data[..200_000]);
    // Empty input.
    let packed = run_stdin(&[], dir.path(), b"");
    assert!(packed.status.success());
    let back = run_stdin(&["-d"], dir.path(), &packed.stdout);
    assert!(back.status.success() && back.stdout.is_empty());
}

#[test]
fn never_overwrites_without_force_and_keeps_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.txt", b"first version of the file");
    assert!(run(&["a.txt"], d).status.success());
    assert!(d.join("a.txt").exists(), "input must be kept by default");
    let first = std::fs::read(d.join("a.txt.ncz")).unwrap();

    write(d, "a.txt", b"second version, different bytes");
    let out = run(&["a.txt"], d);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("-f"), "{}", stderr(&out));
    assert_eq!(std::fs::read(d.join("a.txt.ncz")).unwrap(), first);

    assert!(run(&["-f", "-k", "a.txt"], d).status.success());
    assert_ne!(std::fs::read(d.join("a.txt.ncz")).unwrap(), first);

    // Decompressing onto an existing file is refused too.
    let out = run(&["-d", "a.txt.ncz"], d);
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read(d.join("a.txt")).unwrap(),
        b"second version, different bytes"
    );
}

#[test]
fn rm_removes_input_only_after_success() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "b.txt", &several_mb_of_text()[..50_000]);
    let out = run(&["--rm", "b.txt"], d);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!d.join("b.txt").exists());
    let out = run(&["-d", "--rm", "b.txt.ncz"], d);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(d.join("b.txt").exists() && !d.join("b.txt.ncz").exists());

    // A failing decompression keeps its input.
    write(d, "bad.ncz", b"\x89NCZ garbage");
    let out = run(&["-d", "--rm", "bad.ncz"], d);
    assert!(!out.status.success());
    assert!(d.join("bad.ncz").exists());
}

/// Lists the directory, ignoring the given names.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn damaged_files_fail_cleanly_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut data = several_mb_of_text()[..30_000].to_vec();
    data.extend(random_bytes(5000, 3));
    write(d, "c.bin", &data);
    assert!(run(&["--chunk-size", "8K", "c.bin"], d).status.success());
    std::fs::remove_file(d.join("c.bin")).unwrap();
    let packed = std::fs::read(d.join("c.bin.ncz")).unwrap();
    let before = listing(d);

    let step = (packed.len() / 40).max(1);
    for pos in (0..packed.len()).step_by(step) {
        let mut bad = packed.clone();
        bad[pos] ^= 0x5a;
        std::fs::write(d.join("c.bin.ncz"), &bad).unwrap();
        let out = run(&["-d", "c.bin.ncz"], d);
        let msg = stderr(&out);
        assert!(!out.status.success(), "flip at {pos} accepted");
        assert!(msg.starts_with("ncodec: c.bin.ncz: "), "{msg}");
        assert!(!msg.contains("panicked"), "{msg}");
        assert_eq!(listing(d), before, "flip at {pos} left files behind");

        std::fs::write(d.join("c.bin.ncz"), &packed[..pos]).unwrap();
        let out = run(&["-d", "c.bin.ncz"], d);
        let msg = stderr(&out);
        assert!(!out.status.success(), "truncation at {pos} accepted");
        assert!(!msg.contains("panicked"), "{msg}");
        assert_eq!(listing(d), before, "truncation at {pos} left files behind");
    }
    std::fs::write(d.join("c.bin.ncz"), &packed).unwrap();
    let out = run(&["test", "c.bin.ncz"], d);
    assert!(out.status.success());
}

#[test]
fn foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "photo.ncz", b"\xff\xd8\xff\xe0 a jpeg");
    for args in [
        &["-d", "photo.ncz"][..],
        &["test", "photo.ncz"],
        &["info", "photo.ncz"],
    ] {
        let out = run(args, dir.path());
        assert!(!out.status.success());
        assert!(stderr(&out).contains("not an ncz file"), "{}", stderr(&out));
    }
    assert!(!dir.path().join("photo").exists());
}

#[test]
fn usage_errors_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "x.txt", b"x");
    let out = run(&["-d", "x.txt"], d);
    assert!(!out.status.success() && stderr(&out).contains("-o"));
    let out = run(&["--codec", "zzz", "x.txt"], d);
    assert!(!out.status.success() && stderr(&out).contains("available"));
    let out = run(&["missing.txt"], d);
    assert!(!out.status.success() && stderr(&out).contains("missing.txt"));
    let help = run(&["--help"], d);
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples"));
}

#[test]
fn info_json_describes_the_frame() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "t.txt", &several_mb_of_text()[..100_000]);
    assert!(run(&["t.txt"], d).status.success());
    let out = run(&["info", "--json", "t.txt.ncz"], d);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["original_bytes"], 100_000);
    assert_eq!(v["codec"], "cm");
    let size = std::fs::metadata(d.join("t.txt.ncz")).unwrap().len();
    assert_eq!(v["compressed_bytes"], size);
}

#[test]
fn levels_pick_codecs_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = &several_mb_of_text()[..20_000];
    for (level, codec) in [("1", "cm"), ("2", "lm")] {
        let name = format!("l{level}.txt");
        write(d, &name, text);
        assert!(run(&["-l", level, &name], d).status.success());
        let packed = format!("{name}.ncz");
        let out = run(&["info", "--json", &packed], d);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["codec"], codec, "level {level}");
        let out = run(&["-d", "-c", &packed], d);
        assert!(out.status.success());
        assert_eq!(out.stdout, text);
    }
    let out = run(&["-l", "3", "l1.txt"], d);
    assert!(!out.status.success());
    let out = run(&["-l", "2", "--codec", "cm", "-f", "l1.txt"], d);
    assert!(!out.status.success() && stderr(&out).contains("cannot be used with"));
}

/// The embedded chelsea photo (451×300 PNG).
fn photo_png() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../datasets/samples/chelsea.png"
    ))
    .expect("embedded photo")
}

#[test]
fn lossy_image_round_trip_writes_an_image_of_the_same_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cat.png"), photo_png()).unwrap();
    let out = run(
        &["compress", "cat.png", "--quality", "1", "-T", "2"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("bits/pixel"), "{}", stderr(&out));
    let packed = std::fs::read(dir.path().join("cat.png.ncz")).unwrap();
    assert!(packed.len() < 20_000, "{} bytes", packed.len());
    // Decoding with 1 thread or 2 gives the same pixels.
    let a = run(
        &["-d", "cat.png.ncz", "-o", "one.ppm", "-T", "1"],
        dir.path(),
    );
    let b = run(
        &["-d", "cat.png.ncz", "-o", "two.ppm", "-T", "2"],
        dir.path(),
    );
    assert!(a.status.success() && b.status.success(), "{}", stderr(&a));
    let one = std::fs::read(dir.path().join("one.ppm")).unwrap();
    assert_eq!(one, std::fs::read(dir.path().join("two.ppm")).unwrap());
    assert!(one.starts_with(b"P6\n451 300\n255\n"));
    // The default output name keeps the original's name and format (PNG), -f needed.
    let refused = run(&["-d", "cat.png.ncz"], dir.path());
    assert!(!refused.status.success());
    let forced = run(&["-d", "-f", "cat.png.ncz"], dir.path());
    assert!(forced.status.success(), "{}", stderr(&forced));
    let png = std::fs::read(dir.path().join("cat.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn lossy_image_options_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cat.png"), photo_png()).unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"not an image").unwrap();
    for (args, message) in [
        (&["notes.txt", "--quality", "1"][..], "not an image"),
        (&["cat.png", "--quality", "99"][..], "out of range"),
        (&["cat.png", "--bpp", "0"][..], "positive"),
        (
            &["cat.png", "--quality", "1", "--codec", "cm"][..],
            "lossy image codec",
        ),
    ] {
        let out = run(args, dir.path());
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert!(!dir.path().join("notes.txt.ncz").exists());
    // A damaged image frame is refused, and nothing is written.
    let ok = run(&["cat.png", "--quality", "1"], dir.path());
    assert!(ok.status.success());
    let mut packed = std::fs::read(dir.path().join("cat.png.ncz")).unwrap();
    let middle = packed.len() / 2;
    packed[middle] ^= 0x10;
    std::fs::write(dir.path().join("bad.png.ncz"), &packed).unwrap();
    let bad = run(&["-d", "bad.png.ncz"], dir.path());
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("corrupt"), "{}", stderr(&bad));
    assert!(!dir.path().join("bad.png").exists());
}

fn speech_flac() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../evals/tests/fixtures/speech/clean.flac"
    ))
    .expect("speech fixture")
}

/// Samples of a 16 kHz mono 16-bit WAV as `ncodec -d` writes it.
fn wav_samples(bytes: &[u8]) -> usize {
    assert!(bytes.starts_with(b"RIFF") && bytes.len() >= 44);
    assert_eq!(
        u32::from_le_bytes(bytes[24..28].try_into().unwrap()),
        16_000
    );
    assert_eq!(u16::from_le_bytes(bytes[22..24].try_into().unwrap()), 1);
    (bytes.len() - 44) / 2
}

#[test]
fn speech_round_trip_keeps_the_duration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("talk.flac"), speech_flac()).unwrap();
    let out = run(&["talk.flac", "--kbps", "1.5", "-T", "2"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kbps over 3.00 s"),
        "{}",
        stderr(&out)
    );
    let packed = std::fs::read(dir.path().join("talk.wav.ncz")).unwrap();
    // Level 1 is about 1.5 kbps; the container adds about 50 bytes (0.14 kbps over 3 s).
    assert!(packed.len() * 8 < 3 * 1900, "{} bytes", packed.len());
    let a = run(
        &["-d", "talk.wav.ncz", "-o", "one.wav", "-T", "1"],
        dir.path(),
    );
    let b = run(
        &["-d", "talk.wav.ncz", "-o", "two.wav", "-T", "2"],
        dir.path(),
    );
    assert!(a.status.success() && b.status.success(), "{}", stderr(&a));
    let one = std::fs::read(dir.path().join("one.wav")).unwrap();
    assert_eq!(one, std::fs::read(dir.path().join("two.wav")).unwrap());
    assert_eq!(wav_samples(&one), 48_000);
    // The default name of the decoded file is the WAV one, beside the FLAC input.
    let default = run(&["-d", "talk.wav.ncz"], dir.path());
    assert!(default.status.success(), "{}", stderr(&default));
    assert_eq!(std::fs::read(dir.path().join("talk.wav")).unwrap(), one);
    // --codec speech --quality 2 is the 3 kbps level: a larger file.
    let high = run(
        &[
            "talk.flac",
            "--codec",
            "speech",
            "--quality",
            "2",
            "-o",
            "high.ncz",
        ],
        dir.path(),
    );
    assert!(high.status.success(), "{}", stderr(&high));
    assert!(std::fs::read(dir.path().join("high.ncz")).unwrap().len() > packed.len());
}

/// A 16-bit stereo WAV at 44.1 kHz of `seconds` of a gliding, pulsing tone with noise.
fn long_stereo_wav(seconds: usize) -> Vec<u8> {
    let frames = 44_100 * seconds;
    let mut state = 0x2545_f491u32;
    let mut samples = Vec::with_capacity(2 * frames);
    for i in 0..frames {
        let t = i as f32 / 44_100.0;
        let envelope = 0.5 + 0.5 * (t * 3.0).sin();
        let tone = (t * (600.0 + 200.0 * (t * 0.5).sin()) * std::f32::consts::TAU).sin();
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state >> 8) as f32 / (1 << 24) as f32 - 0.5;
        samples.push(0.3 * envelope * tone + 0.05 * noise);
        samples.push(0.2 * envelope * tone - 0.05 * noise);
    }
    let data = (2 * samples.len()) as u32;
    let mut wav = Vec::with_capacity(44 + data as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    for field in [16u32, 1 | 2 << 16, 44_100, 44_100 * 4, 4 | 16 << 16] {
        wav.extend_from_slice(&field.to_le_bytes());
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data.to_le_bytes());
    for v in samples {
        wav.extend_from_slice(&((v * 32767.0) as i16).to_le_bytes());
    }
    wav
}

#[test]
fn long_speech_streams_through_in_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let wav = long_stereo_wav(12);
    std::fs::write(dir.path().join("long.wav"), &wav).unwrap();
    let args = ["--kbps", "1.5", "--chunk-size", "64K"];
    let file = run(
        &[&["long.wav", "-o", "file.ncz"][..], &args].concat(),
        dir.path(),
    );
    assert!(file.status.success(), "{}", stderr(&file));
    assert!(stderr(&file).contains("over 12.00 s"), "{}", stderr(&file));
    let packed = std::fs::read(dir.path().join("file.ncz")).unwrap();
    // Standard input streams the same way and gives the same file.
    let piped = run_stdin(
        &[&["--codec", "speech", "-c"][..], &args].concat(),
        dir.path(),
        &wav,
    );
    assert!(piped.status.success(), "{}", stderr(&piped));
    assert_eq!(piped.stdout, packed);
    let info = ncodec::inspect(&packed[..]).unwrap();
    assert_eq!(info.chunks.len(), (44 + 2 * 192_000usize).div_ceil(1 << 16));
    let out = run(&["-d", "file.ncz", "-o", "back.wav"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        wav_samples(&std::fs::read(dir.path().join("back.wav")).unwrap()),
        192_000
    );
    // A file cut short of the length its header declares: the rest is silence, and said.
    let cut = &wav[..wav.len() - 4 * 44_100];
    std::fs::write(dir.path().join("cut.wav"), cut).unwrap();
    let out = run(
        &[&["cut.wav", "-o", "cut.ncz"][..], &args].concat(),
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ends 1.00 s before"),
        "{}",
        stderr(&out)
    );
    let out = run(&["-d", "cut.ncz", "-o", "cut-back.wav"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let back = std::fs::read(dir.path().join("cut-back.wav")).unwrap();
    assert_eq!(wav_samples(&back), 192_000);
}

#[test]
fn speech_options_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("talk.flac"), speech_flac()).unwrap();
    std::fs::write(dir.path().join("notes.wav"), b"RIFF but not really audio").unwrap();
    for (args, message) in [
        (
            &["notes.wav", "--kbps", "3"][..],
            "cannot read the input as audio",
        ),
        (
            &["talk.flac", "--kbps", "0.5"][..],
            "below the speech codec's lowest rate",
        ),
        (&["talk.flac", "--kbps=-1"][..], "positive"),
        (
            &["talk.flac", "--kbps", "3", "--codec", "cm"][..],
            "speech codec",
        ),
        (
            &["talk.flac", "--codec", "speech", "--quality", "9"][..],
            "out of range",
        ),
    ] {
        let out = run(args, dir.path());
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert!(!dir.path().join("notes.wav.ncz").exists());
    assert!(!dir.path().join("talk.wav.ncz").exists());
}

/// A bf16 safetensors file of real trained weights (the shipped image model's first
/// parameters).
fn weights_safetensors() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/weights/image-1.nciw"
    );
    let bytes = std::fs::read(path).expect("shipped image weights");
    let data: Vec<u8> = bytes[16..16 + 4 * 50_000]
        .chunks_exact(4)
        .flat_map(|b| b[2..4].to_vec())
        .collect();
    let header = format!(
        r#"{{"w":{{"dtype":"BF16","shape":[500,100],"data_offsets":[0,{}]}}}}"#,
        data.len()
    );
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    file.extend_from_slice(&data);
    file
}

#[test]
fn tensor_files_pick_the_tensor_codec_and_damaged_ones_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let file = weights_safetensors();
    write(dir.path(), "model.safetensors", &file);
    let out = run(&["-q", "model.safetensors"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let info = run(&["info", "model.safetensors.ncz"], dir.path());
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("tensor"),
        "{}",
        String::from_utf8_lossy(&info.stdout)
    );
    let packed = std::fs::metadata(dir.path().join("model.safetensors.ncz"))
        .unwrap()
        .len();
    assert!(packed < file.len() as u64 * 3 / 4, "{packed}");
    let out = run(
        &["-d", "-o", "back.safetensors", "model.safetensors.ncz"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.path().join("back.safetensors")).unwrap(),
        file
    );

    // A raw buffer with --dtype; --dtype with another codec is refused.
    write(dir.path(), "weights.bin", &file[8 + 64..]);
    let out = run(&["-q", "--dtype", "bf16", "weights.bin"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &["--dtype", "bf16", "--codec", "cm", "weights.bin", "-f"],
        dir.path(),
    );
    assert!(stderr(&out).contains("tensor codec"), "{}", stderr(&out));
    let out = run(&["--dtype", "f17", "weights.bin", "-f"], dir.path());
    assert!(!out.status.success());

    // A truncated model file is reported, and nothing is written.
    write(dir.path(), "cut.safetensors", &file[..file.len() - 10]);
    let out = run(&["cut.safetensors"], dir.path());
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("truncated safetensors"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("cut.safetensors.ncz").exists());
    // Unless bytes are asked for.
    let out = run(&["-q", "--codec", "cm", "cut.safetensors"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn wav_files_pick_pcm_and_lossless_decodes_other_audio_to_wav() {
    let dir = tempfile::tempdir().unwrap();
    let wav = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../datasets/samples/speech-librivox-0930.wav"
    ))
    .unwrap();
    write(dir.path(), "talk.wav", &wav);
    let out = run(&["-q", "talk.wav"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let info = run(&["info", "talk.wav.ncz"], dir.path());
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("pcm"),
        "{}",
        String::from_utf8_lossy(&info.stdout)
    );
    let packed = std::fs::metadata(dir.path().join("talk.wav.ncz"))
        .unwrap()
        .len();
    assert!(packed < wav.len() as u64 * 6 / 10, "{packed}");
    let out = run(&["-d", "-o", "back.wav", "talk.wav.ncz"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.path().join("back.wav")).unwrap(), wav);

    // FLAC in, WAV of the same samples out.
    write(dir.path(), "clean.flac", &speech_flac());
    let out = run(&["-q", "--lossless", "clean.flac"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["-d", "clean.wav.ncz"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let decoded = std::fs::read(dir.path().join("clean.wav")).unwrap();
    let samples = wav_samples(&decoded);
    assert!(samples > 16_000, "{samples}");
    // Lossless of non-audio is refused with advice.
    write(dir.path(), "notes.txt", b"not audio at all");
    let out = run(&["--lossless", "notes.txt"], dir.path());
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--lossless takes audio"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("notes.wav.ncz").exists());
}
