//! Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, h1 = HMAC-SHA256 of `ts:body`.
//!
//! The key is the notification secret **with its `pdl_ntfset_` prefix**, used literally. All `h1`
//! values count (rotation), unknown keys such as `h2` are ignored (as paddle-node-sdk does; the
//! Python SDK raises instead). The SDKs reject only `now > ts + 5` — five seconds, and timestamps
//! in the future pass — so whisper checks the past only.

use std::time::Duration;

use super::{
    Check, Encoding, MacCheck, Outcome, Request, TimeCheck, hmac_sha256, parse_unix_seconds,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["paddle-signature"];

/// The `h1` MAC: HMAC-SHA256(secret, ts ‖ ":" ‖ body).
pub(crate) fn expected(key: &[u8], ts: &str, body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[ts.as_bytes(), b":", body])
}

/// `ts` (the first one) and every `h1` of a `Paddle-Signature` header.
pub(crate) fn parse(value: &str) -> (Option<&str>, Vec<&str>) {
    let mut ts = None;
    let mut h1 = Vec::new();
    for item in value.split(';') {
        match item.trim().split_once('=') {
            Some(("ts", v)) if ts.is_none() => ts = Some(v),
            Some(("h1", v)) => h1.push(v),
            _ => {}
        }
    }
    (ts, h1)
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let value = req.signature("Paddle-Signature")?;
    let (ts_text, h1) = parse(value);
    let ts_text =
        ts_text.ok_or_else(|| Outcome::invalid("Paddle-Signature has no ts= timestamp"))?;
    let ts = parse_unix_seconds(ts_text, "Paddle-Signature ts=")?;
    if h1.is_empty() {
        return Err(Outcome::invalid(
            "Paddle-Signature carries no h1 signature (unknown schemes are ignored)",
        ));
    }
    let compute = |key: &[u8], body: &[u8]| expected(key, ts_text, body);
    let mut check = MacCheck::list("Paddle-Signature h1", &h1, Encoding::Hex, &compute);
    check.key_note = "Paddle secrets are used literally, pdl_ntfset_ prefix included";
    check.body = Some(req.body);
    check.time = Some(TimeCheck::new(ts, true));
    Ok(check.run(secrets, now, tolerance))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let ts = ctx.timestamp.to_string();
    let mut value = format!("ts={ts}");
    for secret in ctx.all_secrets("paddle")? {
        value.push_str(";h1=");
        value.push_str(&Encoding::Hex.encode(&expected(secret.expose().as_bytes(), &ts, ctx.body)));
    }
    Ok(SignedParts::headers(vec![(
        "Paddle-Signature".to_string(),
        value,
    )]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::tests::{sign_one, verify_at};
    use crate::verify::{Provider, Tolerance, Verdict};

    const SECRET: &str = "pdl_ntfset_01hs0t_GrOWLNef+vmt";
    const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;

    #[test]
    fn paddle_vector_and_window() {
        // python3: hmac.new(SECRET, b"1696195954:" + BODY, hashlib.sha256).hexdigest()
        let header =
            "ts=1696195954;h1=ddfc56049e6f22dc263f032a41d3aa43f2c9916727d0f75d456f0420cf0cd20c";
        let signed = sign_one(Provider::Paddle, SECRET, BODY, None, Some(1_696_195_954));
        assert!(
            signed
                .headers
                .contains(&("Paddle-Signature".to_string(), header.to_string()))
        );
        let at = |now| {
            verify_at(
                Provider::Paddle,
                &[SECRET],
                &[("paddle-signature", header)],
                BODY,
                None,
                now,
                Tolerance::ProviderDefault,
            )
        };
        assert_eq!(at(1_696_195_959).verdict, Verdict::Valid);
        assert_eq!(at(1_696_195_960).verdict, Verdict::Expired);
        // Future timestamps pass, as in the SDKs.
        assert_eq!(at(1_696_195_000).verdict, Verdict::Valid);
        assert_eq!(parse("ts=1;h1=a;h2=b;h1=c;x"), (Some("1"), vec!["a", "c"]));
    }
}
