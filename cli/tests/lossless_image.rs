//! `ncodec --lossless` on photos (the `limg` codec) and `ncodec eval image --lossless`.

mod common;

use common::{run, text};

#[test]
fn lossless_photos_come_back_pixel_for_pixel_in_the_format_asked_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../datasets/samples/chelsea.png"
    );
    std::fs::copy(sample, d.join("cat.png")).expect("copy");
    let gray = image::GrayImage::from_fn(37, 21, |x, y| image::Luma([(x * 7 + y * 3) as u8]));
    gray.save(d.join("gray.bmp")).expect("gray");

    let out = run(&["--lossless", "cat.png", "gray.bmp"], d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let info = run(&["info", "--json", "cat.png.ncz"], d);
    assert!(
        text(&info.stdout).contains("\"limg\""),
        "{}",
        text(&info.stdout)
    );
    let packed = std::fs::metadata(d.join("cat.png.ncz")).unwrap().len();
    let original = image::open(d.join("cat.png")).unwrap().to_rgb8();
    assert!(packed * 8 < u64::from(original.width() * original.height()) * 3 * 5);

    std::fs::rename(d.join("cat.png"), d.join("original.png")).unwrap();
    std::fs::rename(d.join("gray.bmp"), d.join("original.bmp")).unwrap();
    let out = run(&["-d", "cat.png.ncz", "gray.bmp.ncz"], d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(image::open(d.join("cat.png")).unwrap().to_rgb8(), original);
    assert_eq!(image::open(d.join("gray.bmp")).unwrap().to_luma8(), gray);
    // To PPM by name, and the raw content to standard output.
    let out = run(&["-d", "-o", "cat.ppm", "cat.png.ncz"], d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(image::open(d.join("cat.ppm")).unwrap().to_rgb8(), original);

    // Not an image: a clear error, nothing written.
    std::fs::write(d.join("fake.png"), b"just text").unwrap();
    let out = run(&["--lossless", "fake.png"], d);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not an image"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("fake.png.ncz").exists());
}

#[test]
fn eval_image_lossless_compares_limg_with_png_and_webp() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let photo = image::RgbImage::from_fn(48, 40, |x, y| {
        image::Rgb([(x * 5) as u8, (y * 6) as u8, ((x * y) % 256) as u8])
    });
    photo.save(d.join("ramp.png")).unwrap();
    let out = run(
        &[
            "eval",
            "image",
            "--lossless",
            "ramp.png",
            "--json",
            "out.json",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for name in ["ncodec-limg", "png", "webp-lossless"] {
        assert!(stdout.contains(name), "{stdout}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("out.json")).unwrap()).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 3);
    let webp = &json["totals"][2];
    assert_eq!(webp["contender"], "webp-lossless");
    assert_eq!(webp["vs_webp"], 1.0);
}

#[test]
fn train_limg_fits_a_prior_that_the_codec_reads_and_refuses_missing_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../datasets/samples");
    for (split, name) in [
        ("train", "chelsea.png"),
        ("train", "coffee.png"),
        ("valid", "chelsea.png"),
    ] {
        std::fs::create_dir_all(d.join("photos").join(split)).expect("mkdir");
        std::fs::copy(
            format!("{samples}/{name}"),
            d.join("photos").join(split).join(name),
        )
        .expect("copy");
    }
    let out = run(
        &[
            "train",
            "limg",
            "--data",
            "photos",
            "--out",
            "run",
            "--images",
            "2",
            "--valid-images",
            "1",
            "--iterations",
            "4",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(d.join("run/limg-prior.nclp")).expect("prior written");
    let prior = ncodec::codecs::limg::Prior::from_bytes(&bytes).expect("a valid prior");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("run/manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["model_hash"], format!("{:016x}", prior.hash()));
    let metrics = &manifest["metrics"];
    let (range, bits_back, mixture) = (
        metrics["valid_range_coded_bits_per_subpixel"]
            .as_f64()
            .unwrap(),
        metrics["valid_bits_back_bits_per_subpixel"]
            .as_f64()
            .unwrap(),
        metrics["valid_ideal_mixture_bits_per_subpixel"]
            .as_f64()
            .unwrap(),
    );
    assert!(bits_back < range && bits_back < mixture * 1.01, "{metrics}");
    // EM never makes the fit worse.
    let rounds: Vec<f64> = metrics["train_mixture_bits_per_subpixel_by_round"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(rounds.windows(2).all(|w| w[1] <= w[0] + 1e-9), "{rounds:?}");

    let out = run(&["train", "limg", "--data", "nowhere", "--out", "run2"], d);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("nowhere"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("run2").exists());
}
