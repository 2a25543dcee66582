//! The HTTP handlers: the page's assets, uploads, job status, cancel, re-encodes and
//! file downloads. Every failure answers with an [`ApiError`] whose message the page
//! shows as it is.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use crate::analyze;
use crate::assets;
use crate::detect::DetectError;
use crate::jobs::{ResultRow, Status};
use crate::server::AppState;
use crate::ApiError;

type AppResult<T> = Result<T, ApiError>;

pub(crate) async fn index() -> Html<&'static str> {
    Html(assets::INDEX_HTML)
}

pub(crate) async fn app_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        assets::APP_JS,
    )
}

pub(crate) async fn style_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        assets::STYLE_CSS,
    )
}

pub(crate) async fn config(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "max_upload": state.max_upload,
        "image_qualities": analyze::image::QUALITIES,
        "image_effort": analyze::image::EFFORT,
    }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadQuery {
    name: Option<String>,
}

/// `POST /api/jobs?name=FILE` with the file as the body. An upload whose
/// `Content-Length` is over the limit is refused before its body is read; one without it
/// is read up to the limit.
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, Json<Status>)> {
    let name = query
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "upload".into());
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = |size: Option<u64>| {
        let size = size
            .map(|n| format!(" is {} and", human_size(n)))
            .unwrap_or_default();
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "`{name}`{size} is too large: this server takes files up to {} (start it with `ncodec serve --max-upload SIZE` to change that)",
                human_size(state.max_upload as u64)
            ),
        )
    };
    if declared.is_some_and(|n| n > state.max_upload as u64) {
        return Err(too_large(declared));
    }
    let body = axum::body::to_bytes(body, state.max_upload)
        .await
        .map_err(|e| {
            if std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            {
                too_large(None)
            } else {
                ApiError::bad_request(format!("the upload of `{name}` failed: {e}"))
            }
        })?;
    if body.is_empty() {
        return Err(ApiError::bad_request(format!(
            "`{name}`: {}",
            DetectError::Empty
        )));
    }
    let job = state.jobs.create(&name, body.len() as u64)?;
    state.start(job.clone(), body.to_vec());
    Ok((StatusCode::CREATED, Json(job.status())))
}

/// `GET /api/jobs/{id}`.
pub(crate) async fn status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<u64>,
) -> AppResult<Json<Status>> {
    Ok(Json(state.jobs.get(id)?.status()))
}

/// `POST /api/jobs/{id}/cancel`.
pub(crate) async fn cancel(
    State(state): State<Arc<AppState>>,
    Path(id): Path<u64>,
) -> AppResult<Json<Status>> {
    let job = state.jobs.get(id)?;
    job.request_cancel();
    Ok(Json(job.status()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct RecodeQuery {
    contender: String,
    setting: u32,
}

/// `POST /api/jobs/{id}/recode?contender=webp&setting=55`: one more coding of a photo.
pub(crate) async fn recode(
    State(state): State<Arc<AppState>>,
    Path(id): Path<u64>,
    Query(query): Query<RecodeQuery>,
) -> AppResult<Json<ResultRow>> {
    let job = state.jobs.get(id)?;
    let row = tokio::task::spawn_blocking(move || {
        analyze::image::recode(&job, &query.contender, query.setting)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the re-encode stopped unexpectedly: {e}")))?
    .map_err(ApiError::bad_request)?;
    Ok(Json(row))
}

#[derive(Debug, Deserialize)]
pub(crate) struct FileQuery {
    download: Option<u8>,
}

/// `GET /api/jobs/{id}/files/{name}`: a file the job offers; `?download=1` asks the
/// browser to save it under its download name.
pub(crate) async fn file(
    State(state): State<Arc<AppState>>,
    Path((id, name)): Path<(u64, String)>,
    Query(query): Query<FileQuery>,
) -> AppResult<Response> {
    let job = state.jobs.get(id)?;
    let stored = job
        .file(&name)
        .ok_or_else(|| ApiError::not_found(format!("job {id} has no file `{name}`")))?;
    let bytes = match (&stored.lazy, stored.path.exists()) {
        (Some(contender), false) => {
            let contender = contender.clone();
            let path = stored.path.clone();
            tokio::task::spawn_blocking(move || {
                let data = analyze::bytes::compress_with(&job, &contender)?;
                std::fs::write(&path, &data).map_err(|e| format!("cannot keep the file: {e}"))?;
                Ok::<_, String>(data)
            })
            .await
            .map_err(|e| ApiError::internal(format!("compression stopped unexpectedly: {e}")))?
            .map_err(ApiError::internal)?
        }
        _ => tokio::fs::read(&stored.path).await.map_err(|e| {
            ApiError::not_found(format!("`{name}` is gone ({e}); upload the file again"))
        })?,
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(stored.content_type),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if query.download == Some(1) {
        let disposition = format!(
            "attachment; filename=\"{}\"",
            stored.download_name.replace('"', "_")
        );
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

/// `1.5 MiB`, `2.0 GiB`, `312 bytes`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
