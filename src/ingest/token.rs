//! The two routes that are not deliveries: the status page and the token endpoint.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;

use super::Receiver;

pub(super) async fn status_page(State(state): State<Arc<Receiver>>) -> impl IntoResponse {
    let mut text = format!(
        "hookscope {} is receiving webhook deliveries.\n\nRoutes (POST):\n",
        env!("CARGO_PKG_VERSION")
    );
    for (name, route) in crate::provider::routes(&state.config) {
        text.push_str(&format!("  {name:<13} {route}\n"));
    }
    text.push_str(
        "Any other path is accepted too; the provider is detected from headers or body.\n",
    );
    if state.store_gone() {
        text.push_str("\nThe store file was deleted or replaced: deliveries are refused (503).\n");
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text)
}

/// `POST /oauth/token`: client credentials (form or HTTP Basic), answered with a JWT the
/// Clearspeed bearer check verifies, so the vendor's token flow can be rehearsed.
pub(super) async fn token_endpoint(
    State(state): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::oauth as token;
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let req = token::TokenRequest::parse(&body, auth);
    let now = Utc::now().timestamp();
    let (status, json) = match token::issue(&state.config.providers.clearspeed, &req, now) {
        Ok(t) => (StatusCode::OK, token::TokenResponse::bearer(t).to_json()),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            e.to_json(),
        ),
    };
    (status, [(header::CONTENT_TYPE, "application/json")], json).into_response()
}
