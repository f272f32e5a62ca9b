//! Mailgun: the signature travels in the body — `{"signature": {"timestamp", "token", "signature"}, …}`
//! for JSON webhooks, `timestamp`, `token`, `signature` form fields for legacy ones — and is
//! hex HMAC-SHA256(signing key, timestamp ‖ token). **The event data itself is not signed.**
//!
//! Mailgun leaves the replay window to the application; whisper uses 300 s in both directions.
//! Signing puts the signature object into a JSON body (keeping the other members and their order)
//! or the three fields into a form body; `id` is the token.

use std::fmt;
use std::time::Duration;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{
    Check, Encoding, MacCheck, Outcome, Request, TimeCheck, hmac_sha256, looks_like_form,
    parse_unix_seconds,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Mailgun signs no header.
pub(crate) const OWNED: &[&str] = &[];

/// The MAC: HMAC-SHA256(key, timestamp ‖ token).
pub(crate) fn expected(key: &[u8], timestamp: &str, token: &str) -> Vec<u8> {
    hmac_sha256(key, &[timestamp.as_bytes(), token.as_bytes()])
}

/// The three signature fields of a request body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Fields {
    pub(crate) timestamp: String,
    pub(crate) token: String,
    pub(crate) signature: String,
}

/// The signature fields of a body: `None` when it carries none, `Err` when they are malformed.
pub(crate) fn extract(body: &[u8]) -> Option<Result<Fields, String>> {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let sig = value.get("signature")?.as_object()?;
        let text = |name: &str| -> Result<String, String> {
            match sig.get(name) {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                // Timestamps sometimes arrive as JSON numbers; an integer's decimal form is what was signed.
                Some(serde_json::Value::Number(n)) if name == "timestamp" && n.is_u64() => {
                    Ok(n.to_string())
                }
                Some(_) => Err(format!("signature.{name} in the body is not a string")),
                None => Err(format!("the body's signature object has no {name}")),
            }
        };
        return Some((|| {
            Ok(Fields {
                timestamp: text("timestamp")?,
                token: text("token")?,
                signature: text("signature")?,
            })
        })());
    }
    if !looks_like_form(body) {
        return None;
    }
    let mut fields = (None, None, None);
    for (k, v) in form_urlencoded::parse(body) {
        match k.as_ref() {
            "timestamp" if fields.0.is_none() => fields.0 = Some(v.into_owned()),
            "token" if fields.1.is_none() => fields.1 = Some(v.into_owned()),
            "signature" if fields.2.is_none() => fields.2 = Some(v.into_owned()),
            _ => {}
        }
    }
    match fields {
        (None, None, None) => None,
        (Some(timestamp), Some(token), Some(signature)) => Some(Ok(Fields {
            timestamp,
            token,
            signature,
        })),
        _ => Some(Err(
            "the form body lacks one of timestamp, token, signature".to_string(),
        )),
    }
}

/// Whether a body carries a Mailgun signature (for detection).
pub(crate) fn carries_signature(body: &[u8]) -> bool {
    // Detection runs on every request: parse only bodies that can hold one.
    memchr::memmem::find(body, b"signature").is_some() && matches!(extract(body), Some(Ok(_)))
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let fields = extract(req.body)
        .ok_or_else(|| {
            Outcome::unsigned(
                "no Mailgun signature in the body (signature.timestamp/token/signature in JSON, or timestamp/token/signature form fields)",
            )
        })?
        .map_err(Outcome::invalid)?;
    let ts = parse_unix_seconds(&fields.timestamp, "signature.timestamp")?;
    let compute = |key: &[u8], _body: &[u8]| expected(key, &fields.timestamp, &fields.token);
    let mut check = MacCheck::single(
        "signature.signature",
        &fields.signature,
        Encoding::Hex,
        &compute,
    );
    check.key_note = "HTTP webhook signing key used literally; only timestamp and token are signed, not the event";
    check.time = Some(TimeCheck::new(ts, false));
    Ok(check.run(secrets, now, tolerance))
}

