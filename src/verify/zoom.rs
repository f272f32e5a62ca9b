//! Zoom: `x-zm-signature: v0=<hex HMAC-SHA256(secret, "v0:" ‖ ts ‖ ":" ‖ body)>` with
//! `x-zm-request-timestamp` — Slack's construction under other header names — plus the
//! `endpoint.url_validation` CRC token (see `handshake`).
//!
//! Zoom leaves the replay window to the application; whisper uses 300 s (both directions),
//! the window of Zoom's own samples.

use std::time::Duration;

use super::{Check, Encoding, Request, hmac_sha256, slack};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["x-zm-signature", "x-zm-request-timestamp"];

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    slack::verify_v0(
        req,
        secrets,
        now,
        tolerance,
        "x-zm-signature",
        "x-zm-request-timestamp",
    )
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let (ts, sig) = slack::sign_v0(ctx, "zoom")?;
    Ok(SignedParts::headers(vec![
        ("x-zm-request-timestamp".to_string(), ts),
        ("x-zm-signature".to_string(), sig),
    ]))
}

/// The URL-validation answer's `encryptedToken`: hex HMAC-SHA256(secret, plainToken).
pub(crate) fn crc_token(secret: &Secret, plain_token: &str) -> String {
    Encoding::Hex.encode(&hmac_sha256(
        secret.expose().as_bytes(),
        &[plain_token.as_bytes()],
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::verify::tests::{sign_one, verify_headers};
    use crate::verify::{Provider, Verdict};

    #[test]
    fn zoom_vector() {
        // python3: hmac.new(b"zoomsecret", b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
        let body = br#"{"id":"evt_test_webhook","object":"event"}"#;
        let sig = "v0=f51166e5ba655c5dece5c02b03c65d3cf71540233cd65d98a4fc98bcd7ea9fb9";
        let signed = sign_one(
            Provider::Zoom,
            "zoomsecret",
            body,
            None,
            Some(1_700_000_000),
        );
        assert!(
            signed
                .headers
                .contains(&("x-zm-signature".to_string(), sig.to_string()))
        );
        let headers = [
            ("x-zm-signature", sig),
            ("x-zm-request-timestamp", "1700000000"),
        ];
        assert_eq!(
            verify_headers(Provider::Zoom, "zoomsecret", &headers, body).verdict,
            Verdict::Valid
        );
    }

    #[test]
    fn zoom_crc_token() {
        // python3: hmac.new(b"zoomsecret", b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
        let secret = crate::secret::Secret::new("zoomsecret".to_string());
        assert_eq!(
            super::crc_token(&secret, "qgg8vlvZRS6UYooatFL8Aw"),
            "83b2a60d4bbe49dc93763ed9e727a9a7690cbe4c1f8bb0adc0ffccd09ecb1384"
        );
    }
}
