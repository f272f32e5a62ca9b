//! Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client_secret, body)>` — GitHub's legacy shape.

use super::{Check, Encoding, MacCheck, Request, github, strip_required};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["x-hub-signature"];

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(req: &Request, secrets: &[Secret]) -> Check {
    let value = req.signature("X-Hub-Signature")?;
    let text = strip_required(value, "sha1=", "X-Hub-Signature")?;
    // Same construction as GitHub's legacy header: one function computes both.
    let mut check = MacCheck::single(
        "X-Hub-Signature",
        text,
        Encoding::Hex,
        &github::expected_sha1,
    );
    check.body = Some(req.body);
    Ok(check.run(secrets, 0, None))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("intercom")?.expose().as_bytes();
    let mac = github::expected_sha1(key, ctx.body);
    Ok(SignedParts::headers(vec![(
        "X-Hub-Signature".to_string(),
        format!("sha1={}", Encoding::Hex.encode(&mac)),
    )]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::tests::{sign_one, verify_headers};
    use crate::verify::{Provider, Verdict};

    #[test]
    fn intercom_vector() {
        // Recomputed with python3: hmac.new(b"intercom_secret", body, hashlib.sha1).hexdigest()
        let body = br#"{"id":"evt_test_webhook","object":"event"}"#;
        let sig = "sha1=73072729440f8f37d553add773a82bf9790c1474";
        let signed = sign_one(Provider::Intercom, "intercom_secret", body, None, None);
        assert!(
            signed
                .headers
                .contains(&("X-Hub-Signature".to_string(), sig.to_string()))
        );
        let v = verify_headers(
            Provider::Intercom,
            "intercom_secret",
            &[("x-hub-signature", sig)],
            body,
        );
        assert_eq!(v.verdict, Verdict::Valid);
    }
}
