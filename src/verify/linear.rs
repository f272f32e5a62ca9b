//! Linear: `Linear-Signature: <hex HMAC-SHA256(secret, body)>` (no prefix).
//!
//! The replay check uses `webhookTimestamp` (milliseconds) inside the signed body, within ±60 s as
//! `@linear/sdk` does. A body without that field is verified on the signature alone.

use std::time::Duration;

use super::{Check, Encoding, MacCheck, Outcome, Request, TimeCheck, hmac_sha256};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces. `webhookTimestamp` is in the body and is left as captured.
pub(crate) const OWNED: &[&str] = &["linear-signature", "linear-delivery"];

/// The MAC over the raw body.
pub(crate) fn expected(key: &[u8], body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[body])
}

/// `webhookTimestamp` (ms) of a JSON body: `Ok(None)` when absent, `Err` when not a whole number.
fn webhook_timestamp(body: &[u8]) -> Result<Option<i64>, Outcome> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return Ok(None);
    };
    match map.get("webhookTimestamp") {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            Outcome::invalid("webhookTimestamp in the body is not a whole number of milliseconds")
        }),
    }
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let text = req.signature("Linear-Signature")?;
    let ts_ms = webhook_timestamp(req.body)?;
    let mut check = MacCheck::single("Linear-Signature", text, Encoding::Hex, &expected);
    check.body = Some(req.body);
    check.time = ts_ms.map(|ms| TimeCheck {
        ts: ms.div_euclid(1000),
        past_only: false,
        label: "webhookTimestamp",
    });
    Ok(check.run(secrets, now, tolerance))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("linear")?.expose().as_bytes();
    let mut headers = vec![
        ("Linear-Delivery".to_string(), ctx.id_or_uuid()),
        (
            "Linear-Signature".to_string(),
            Encoding::Hex.encode(&expected(key, ctx.body)),
        ),
    ];
    // Linear-Event names the body's `type`; without one there is nothing honest to send.
    let kind = serde_json::from_slice::<serde_json::Value>(ctx.body)
        .ok()
        .and_then(|v| v.get("type")?.as_str().map(str::to_string));
    if let Some(kind) = kind {
        headers.insert(0, ("Linear-Event".to_string(), kind));
    }
    Ok(SignedParts::headers(headers))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::verify::tests::{sign_one, verify_at, verify_headers};
    use crate::verify::{Provider, Tolerance, Verdict};

    #[test]
    fn linear_vector_and_body_timestamp() {
        // python3: hmac.new(b"lin_wh_secret", body, hashlib.sha256).hexdigest()
        let body = br#"{"id":"evt_test_webhook","object":"event"}"#;
        let sig = "17dbbe96a2b3c8fc70fd5eafd246f897ddbf1ae64c03dc17c67bb4cea4954ab4";
        let signed = sign_one(Provider::Linear, "lin_wh_secret", body, None, None);
        assert!(
            signed
                .headers
                .contains(&("Linear-Signature".to_string(), sig.to_string()))
        );
        // No webhookTimestamp: the signature alone decides.
        assert_eq!(
            verify_headers(
                Provider::Linear,
                "lin_wh_secret",
                &[("linear-signature", sig)],
                body
            )
            .verdict,
            Verdict::Valid
        );

        let body = br#"{"type":"Issue","webhookTimestamp":1700000000123}"#;
        let signed = sign_one(Provider::Linear, "lin_wh_secret", body, None, None);
        assert!(
            signed
                .headers
                .contains(&("Linear-Event".to_string(), "Issue".to_string()))
        );
        let sig = signed
            .headers
            .iter()
            .find(|(n, _)| n == "Linear-Signature")
            .unwrap()
            .1
            .clone();
        let at = |now| {
            verify_at(
                Provider::Linear,
                &["lin_wh_secret"],
                &[("linear-signature", &sig)],
                body,
                None,
                now,
                Tolerance::ProviderDefault,
            )
        };
        assert_eq!(at(1_700_000_060).verdict, Verdict::Valid);
        let v = at(1_700_000_061);
        assert_eq!(v.verdict, Verdict::Expired);
        assert!(
            v.reason
                .unwrap()
                .contains("webhookTimestamp is 61 s old, tolerance 60 s")
        );
        assert_eq!(at(1_699_999_900).verdict, Verdict::Expired);
    }
}
