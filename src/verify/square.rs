//! Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256(signature key, notification URL ‖ body)>`
//! (legacy `x-square-signature`: the same with HMAC-SHA1).
//!
//! The URL must be exactly the one configured on the subscription; variants (port, http/https)
//! only earn a hint. The signature key looks like base64url but is used literally.

use super::{
    Check, Encoding, MacCheck, Outcome, Request, hmac_sha1, hmac_sha256, url_port_variants,
    url_scheme_swapped,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// A MAC over `url ‖ body`.
type UrlMac = fn(&[u8], &str, &[u8]) -> Vec<u8>;

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["x-square-hmacsha256-signature", "x-square-signature"];

/// The current MAC over `url ‖ body`.
pub(crate) fn expected_sha256(key: &[u8], url: &str, body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[url.as_bytes(), body])
}

/// The legacy MAC over `url ‖ body`.
pub(crate) fn expected_sha1(key: &[u8], url: &str, body: &[u8]) -> Vec<u8> {
    hmac_sha1(key, &[url.as_bytes(), body])
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(req: &Request, secrets: &[Secret]) -> Check {
    let (field, mac): (&str, UrlMac) =
        if req.has("x-square-hmacsha256-signature") || !req.has("x-square-signature") {
            ("x-square-hmacsha256-signature", expected_sha256)
        } else {
            ("x-square-signature", expected_sha1)
        };
    let text = req.signature(field)?;
    let url = req.url.ok_or_else(|| {
        Outcome::invalid(
            "square signs the notification URL, which is unknown here; pass --url with the URL configured on the subscription",
        )
    })?;
    let compute = |key: &[u8], body: &[u8]| mac(key, url, body);
    let mut check = MacCheck::single(field, text, Encoding::Base64, &compute);
    check.key_note = "Square signature keys are used literally, not base64-decoded";
    check.body = Some(req.body);
    let mut others: Vec<String> = url_port_variants(url).into_iter().skip(1).collect();
    if let Some((swapped, _)) = url_scheme_swapped(url) {
        others.extend(url_port_variants(&swapped));
    }
    let body = req.body;
    for other in others {
        let hint = format!(
            "the signature matches the notification URL written as {other}; Square signs the URL exactly as configured on the subscription"
        );
        check
            .hints
            .push((hint, Box::new(move |key: &[u8]| mac(key, &other, body))));
    }
    Ok(check.run(secrets, 0, None))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("square")?.expose().as_bytes();
    let url = ctx.require_url("square")?;
    let mut headers = vec![(
        "x-square-hmacsha256-signature".to_string(),
        Encoding::Base64.encode(&expected_sha256(key, url, ctx.body)),
    )];
    if ctx.captured_has("x-square-signature") {
        headers.push((
            "x-square-signature".to_string(),
            Encoding::Base64.encode(&expected_sha1(key, url, ctx.body)),
        ));
    }
    Ok(SignedParts::headers(headers))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::verify::tests::{sign_one, verify_at};
    use crate::verify::{Provider, Tolerance, Verdict};

    // The vectors every Square SDK carries (square-python-sdk tests/integration/test_webhooks_helper.py).
    const BODY: &[u8] = br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    const URL: &str = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
    const KEY: &str = "Ibxx_5AKakO-3qeNVR61Dw";
    const SIG: &str = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=";

    fn check(key: &str, sig: &str, body: &[u8], url: &str) -> Verdict {
        let headers = [("x-square-hmacsha256-signature", sig)];
        verify_at(
            Provider::Square,
            &[key],
            &headers,
            body,
            Some(url),
            0,
            Tolerance::ProviderDefault,
        )
        .verdict
    }

    #[test]
    fn square_sdk_vectors() {
        let signed = sign_one(Provider::Square, KEY, BODY, Some(URL), None);
        assert!(
            signed
                .headers
                .contains(&("x-square-hmacsha256-signature".to_string(), SIG.to_string()))
        );
        assert_eq!(check(KEY, SIG, BODY, URL), Verdict::Valid);
        let escaped = br#"{"data":{"type":"webhooks","id":">id<"}}"#;
        let sig2 = "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=";
        assert_eq!(
            check(
                "signature-key",
                sig2,
                escaped,
                "https://webhook.site/webhooks"
            ),
            Verdict::Valid
        );
        let signed = sign_one(
            Provider::Square,
            "signature-key",
            escaped,
            Some("https://webhook.site/webhooks"),
            None,
        );
        assert!(signed.headers.contains(&(
            "x-square-hmacsha256-signature".to_string(),
            sig2.to_string()
        )));
        // The SDKs' negative cases.
        assert_eq!(
            check(
                KEY,
                SIG,
                BODY,
                "https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9"
            ),
            Verdict::Invalid
        );
        assert_eq!(
            check("MCmhFRxGX82xMwg5FsaoQA", SIG, BODY, URL),
            Verdict::Invalid
        );
        assert_eq!(
            check(KEY, "1z2n3DEJJiUPKcPzQo1ftvbxGdw=", BODY, URL),
            Verdict::Invalid
        );
    }
}
