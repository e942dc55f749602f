//! The baseline for `scripts/bench-ingest`: an axum server that only reads the body and
//! answers 200, with nothing of hookscope's verification, storage or output.
//!
//! cargo run --release --example bare_server -- 127.0.0.1:9000

use axum::Router;
use axum::body::Bytes;

async fn accept(body: Bytes) -> &'static str {
    std::hint::black_box(body.len());
    "ok"
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("bare server listening on http://{}", listener.local_addr()?);
    let app = Router::new()
        .fallback(accept)
        .layer(axum::extract::DefaultBodyLimit::max(10 * 1024 * 1024));
    axum::serve(listener, app).await
}