/// A JSON object's members in order, values kept as raw text.
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Members, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("mailgun")?.expose().as_bytes();
    let timestamp = ctx.timestamp.to_string();
    let token = ctx.id_or_hex("", 25);
    let signature = Encoding::Hex.encode(&expected(key, &timestamp, &token));
    let body = if ctx.is_form() || (!ctx.body.is_empty() && looks_like_form(ctx.body)) {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(ctx.body) {
            if !matches!(k.as_ref(), "timestamp" | "token" | "signature") {
                out.append_pair(&k, &v);
            }
        }
        out.append_pair("timestamp", &timestamp);
        out.append_pair("token", &token);
        out.append_pair("signature", &signature);
        out.finish().into_bytes()
    } else {
        let members = if ctx.body.iter().all(u8::is_ascii_whitespace) {
            Members(Vec::new())
        } else {
            serde_json::from_slice::<Members>(ctx.body).map_err(|_| SignError::MailgunBody)?
        };
        // Mailgun's own member order: timestamp, token, signature.
        let quote = |text: &str| serde_json::Value::String(text.to_string()).to_string();
        let sig_object = format!(
            "{{\"timestamp\":{},\"token\":{},\"signature\":{}}}",
            quote(&timestamp),
            quote(&token),
            quote(&signature)
        );
        let mut parts: Vec<String> = Vec::with_capacity(members.0.len() + 1);
        let mut placed = false;
        for (name, value) in &members.0 {
            let key = quote(name);
            if name == "signature" {
                if !placed {
                    parts.push(format!("{key}:{sig_object}"));
                    placed = true;
                }
            } else {
                parts.push(format!("{key}:{}", value.get()));
            }
        }
        if !placed {
            parts.insert(0, format!("\"signature\":{sig_object}"));
        }
        format!("{{{}}}", parts.join(",")).into_bytes()
    };
    Ok(SignedParts {
        headers: Vec::new(),
        url: None,
        body: Some(body),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::tests::{sign_one, verify_at};
    use crate::verify::{Provider, Tolerance, Verdict};

    // python3: hmac.new(b"key-mailgun", b"1700000000" + b"tok123", hashlib.sha256).hexdigest()
    const SIG: &str = "faa14eeb10514f6cd3aa81396f057148bba996b40e67ab5bc78e24079b0cbe54";

    fn check(body: &[u8]) -> Verdict {
        verify_at(
            Provider::Mailgun,
            &["key-mailgun"],
            &[],
            body,
            None,
            1_700_000_100,
            Tolerance::ProviderDefault,
        )
        .verdict
    }

    #[test]
    fn mailgun_json_and_form() {
        let json = format!(
            r#"{{"signature":{{"timestamp":"1700000000","token":"tok123","signature":"{SIG}"}},"event-data":{{"event":"delivered"}}}}"#
        );
        assert_eq!(check(json.as_bytes()), Verdict::Valid);
        let numeric = json.replace(r#""1700000000""#, "1700000000");
        assert_eq!(check(numeric.as_bytes()), Verdict::Valid);
        let form = format!("timestamp=1700000000&token=tok123&signature={SIG}&recipient=a%40b.c");
        assert_eq!(check(form.as_bytes()), Verdict::Valid);
        // The event data is not signed: changing it keeps the signature valid.
        assert_eq!(
            check(json.replace("delivered", "failed").as_bytes()),
            Verdict::Valid
        );

        let body = br#"{"event-data":{"event":"delivered","id":"x"},"z":1}"#;
        let signed = sign_one(
            Provider::Mailgun,
            "key-mailgun",
            body,
            None,
            Some(1_700_000_000),
        );
        let text = String::from_utf8(signed.body.clone()).unwrap();
        assert!(
            text.starts_with(r#"{"signature":{"timestamp":"1700000000","token":""#),
            "{text}"
        );
        assert!(
            text.ends_with(r#""event-data":{"event":"delivered","id":"x"},"z":1}"#),
            "{text}"
        );
        let signed = sign_one(
            Provider::Mailgun,
            "key-mailgun",
            b"",
            None,
            Some(1_700_000_000),
        );
        let fields = extract(&signed.body).unwrap().unwrap();
        assert_eq!(fields.timestamp, "1700000000");
        assert_eq!(fields.token.len(), 50);
        let form = sign_one(
            Provider::Mailgun,
            "key-mailgun",
            b"recipient=a%40b.c&token=old",
            None,
            None,
        );
        let text = String::from_utf8(form.body).unwrap();
        assert!(text.starts_with("recipient=a%40b.c&timestamp="), "{text}");
        assert!(!text.contains("token=old"));
    }
}
