//! Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:" ‖ ts ‖ ":" ‖ body)>` with
//! `X-Slack-Request-Timestamp`; requests more than 300 s off either way are rejected.

use std::time::Duration;

use super::{
    Check, Encoding, MacCheck, Request, TimeCheck, hmac_sha256, parse_unix_seconds, strip_required,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["x-slack-signature", "x-slack-request-timestamp"];

/// The `v0` MAC over `"v0:" ‖ ts ‖ ":" ‖ body` (Zoom uses the very same construction).
pub(crate) fn expected(key: &[u8], ts: &str, body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[b"v0:", ts.as_bytes(), b":", body])
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    verify_v0(
        req,
        secrets,
        now,
        tolerance,
        "X-Slack-Signature",
        "X-Slack-Request-Timestamp",
    )
}

/// The shared Slack/Zoom check, by header names.
pub(crate) fn verify_v0(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
    sig_header: &str,
    ts_header: &str,
) -> Check {
    let value = req.signature(sig_header)?;
    let ts_text = req.required(ts_header, sig_header)?;
    let text = strip_required(value, "v0=", sig_header)?;
    let ts = parse_unix_seconds(ts_text, ts_header)?;
    let compute = |key: &[u8], body: &[u8]| expected(key, ts_text, body);
    let mut check = MacCheck::single(sig_header, text, Encoding::Hex, &compute);
    check.body = Some(req.body);
    check.time = Some(TimeCheck::new(ts, false));
    Ok(check.run(secrets, now, tolerance))
}

/// The shared Slack/Zoom signer: `(timestamp header, signature header)` values.
pub(crate) fn sign_v0(ctx: &SignCtx, scheme: &str) -> Result<(String, String), SignError> {
    let key = ctx.single_secret(scheme)?.expose().as_bytes();
    let ts = ctx.timestamp.to_string();
    let sig = format!("v0={}", Encoding::Hex.encode(&expected(key, &ts, ctx.body)));
    Ok((ts, sig))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let (ts, sig) = sign_v0(ctx, "slack")?;
    Ok(SignedParts::headers(vec![
        ("X-Slack-Request-Timestamp".to_string(), ts),
        ("X-Slack-Signature".to_string(), sig),
    ]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::verify::tests::{sign_one, verify_at};
    use crate::verify::{Provider, Tolerance, Verdict};

    // The Slack docs / python-slack-sdk test vector. The body's command is `%2Fwebhook-collect`
    // (as in the SDK test); with `%2Fwebbot` the same inputs give a different MAC.
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    #[test]
    fn slack_docs_vector() {
        let signed = sign_one(Provider::Slack, SECRET, BODY, None, Some(1_531_420_618));
        assert!(
            signed
                .headers
                .contains(&("X-Slack-Signature".to_string(), SIG.to_string()))
        );
        assert!(signed.headers.contains(&(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string()
        )));
        let headers = [
            ("x-slack-signature", SIG),
            ("x-slack-request-timestamp", "1531420618"),
        ];
        let v = verify_at(
            Provider::Slack,
            &[SECRET],
            &headers,
            BODY,
            None,
            1_531_420_618,
            Tolerance::ProviderDefault,
        );
        assert_eq!(v.verdict, Verdict::Valid, "{v:?}");
        // 412 s later: expired, with the skew and the tolerance in the reason.
        let v = verify_at(
            Provider::Slack,
            &[SECRET],
            &headers,
            BODY,
            None,
            1_531_421_030,
            Tolerance::ProviderDefault,
        );
        assert_eq!(v.verdict, Verdict::Expired);
        assert!(
            v.reason
                .unwrap()
                .contains("timestamp is 412 s old, tolerance 300 s")
        );
        // Slack checks both directions.
        let v = verify_at(
            Provider::Slack,
            &[SECRET],
            &headers,
            BODY,
            None,
            1_531_420_000,
            Tolerance::ProviderDefault,
        );
        assert_eq!(v.verdict, Verdict::Expired);
        assert!(v.reason.unwrap().contains("618 s in the future"));
    }
}
