//! The HTTP API of `ncodec serve`, through the router (no socket) and, for the loopback
//! and load checks, through a real server on 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use ncodec_web::analyze::AnalyzeOptions;
use ncodec_web::{App, ServeOptions, Server};
use serde_json::Value;
use tower::ServiceExt;

fn app(options: ServeOptions) -> (App, Router) {
    let app = App::new(&options).expect("app");
    let router = app.router();
    (app, router)
}

fn quick() -> ServeOptions {
    ServeOptions {
        port: 0,
        analyze: AnalyzeOptions {
            bytes_only: Some("zstd-19,xz-9e".into()),
        },
        ..ServeOptions::default()
    }
}

async fn send(router: &Router, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::from(body))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, bytes.to_vec())
}

async fn json(router: &Router, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let (status, bytes) = send(router, method, uri, body).await;
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, value)
}

/// `GET uri`, which must answer 200: the body.
async fn get_ok(router: &Router, uri: &str) -> Vec<u8> {
    let (status, body) = send(router, "GET", uri, Vec::new()).await;
    assert_eq!(status, StatusCode::OK, "GET {uri}");
    body
}

/// Uploads `body` as `name` and waits for the job to finish.
async fn measure(router: &Router, name: &str, body: Vec<u8>) -> Value {
    let (status, job) = json(router, "POST", &format!("/api/jobs?name={name}"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    let id = job["id"].as_u64().expect("id");
    let started = Instant::now();
    loop {
        let (status, job) = json(router, "GET", &format!("/api/jobs/{id}"), Vec::new()).await;
        assert_eq!(status, StatusCode::OK);
        if matches!(job["state"].as_str(), Some("done" | "failed" | "cancelled")) {
            return job;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "job {id} takes too long: {job}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let photo = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 5) as u8, (y * 7) as u8, ((x + y) * 3) as u8])
    });
    let mut out = Vec::new();
    photo
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

#[tokio::test]
async fn the_page_and_its_config_are_served() {
    let (_app, router) = app(quick());
    let html = get_ok(&router, "/").await;
    let html = String::from_utf8(html).expect("utf-8");
    assert!(html.contains("<script src=\"/app.js\">"));
    for asset in ["/app.js", "/style.css"] {
        let body = get_ok(&router, asset).await;
        assert!(!body.is_empty());
    }
    let (status, config) = json(&router, "GET", "/api/config", Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(config["max_upload"], 64 << 20);
}

#[tokio::test]
async fn bad_uploads_get_a_message_that_says_what_is_wrong() {
    let (_app, router) = app(ServeOptions {
        max_upload: 4096,
        ..quick()
    });
    let (status, body) = json(&router, "POST", "/api/jobs?name=empty.txt", Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("empty"), "{body}");

    let (status, body) = json(&router, "POST", "/api/jobs?name=big.bin", vec![7; 5000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let message = body["error"].as_str().unwrap();
    assert!(
        message.contains("too large")
            && message.contains("4.0 KiB")
            && message.contains("--max-upload"),
        "{message}"
    );

    let job = measure(&router, "holiday.png", b"not a photo at all".to_vec()).await;
    assert_eq!(job["state"], "failed");
    assert!(
        job["error"]
            .as_str()
            .unwrap()
            .contains("is named like an image but is not one"),
        "{job}"
    );

    let job = measure(
        &router,
        "talk.wav",
        b"RIFF\x10\0\0\0WAVEjunkjunkjunk".to_vec(),
    )
    .await;
    assert_eq!(job["state"], "failed");
    assert!(
        job["error"].as_str().unwrap().contains("named like audio"),
        "{job}"
    );

    let mut ncz = ncodec::compress(
        &b"some text ".repeat(100),
        &ncodec::CompressOptions::default(),
    )
    .unwrap();
    let middle = ncz.len() / 2;
    ncz[middle] ^= 1;
    let job = measure(&router, "notes.ncz", ncz.clone()).await;
    assert_eq!(job["state"], "failed");
    assert!(
        job["error"]
            .as_str()
            .unwrap()
            .contains("damaged or truncated"),
        "{job}"
    );
    let job = measure(&router, "cut.ncz", ncz[..ncz.len() / 3].to_vec()).await;
    assert_eq!(job["state"], "failed");

    let (status, body) = json(&router, "GET", "/api/jobs/999", Vec::new()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].as_str().unwrap().contains("no job 999"));
    // Still serving.
    let (status, _) = json(&router, "GET", "/api/config", Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_photo_is_measured_like_ncodec_eval_image_with_files_and_re_encodes() {
    let (_app, router) = app(quick());
    let photo = png(64, 48);
    let job = measure(&router, "ramp.png", photo.clone()).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["modality"], "image");
    assert_eq!(job["info"]["width"], 64);
    let results = job["results"].as_array().unwrap();
    assert_eq!(results.len() as u64, job["total"].as_u64().unwrap());
    assert_eq!(job["done"], job["total"]);
    // The same figures as the eval's own function for one coding.
    let decoded = image::load_from_memory(&photo).unwrap().to_rgb8();
    let jpeg = ncodec_evals::images::code_image(
        &ncodec_evals::images::ImageContender::Baseline(ncodec_evals::images::ImageBaseline::Jpeg),
        40,
        "ramp.png",
        &decoded,
    );
    let row = results
        .iter()
        .find(|r| r["contender"] == "jpeg" && r["setting"] == 40)
        .expect("jpeg q40");
    assert_eq!(row["point"]["bytes"].as_u64(), jpeg.point.bytes);
    assert_eq!(row["point"]["psnr"].as_f64(), jpeg.point.psnr);

    let id = job["id"].as_u64().unwrap();
    let coded = row["coded"].as_str().unwrap();
    let file = get_ok(&router, &format!("/api/jobs/{id}/files/{coded}?download=1")).await;
    assert_eq!(Some(file.len() as u64), jpeg.point.bytes);
    let shown = get_ok(
        &router,
        &format!("/api/jobs/{id}/files/{}", row["decoded"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        image::load_from_memory(&shown).unwrap().to_rgb8(),
        jpeg.decoded.unwrap()
    );

    let (status, row) = json(
        &router,
        "POST",
        &format!("/api/jobs/{id}/recode?contender=webp&setting=55"),
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert_eq!(row["label"], "q55");
    assert!(row["point"]["bytes"].as_u64().unwrap() > 0);
    let (_, job) = json(&router, "GET", &format!("/api/jobs/{id}"), Vec::new()).await;
    assert!(job["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["contender"] == "webp" && r["setting"] == 55));
    assert_eq!(
        job["done"], job["total"],
        "re-encodes do not count as planned codings"
    );

    for bad in [
        "contender=webp&setting=500",
        "contender=gif&setting=5",
        "contender=png&setting=5",
    ] {
        let (status, body) = json(
            &router,
            "POST",
            &format!("/api/jobs/{id}/recode?{bad}"),
            Vec::new(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    for name in ["..%2F..%2Fetc%2Fpasswd", "original.png.missing"] {
        let (status, _) = send(
            &router,
            "GET",
            &format!("/api/jobs/{id}/files/{name}"),
            Vec::new(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
    }
}

#[tokio::test]
async fn speech_gets_a_decoded_wav_per_coding() {
    let (_app, router) = app(quick());
    let tone: Vec<f32> = (0..16_000)
        .map(|n| 0.25 * (n as f32 * 0.06).sin())
        .collect();
    let wav = ncodec_datasets::audio::pcm16_wav_bytes(&tone, 16_000).unwrap();
    let job = measure(&router, "tone.wav", wav).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["modality"], "audio");
    let id = job["id"].as_u64().unwrap();
    for row in job["results"].as_array().unwrap() {
        let Some(decoded) = row["decoded"].as_str() else {
            assert!(row["error"].is_string(), "{row}");
            continue;
        };
        let file = get_ok(&router, &format!("/api/jobs/{id}/files/{decoded}")).await;
        assert!(file.starts_with(b"RIFF"), "{decoded}");
        assert!(row["point"]["kbps"].as_f64().unwrap() > 0.0);
    }
}

#[tokio::test]
async fn bytes_and_ncz_files_round_trip_through_their_downloads() {
    let (_app, router) = app(quick());
    let text = b"the quick brown fox jumps over the lazy dog; ".repeat(300);
    let job = measure(&router, "fox.txt", text.clone()).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["modality"], "bytes");
    let results = job["results"].as_array().unwrap();
    assert_eq!(results[0]["contender"], "xz-9e");
    assert_eq!(results[0]["point"]["bits_per_byte_vs_xz"], 1.0);
    let id = job["id"].as_u64().unwrap();
    let zstd = results
        .iter()
        .find(|r| r["contender"] == "zstd-19")
        .unwrap();
    let packed = get_ok(
        &router,
        &format!("/api/jobs/{id}/files/{}", zstd["coded"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        Some(packed.len() as u64),
        zstd["point"]["bytes_out"].as_u64()
    );
    let contender = ncodec_evals::baseline_contenders()
        .into_iter()
        .find(|c| c.name() == "zstd-19")
        .unwrap();
    assert_eq!(contender.decompress(&packed).unwrap(), text);

    let ncz = ncodec::compress(&text, &ncodec::CompressOptions::default()).unwrap();
    let job = measure(&router, "fox.txt.ncz", ncz).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["modality"], "ncz");
    let row = &job["results"][0];
    let (status, back) = send(
        &router,
        "GET",
        &format!(
            "/api/jobs/{}/files/{}",
            job["id"],
            row["decoded"].as_str().unwrap()
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(back, text);
}

#[tokio::test]
async fn a_queued_job_can_be_cancelled() {
    let (_app, router) = app(quick());
    // The first job keeps the only worker busy while the second waits.
    let (_, first) = json(&router, "POST", "/api/jobs?name=a.png", png(200, 150)).await;
    let (_, second) = json(&router, "POST", "/api/jobs?name=b.png", png(200, 150)).await;
    let started = Instant::now();
    loop {
        let (_, job) = json(
            &router,
            "GET",
            &format!("/api/jobs/{}", first["id"]),
            Vec::new(),
        )
        .await;
        if job["state"] == "running" && job["total"].as_u64() > Some(0) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{job}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (status, cancelled) = json(
        &router,
        "POST",
        &format!("/api/jobs/{}/cancel", second["id"]),
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(cancelled["cancel_requested"], true);
    let (_, running) = json(
        &router,
        "POST",
        &format!("/api/jobs/{}/cancel", first["id"]),
        Vec::new(),
    )
    .await;
    assert_eq!(running["cancel_requested"], true);
    let started = Instant::now();
    loop {
        let (_, job) = json(
            &router,
            "GET",
            &format!("/api/jobs/{}", first["id"]),
            Vec::new(),
        )
        .await;
        if job["state"] == "cancelled" {
            assert!(job["done"].as_u64() < job["total"].as_u64(), "{job}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{job}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One HTTP/1.1 request over a fresh connection: the status code and the body.
fn http(addr: std::net::SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    stream.write_all(body).expect("write body");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let text = String::from_utf8_lossy(&response);
    let status: u16 = text[9..12].parse().expect("status");
    let body_at = text.find("\r\n\r\n").expect("end of head") + 4;
    let value = serde_json::from_str(&text[body_at..]).unwrap_or(Value::Null);
    (status, value)
}

#[test]
fn twenty_concurrent_uploads_of_a_megabyte_on_loopback_all_succeed() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(Server::bind(quick())).expect("bind");
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let temp = server.temp_dir().to_path_buf();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(server.run_until(async {
        let _ = stopped.await;
    }));

    let megabyte: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 & 0x3F)
        .collect();
    let ids: Vec<u64> = std::thread::scope(|scope| {
        let uploads: Vec<_> = (0..20)
            .map(|i| {
                let data = &megabyte;
                scope.spawn(move || {
                    let (status, job) =
                        http(addr, "POST", &format!("/api/jobs?name=part{i}.bin"), data);
                    assert_eq!(status, 201, "upload {i}: {job}");
                    job["id"].as_u64().expect("id")
                })
            })
            .collect();
        uploads
            .into_iter()
            .map(|u| u.join().expect("upload thread"))
            .collect()
    });
    // A 1 GiB upload is refused from its Content-Length, before its body is read.
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "POST /api/jobs?name=huge.bin HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        1u64 << 30
    );
    stream.write_all(head.as_bytes()).expect("write head");
    stream.write_all(&[0; 4096]).expect("write a little");
    let mut response = vec![0; 4096];
    let n = stream
        .read(&mut response)
        .expect("an answer without the body");
    let response = String::from_utf8_lossy(&response[..n]);
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("1.0 GiB and is too large"), "{response}");

    let started = Instant::now();
    let mut sizes = Vec::new();
    for id in &ids {
        loop {
            let (status, job) = http(addr, "GET", &format!("/api/jobs/{id}"), b"");
            assert_eq!(status, 200);
            if job["state"] == "done" {
                sizes.push(
                    job["results"][1]["point"]["bytes_out"]
                        .as_u64()
                        .expect("size"),
                );
                break;
            }
            assert!(
                job["state"] == "queued" || job["state"] == "running",
                "{job}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "too slow: {job}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    assert!(
        sizes.windows(2).all(|w| w[0] == w[1]),
        "same input, same size: {sizes:?}"
    );
    let _ = stop.send(());
    runtime.block_on(serving).expect("join").expect("serve");
    assert!(
        !temp.exists(),
        "the temporary folder is removed on shutdown"
    );
}
