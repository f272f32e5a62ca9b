//! `whisper replay`: sends stored captures again, as they were or changed
//! (headers, body, `$EDITOR`), optionally re-signed with a fresh timestamp, and
//! records every result as an attempt of the original capture.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use bytes::Bytes;
use rusqlite::Connection;

use crate::capture::{AttemptKind, Capture};
use crate::cli::ReplayArgs;
use crate::config::{self, Context, Forwarding, Keyring};
use crate::error::Error;
use crate::forward::{self, Client, Outgoing};
use crate::paint::Paint;
use crate::store;

/// Replays the captures in order.
pub async fn run(ctx: Context, args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let conn = store::open(&ctx.db)?;
    let ids = resolve_ids(&conn, &args.ids)?;
    let keyring = Keyring::resolve(&ctx, &args.secret, None)?;
    let forwarding = Forwarding::resolve(&ctx, &[], None, None, false)?;
    if args.edit && !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(
            Error::usage("--edit needs a terminal; use --set-header and --body instead").into(),
        );
    }
    for to in &args.to {
        forward::target_url(to, "/").map_err(|e| Error::usage(format!("--to {e}")))?;
    }
    let set_headers = args
        .set_header
        .iter()
        .map(|h| config::parse_header(h))
        .collect::<Result<Vec<_>, _>>()?;
    let body = match &args.body {
        Some(value) => Some(config::text_or_file(value, std::path::Path::new("."))?),
        None => None,
    };
    let client = Client::new(args.timeout, 0)?;
    let paint = Paint::new(ctx.color);
    let mut code = ExitCode::SUCCESS;
    let mut unreachable = false;

    for id in ids {
        let capture = store::get(&conn, id)?.ok_or(Error::NoCapture { id, newest: None })?;
        let targets = if args.to.is_empty() {
            forwarding.targets(&capture.request).to_vec()
        } else {
            args.to.clone()
        };
        if targets.is_empty() {
            return Err(Error::usage(format!(
                "no target for #{id}: pass --to URL, or set `forward` in [listen] or a [[route]] in whisper.toml"
            ))
            .into());
        }
        for target in targets {
            let mut request = forward::forward_request(&capture, &target).map_err(Error::usage)?;
            for name in &args.remove_header {
                let name = name.to_ascii_lowercase();
                request.headers.retain(|(n, _)| *n != name);
            }
            for (name, value) in &set_headers {
                request.headers.retain(|(n, _)| n != name.as_str());
                request.headers.push((
                    name.as_str().to_owned(),
                    Bytes::copy_from_slice(value.as_bytes()),
                ));
            }
            if let Some(body) = &body {
                request.body = body.clone();
            }
            if args.edit {
                request = edit(request, &capture)?;
            }
            if args.resign {
                resign(&keyring, &capture, &mut request)?;
            }
            let outcome = client.send(request).await;
            let attempt = store::insert_attempt(&conn, &outcome.attempt(id, AttemptKind::Replay))?;
            let mut out = std::io::stdout().lock();
            if args.json {
                let value = attempt.map(|a| a.to_json()).unwrap_or_default();
                writeln!(out, "{value}")?;
            } else {
                super::io::write_outcome(&mut out, &format!("#{id} → "), &outcome, paint)?;
            }
            match &outcome.result {
                Err(e) => {
                    unreachable = true;
                    eprintln!(
                        "whisper: error: #{id} could not be delivered to {}: {e}",
                        outcome.request.url
                    );
                }
                Ok(answer) if args.fail && answer.status >= 400 => code = ExitCode::from(1),
                Ok(_) => {}
            }
        }
    }
    Ok(if unreachable { ExitCode::from(3) } else { code })
}

/// Turns `3`, `last`, `3..7` and `3..last` into existing ids, in order. Any
/// unknown id fails the whole command before anything is sent.
fn resolve_ids(conn: &Connection, args: &[String]) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for arg in args {
        match arg.split_once("..") {
            Some((from, to)) => {
                let from = store::resolve_id(conn, from)?;
                let to = store::resolve_id(conn, to)?;
                let mut stmt =
                    conn.prepare("SELECT id FROM captures WHERE id BETWEEN ?1 AND ?2 ORDER BY id")?;
                let range = stmt
                    .query_map([from.min(to), from.max(to)], |r| r.get::<_, i64>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                ids.extend(range);
            }
            None => ids.push(store::resolve_id(conn, arg)?),
        }
    }
    Ok(ids)
}

