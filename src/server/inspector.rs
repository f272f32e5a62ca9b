//! The inspector: the second listener, for people and tools rather than webhook
//! senders. It answers `GET /healthz`.

use std::net::SocketAddr;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};

use super::Body;

/// Handles one inspector request.
pub async fn handle(req: Request<Incoming>, _remote: SocketAddr) -> Response<Body> {
    match (req.method(), req.uri().path()) {
        (&Method::GET | &Method::HEAD, "/healthz") => {
            super::json(StatusCode::OK, &serde_json::json!({ "status": "ok" }))
        }
        _ => super::error(StatusCode::NOT_FOUND, "no such page"),
    }
}
