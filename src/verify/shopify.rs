//! Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(client secret, body)>`.
//!
//! Shopify's newer "Events" webhooks send the same value as `shopify-hmac-sha256`; both are
//! accepted. No timestamp is signed (`X-Shopify-Triggered-At` is informative only).

use super::{Check, Encoding, MacCheck, Request, format_rfc3339, hmac_sha256};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &[
    "x-shopify-hmac-sha256",
    "shopify-hmac-sha256",
    "x-shopify-webhook-id",
    "x-shopify-triggered-at",
];

/// The MAC over the raw body.
pub(crate) fn expected(key: &[u8], body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[body])
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(req: &Request, secrets: &[Secret]) -> Check {
    let field = if req.has("x-shopify-hmac-sha256") || !req.has("shopify-hmac-sha256") {
        "X-Shopify-Hmac-Sha256"
    } else {
        "shopify-hmac-sha256"
    };
    let text = req.signature(field)?;
    let mut check = MacCheck::single(field, text, Encoding::Base64, &expected);
    check.body = Some(req.body);
    Ok(check.run(secrets, 0, None))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("shopify")?.expose().as_bytes();
    let sig = Encoding::Base64.encode(&expected(key, ctx.body));
    let triggered =
        format_rfc3339(ctx.timestamp, "").ok_or(SignError::TimestampRange(ctx.timestamp))?;
    let mut headers = vec![
        ("X-Shopify-Hmac-Sha256".to_string(), sig.clone()),
        ("X-Shopify-Webhook-Id".to_string(), ctx.id_or_uuid()),
        ("X-Shopify-Triggered-At".to_string(), triggered),
    ];
    if ctx.captured_has("shopify-hmac-sha256") {
        headers.push(("shopify-hmac-sha256".to_string(), sig));
    }
    Ok(SignedParts::headers(headers))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::verify::tests::{sign_one, verify_headers};
    use crate::verify::{Provider, Verdict};

    #[test]
    fn shopify_vector_and_events_header() {
        // python3: base64.b64encode(hmac.new(b"shpss_secret", body, hashlib.sha256).digest())
        let body = br#"{"id":820982911946154508,"email":"jon@example.com"}"#;
        let sig = "vo+n5h/cLxNKGlgJ0Fd1aDzU0aOaajK8Hs9m0hPqWiQ=";
        let signed = sign_one(Provider::Shopify, "shpss_secret", body, None, None);
        assert!(
            signed
                .headers
                .contains(&("X-Shopify-Hmac-Sha256".to_string(), sig.to_string()))
        );
        for name in ["x-shopify-hmac-sha256", "shopify-hmac-sha256"] {
            let v = verify_headers(Provider::Shopify, "shpss_secret", &[(name, sig)], body);
            assert_eq!(v.verdict, Verdict::Valid, "{name}: {v:?}");
        }
    }
}