/// Replaces the signature headers with fresh ones for the request as it will
/// be sent (its final body and URL).
pub fn resign(keyring: &Keyring, capture: &Capture, request: &mut Outgoing) -> anyhow::Result<()> {
    let r = &capture.request;
    let url = r.url(None);
    let scheme = r
        .verification
        .as_ref()
        .and_then(|v| v.provider.as_deref())
        .and_then(|name| keyring.scheme(name))
        .or_else(|| crate::verify::detect(&r.as_signed(&url), &keyring.schemes))
        .or_else(|| match keyring.names().as_slice() {
            [only] => keyring.scheme(only),
            _ => None,
        })
        .ok_or_else(|| {
            Error::usage(format!(
                "cannot tell which provider signed #{}; pass --secret PROVIDER=SECRET",
                capture.id
            ))
        })?;
    let secrets = keyring.secrets(scheme.name());
    if secrets.is_empty() {
        return Err(Error::usage(format!(
            "--resign needs the {} secret: pass --secret {}=… or set it in [secrets]",
            scheme.name(),
            scheme.name()
        ))
        .into());
    }
    let (headers, body) = crate::sign::resign(
        &scheme,
        secrets,
        &request.headers,
        &request.body,
        Some(&request.url),
        chrono::Utc::now().timestamp(),
    )
    .map_err(|e| Error::usage(e.to_string()))?;
    request.headers = headers;
    request.body = Bytes::from(body);
    Ok(())
}

/// Opens `$VISUAL`/`$EDITOR` on the request as text (`METHOD URL`, header
/// lines, a blank line, the body) and reads back what was saved.
pub fn edit(request: Outgoing, capture: &Capture) -> anyhow::Result<Outgoing> {
    let Ok(body) = std::str::from_utf8(&request.body) else {
        return Err(Error::usage(format!(
            "#{} has a binary body, which cannot be edited as text; use --body @file",
            capture.id
        ))
        .into());
    };
    let mut text = format!("{} {}\n", request.method, request.url);
    for (name, value) in &request.headers {
        text.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(value)));
    }
    text.push('\n');
    text.push_str(body);
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "whisper-replay-{}-{}.http",
        capture.id,
        std::process::id()
    ));
    std::fs::write(&path, &text)?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    let edited = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    match status {
        Ok(s) if s.success() => {}
        _ => {
            return Err(
                Error::usage(format!("the editor ({editor}) failed; nothing was sent")).into(),
            );
        }
    }
    parse_edited(&edited?, !body.ends_with('\n')).map_err(|e| Error::usage(e).into())
}

/// Parses the edited text back into a request. Editors add a final newline;
/// it is dropped again when the original body had none.
fn parse_edited(text: &str, strip_final_newline: bool) -> Result<Outgoing, String> {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let first = lines.next().ok_or("the edited request is empty")?;
    let (method, url) = first
        .split_once(' ')
        .ok_or("the first line must be `METHOD URL`")?;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("{line:?} is not a 'Name: value' header line"))?;
        headers.push((
            name.trim().to_ascii_lowercase(),
            Bytes::from(value.trim().to_owned()),
        ));
    }
    let body = match body.strip_suffix('\n') {
        Some(stripped) if strip_final_newline => stripped,
        _ => body,
    };
    Ok(Outgoing {
        method: method.trim().to_owned(),
        url: url.trim().to_owned(),
        headers,
        body: Bytes::from(body.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_edited;

    #[test]
    fn edited_text_parses_back() {
        let r = parse_edited(
            "PUT http://h/p?x=1\nx-a: 1\nx-b:  two \n\n{\"a\":1}\n",
            true,
        )
        .unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str()),
            ("PUT", "http://h/p?x=1")
        );
        assert_eq!(r.headers.len(), 2);
        assert_eq!(r.headers[1].1, "two");
        assert_eq!(r.body, "{\"a\":1}");
        assert_eq!(parse_edited("GET http://h/\n", true).unwrap().body, "");
        assert!(parse_edited("nonsense\n\n", true).is_err());
    }
}
