//! `whisper sign`: builds a request signed exactly as the provider signs, and
//! prints it (headers, JSON, curl, raw HTTP) or sends it.

use std::io::Write;
use std::process::ExitCode;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;

use crate::cli::{SignArgs, SignFormat};
use crate::config::{Context, Keyring};
use crate::error::Error;
use crate::forward::{Client, Outgoing};
use crate::paint::Paint;
use crate::sign::{self, SignInput, Signed};
use crate::verify::{Provider, Scheme};

/// Where an unsent request is addressed when no URL is given.
const PLACEHOLDER_URL: &str = "http://127.0.0.1:7070/";

/// Signs (and maybe sends) a request.
pub async fn run(ctx: Context, args: SignArgs) -> anyhow::Result<ExitCode> {
    let keyring = Keyring::resolve(&ctx, &args.secret, Some(&args.provider))?;
    let scheme = keyring.scheme_or_error(&args.provider)?;
    let secrets = keyring.secrets(scheme.name());
    if secrets.is_empty() {
        return Err(Error::usage(format!(
            "no secret for {}: pass --secret, or set [secrets] {} in whisper.toml",
            scheme.name(),
            scheme.name()
        ))
        .into());
    }
    let body = super::io::read_body(args.data.as_deref(), args.file.as_deref())?;
    let url = args.url.clone().or_else(|| args.send.clone());
    let now = chrono::Utc::now().timestamp();
    let signed = sign::sign(&SignInput {
        scheme: &scheme,
        secrets,
        body: &body,
        timestamp: args.timestamp,
        id: args.id.as_deref(),
        url: url.as_deref(),
        content_type: args.content_type.as_deref(),
        now,
    })
    .map_err(|e| Error::usage(e.to_string()))?;
    if scheme == Scheme::Builtin(Provider::Discord) {
        // Discord verifies with the public key; say which one matches this seed.
        if let Ok(public) = sign::discord_public_key(secrets[0].expose()) {
            eprintln!("whisper: verify with the public key {public}");
        }
    }

    if let Some(send_to) = &args.send {
        let client = Client::new(std::time::Duration::from_secs(30), 0)?;
        let request = Outgoing {
            method: signed.method.clone(),
            url: signed.url.clone().unwrap_or_else(|| send_to.clone()),
            headers: signed
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), Bytes::from(v.clone())))
                .collect(),
            body: Bytes::from(signed.body.clone()),
        };
        let outcome = client.send(request).await;
        let mut out = std::io::stdout().lock();
        super::io::write_outcome(&mut out, "", &outcome, Paint::new(ctx.color))?;
        return Ok(match outcome.result {
            Ok(_) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(3),
        });
    }

    let mut out = std::io::stdout().lock();
    match args.format {
        SignFormat::Headers => {
            for (name, value) in &signed.headers {
                writeln!(out, "{name}: {value}")?;
            }
            if let Some(signed_url) = signed.url.as_deref().filter(|u| Some(*u) != url.as_deref()) {
                eprintln!("whisper: send it to {signed_url}");
            }
        }
        SignFormat::Json => writeln!(out, "{}", json(&scheme, &signed))?,
        SignFormat::Curl => writeln!(out, "{}", curl(&signed))?,
        SignFormat::Http => out.write_all(&http_message(&signed))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn json(scheme: &Scheme, signed: &Signed) -> serde_json::Value {
    let headers: serde_json::Map<String, serde_json::Value> = signed
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::json!({
        "provider": scheme.name(),
        "method": signed.method,
        "url": signed.url,
        "headers": headers,
        "body": std::str::from_utf8(&signed.body).ok(),
        "body_base64": BASE64.encode(&signed.body),
    })
}

fn curl(signed: &Signed) -> String {
    let q = crate::curl::quote;
    let url = signed.url.as_deref().unwrap_or(PLACEHOLDER_URL);
    let mut words = vec!["curl".to_owned(), q(url)];
    for (name, value) in &signed.headers {
        words.push("-H".into());
        words.push(q(&format!("{name}: {value}")));
    }
    match std::str::from_utf8(&signed.body) {
        Ok(text) => {
            words.push("--data-binary".into());
            words.push(q(text));
            words.join(" ")
        }
        Err(_) => format!(
            "printf %s {} | base64 -d | {} --data-binary @-",
            q(&BASE64.encode(&signed.body)),
            words.join(" ")
        ),
    }
}

fn http_message(signed: &Signed) -> Vec<u8> {
    let url = signed.url.as_deref().unwrap_or(PLACEHOLDER_URL);
    let (host, target) = match url::Url::parse(url) {
        Ok(u) => {
            let host = match u.port() {
                Some(port) => format!("{}:{port}", u.host_str().unwrap_or("localhost")),
                None => u.host_str().unwrap_or("localhost").to_owned(),
            };
            let target = match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            };
            (host, target)
        }
        Err(_) => ("localhost".to_owned(), "/".to_owned()),
    };
    let mut out = format!("{} {target} HTTP/1.1\r\nHost: {host}\r\n", signed.method);
    for (name, value) in &signed.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", signed.body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&signed.body);
    bytes
}
