//! Test targets: in-process hyper servers on 127.0.0.1:0 that record every
//! request they get and answer as told. One can start late (its port is bound
//! but refuses connections until it listens) or never answer.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// A request as the target saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    }
}

/// How a target answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: &'static str,
    pub headers: Vec<(&'static str, &'static str)>,
    /// Never answer at all.
    pub hang: bool,
}

impl Default for Reply {
    fn default() -> Reply {
        Reply {
            status: 200,
            body: "ok",
            headers: Vec::new(),
            hang: false,
        }
    }
}

pub struct Target {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Recorded>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Target {
    pub fn start(reply: Reply) -> Target {
        Target::start_after(reply, Duration::ZERO)
    }

    /// Binds now, but listens only after `delay`: until then connections are refused.
    pub fn start_after(reply: Reply, delay: Duration) -> Target {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let socket = runtime.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            socket
        });
        let addr = socket.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        runtime.spawn(async move {
            tokio::time::sleep(delay).await;
            let listener = socket.listen(64).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (log, reply) = (log.clone(), reply.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let (log, reply) = (log.clone(), reply.clone());
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body.collect().await?.to_bytes().to_vec();
                            log.lock().unwrap().push(Recorded {
                                method: parts.method.to_string(),
                                target: parts.uri.to_string(),
                                headers: parts
                                    .headers
                                    .iter()
                                    .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                                    .collect(),
                                body,
                            });
                            if reply.hang {
                                std::future::pending::<()>().await;
                            }
                            let mut response =
                                Response::new(Full::new(Bytes::from_static(reply.body.as_bytes())));
                            *response.status_mut() =
                                hyper::StatusCode::from_u16(reply.status).unwrap();
                            for (n, v) in &reply.headers {
                                response.headers_mut().append(*n, v.parse().unwrap());
                            }
                            Ok::<_, hyper::Error>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Target {
            addr,
            received,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Recorded> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Recorded> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "target got {} of {n} requests",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops the server; its port then refuses connections.
    pub fn stop(mut self) -> SocketAddr {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
        self.addr
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
