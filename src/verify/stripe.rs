//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, v1 = HMAC-SHA256 of `t.body`.
//!
//! The key is the endpoint secret **as typed, `whsec_` included** — unlike Svix, whose secrets look
//! the same but are base64-decoded; the verifier hints when a sender mixed the two up. Stripe
//! sends one `v1` per active secret while a rolled secret is still live; `v0` is a fake test-mode
//! signature and is ignored, as are unknown schemes. Only age is checked (past-only, 300 s).

use std::time::Duration;

use super::{
    Check, Encoding, MacCheck, Outcome, Request, TimeCheck, hmac_sha256, parse_unix_seconds,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["stripe-signature"];

/// The `v1` MAC: HMAC-SHA256(secret, `t` ‖ "." ‖ body).
pub(crate) fn expected(key: &[u8], t: &str, body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[t.as_bytes(), b".", body])
}

/// A parsed `Stripe-Signature`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Header<'h> {
    pub(crate) t: Option<&'h str>,
    pub(crate) v1: Vec<&'h str>,
}

/// Splits the header on `,` and each item on the first `=`, as the SDKs do; keeps `t` and every
/// `v1`, ignores everything else. A second `t` is an error: which one was signed is ambiguous.
pub(crate) fn parse(value: &str) -> Result<Header<'_>, String> {
    let mut header = Header::default();
    for item in value.split(',') {
        let Some((k, v)) = item.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" if header.t.is_some() => {
                return Err("Stripe-Signature has more than one t=".to_string());
            }
            "t" => header.t = Some(v),
            "v1" => header.v1.push(v),
            _ => {}
        }
    }
    Ok(header)
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let value = req.signature("Stripe-Signature")?;
    let header = parse(value).map_err(Outcome::invalid)?;
    let t = header
        .t
        .ok_or_else(|| Outcome::invalid("Stripe-Signature has no t= timestamp"))?;
    let ts = parse_unix_seconds(t, "Stripe-Signature t=")?;
    if header.v1.is_empty() {
        return Err(Outcome::invalid(
            "Stripe-Signature carries no v1 signature (v0 and other schemes are ignored)",
        ));
    }
    let compute = |key: &[u8], body: &[u8]| expected(key, t, body);
    let mut check = MacCheck::list("Stripe-Signature v1", &header.v1, Encoding::Hex, &compute);
    check.key_note = "Stripe secrets are used literally, whsec_ prefix included";
    check.body = Some(req.body);
    check.time = Some(TimeCheck::new(ts, true));
    Ok(check.run(secrets, now, tolerance))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let t = ctx.timestamp.to_string();
    let mut value = format!("t={t}");
    for secret in ctx.all_secrets("stripe")? {
        let mac = expected(secret.expose().as_bytes(), &t, ctx.body);
        value.push_str(",v1=");
        value.push_str(&Encoding::Hex.encode(&mac));
    }
    Ok(SignedParts::headers(vec![(
        "Stripe-Signature".to_string(),
        value,
    )]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::tests::{sign_one, verify_headers};
    use crate::verify::{Provider, Verdict};

    const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
    // python3: hmac.new(b"whsec_test_secret", b"1492774577." + BODY, hashlib.sha256).hexdigest()
    const V1: &str = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";

    #[test]
    fn stripe_formula_vector() {
        let signed = sign_one(
            Provider::Stripe,
            "whsec_test_secret",
            BODY,
            None,
            Some(1_492_774_577),
        );
        let expected = format!("t=1492774577,v1={V1}");
        assert!(
            signed
                .headers
                .contains(&("Stripe-Signature".to_string(), expected.clone()))
        );
        let v = verify_headers(
            Provider::Stripe,
            "whsec_test_secret",
            &[("stripe-signature", &expected)],
            BODY,
        );
        assert_eq!(v.verdict, Verdict::Valid, "{v:?}");
    }

    #[test]
    fn stripe_parsing() {
        let h = parse("t=1,v1=aa,v0=bb,v1=cc,v2=dd,junk").unwrap();
        assert_eq!(
            h,
            Header {
                t: Some("1"),
                v1: vec!["aa", "cc"]
            }
        );
        assert!(parse("t=1,t=2,v1=aa").is_err());
        // Non-canonical timestamps are rejected, not re-formatted.
        let header = format!("t=01492774577,v1={V1}");
        let v = verify_headers(
            Provider::Stripe,
            "whsec_test_secret",
            &[("stripe-signature", &header)],
            BODY,
        );
        assert_eq!(v.verdict, Verdict::Invalid);
        assert!(v.reason.unwrap().contains("not canonical"));
        let v = verify_headers(
            Provider::Stripe,
            "whsec_test_secret",
            &[("stripe-signature", "t=1492774577,v0=aa")],
            BODY,
        );
        assert!(v.reason.unwrap().contains("no v1 signature"));
    }
}
