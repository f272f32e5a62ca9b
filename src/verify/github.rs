//! GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`, and the legacy
//! `X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)>` GitHub still sends alongside.
//!
//! No timestamp: GitHub's replay protection is deduplicating `X-GitHub-Delivery`.

use super::{Check, Encoding, MacCheck, MacFn, Request, hmac_sha1, hmac_sha256, strip_required};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &[
    "x-hub-signature-256",
    "x-hub-signature",
    "x-github-delivery",
];

/// The `X-Hub-Signature-256` MAC.
pub(crate) fn expected_sha256(key: &[u8], body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[body])
}

/// The legacy `X-Hub-Signature` MAC (also Intercom's).
pub(crate) fn expected_sha1(key: &[u8], body: &[u8]) -> Vec<u8> {
    hmac_sha1(key, &[body])
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(req: &Request, secrets: &[Secret]) -> Check {
    // SHA-256 wins when present; falling back to SHA-1 after a SHA-256 mismatch would be a downgrade.
    let (field, prefix, compute): (&str, &str, &MacFn<'_>) = if req.has("x-hub-signature-256") {
        ("X-Hub-Signature-256", "sha256=", &expected_sha256)
    } else if req.has("x-hub-signature") {
        ("X-Hub-Signature", "sha1=", &expected_sha1)
    } else {
        return Err(super::Outcome::unsigned(
            "no X-Hub-Signature-256 header (nor the legacy X-Hub-Signature); is a secret set on the GitHub hook?",
        ));
    };
    let value = req.signature(field)?;
    let text = strip_required(value, prefix, field)?;
    let mut check = MacCheck::single(field, text, Encoding::Hex, compute);
    check.body = Some(req.body);
    Ok(check.run(secrets, 0, None))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("github")?.expose().as_bytes();
    let hex = |mac: Vec<u8>| Encoding::Hex.encode(&mac);
    Ok(SignedParts::headers(vec![
        ("X-GitHub-Event".to_string(), "ping".to_string()),
        ("X-GitHub-Delivery".to_string(), ctx.id_or_uuid()),
        (
            "X-Hub-Signature".to_string(),
            format!("sha1={}", hex(expected_sha1(key, ctx.body))),
        ),
        (
            "X-Hub-Signature-256".to_string(),
            format!("sha256={}", hex(expected_sha256(key, ctx.body))),
        ),
    ]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::tests::{sign_one, verify_headers};
    use crate::verify::{Provider, Verdict};

    const SECRET: &str = "It's a Secret to Everybody";
    const SHA256: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    // Recomputed with python3 hmac (sha1 over the same docs inputs).
    const SHA1: &str = "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59";

    #[test]
    fn github_docs_example() {
        let signed = sign_one(Provider::Github, SECRET, b"Hello, World!", None, None);
        let get = |n: &str| {
            signed
                .headers
                .iter()
                .find(|(h, _)| h == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("X-Hub-Signature-256"), Some(SHA256));
        assert_eq!(get("X-Hub-Signature"), Some(SHA1));
        let v = verify_headers(
            Provider::Github,
            SECRET,
            &[("x-hub-signature-256", SHA256)],
            b"Hello, World!",
        );
        assert_eq!(v.verdict, Verdict::Valid, "{v:?}");
        let v = verify_headers(
            Provider::Github,
            SECRET,
            &[("x-hub-signature", SHA1)],
            b"Hello, World!",
        );
        assert_eq!(v.verdict, Verdict::Valid, "{v:?}");
        // Uppercase hex is decoded, not string-compared.
        let upper = format!("sha256={}", SHA256[7..].to_uppercase());
        let v = verify_headers(
            Provider::Github,
            SECRET,
            &[("x-hub-signature-256", &upper)],
            b"Hello, World!",
        );
        assert_eq!(v.verdict, Verdict::Valid, "{v:?}");
        // A wrong SHA-256 does not fall back to a right SHA-1.
        let bad = SHA256.replace("757107", "757108");
        let v = verify_headers(
            Provider::Github,
            SECRET,
            &[("x-hub-signature-256", &bad), ("x-hub-signature", SHA1)],
            b"Hello, World!",
        );
        assert_eq!(v.verdict, Verdict::Invalid);
        let reason = v.reason.unwrap();
        assert!(reason.contains("expected 757107ea0eb2"), "{reason}");
        assert!(reason.contains("received 757108ea0eb2"), "{reason}");
        // A missing prefix is named.
        let v = verify_headers(
            Provider::Github,
            SECRET,
            &[("x-hub-signature-256", &SHA256[7..])],
            b"Hello, World!",
        );
        assert!(v.reason.unwrap().contains("must start with sha256="));
    }
}
