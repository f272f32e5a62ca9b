//! Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(auth token, url ‖ Σ sorted key ‖ value)>`.
//!
//! Form posts sign the full URL followed by every parameter, sorted by key (repeated keys: each
//! distinct value, sorted), decoded, with no separators. JSON (any non-form) bodies are signed the
//! other way: Twilio adds `bodySHA256=<hex SHA-256(body)>` to the URL's query and signs the URL
//! alone, so the verifier also checks that hash. Twilio's own back end is inconsistent about ports,
//! so — like the SDKs — the URL as given, with its port removed, and with the scheme's default port
//! added all count. An http/https mismatch (TLS ended by a proxy or tunnel) only earns a hint.

use super::{
    Check, Encoding, KeyedFn, MacCheck, Outcome, Request, hex, hmac_sha1, preview, sha256,
    url_port_variants, url_scheme_swapped,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["x-twilio-signature", "i-twilio-idempotency-token"];

/// The MAC over the URL and the form parameters (empty for GET and JSON bodies).
pub(crate) fn expected(key: &[u8], url: &str, params: &[(String, String)]) -> Vec<u8> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut parts: Vec<&[u8]> = vec![url.as_bytes()];
    for (k, v) in sorted {
        parts.push(k.as_bytes());
        parts.push(v.as_bytes());
    }
    hmac_sha1(key, &parts)
}

/// The value of `bodySHA256` in a URL's query, if any.
pub(crate) fn body_hash_param(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
}

/// `url` with `bodySHA256` set to `hash` (replacing an existing value, else appended).
fn with_body_hash(url: &str, hash: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let param = format!("bodySHA256={hash}");
    let Some(query) = query else {
        return format!("{base}?{param}");
    };
    let mut replaced = false;
    let mut parts: Vec<String> = Vec::new();
    for part in query.split('&') {
        if part.starts_with("bodySHA256=") {
            if !replaced {
                parts.push(param.clone());
                replaced = true;
            }
        } else {
            parts.push(part.to_string());
        }
    }
    if !replaced {
        parts.push(param);
    }
    format!("{base}?{}", parts.join("&"))
}

/// The parameters Twilio signs for this request.
fn params(method: &str, url: &str, body: &[u8]) -> Vec<(String, String)> {
    if method.eq_ignore_ascii_case("GET") || body_hash_param(url).is_some() {
        return Vec::new();
    }
    form_urlencoded::parse(body).into_owned().collect()
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(req: &Request, secrets: &[Secret]) -> Check {
    let text = req.signature("X-Twilio-Signature")?;
    let url = req.url.ok_or_else(|| {
        Outcome::invalid(
            "twilio signs the full request URL, which is unknown here; pass --url with the URL Twilio called",
        )
    })?;
    let params = params(req.method, url, req.body);
    let variants = url_port_variants(url);
    let compute = |key: &[u8], _body: &[u8]| expected(key, url, &params);
    let mut check = MacCheck::single("X-Twilio-Signature", text, Encoding::Base64, &compute);
    check.key_note = "auth token used literally as UTF-8";
    for variant in variants.iter().skip(1) {
        let params = &params;
        check
            .accepted
            .push(Box::new(move |key: &[u8]| expected(key, variant, params)) as KeyedFn);
    }
    if let Some((swapped, desc)) = url_scheme_swapped(url) {
        for variant in url_port_variants(&swapped) {
            let params = &params;
            let hint = format!(
                "the signature matches the URL with {desc}: Twilio called a different URL than the one given (TLS ended by a proxy or tunnel?); verify with the URL Twilio has configured"
            );
            check.hints.push((
                hint,
                Box::new(move |key: &[u8]| expected(key, &variant, params)),
            ));
        }
    }
    let outcome = check.run(secrets, 0, None);
    if outcome.verdict != super::Verdict::Valid {
        return Ok(outcome);
    }
    // The signature covers the URL only; the body is bound to it through bodySHA256.
    if let Some(claimed) = body_hash_param(url) {
        let actual = hex(&sha256(req.body));
        let matches =
            super::unhex(&claimed).is_some_and(|c| crate::secret::ct_eq(&c, &sha256(req.body)));
        if !matches {
            return Ok(Outcome::invalid(format!(
                "the signature matches the URL, but its bodySHA256 does not match the body: expected {}, received {}",
                preview(&actual),
                preview(&claimed)
            )));
        }
    }
    Ok(outcome)
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("twilio")?.expose().as_bytes();
    let url = ctx.require_url("twilio")?;
    let (url, params) = if ctx.is_form() {
        if body_hash_param(url).is_some() {
            return Err(SignError::BodyHashMismatch);
        }
        (
            url.to_string(),
            form_urlencoded::parse(ctx.body).into_owned().collect(),
        )
    } else {
        (with_body_hash(url, &hex(&sha256(ctx.body))), Vec::new())
    };
    let sig = Encoding::Base64.encode(&expected(key, &url, &params));
    let mut parts = SignedParts::headers(vec![
        ("X-Twilio-Signature".to_string(), sig),
        ("I-Twilio-Idempotency-Token".to_string(), ctx.id_or_uuid()),
    ]);
    parts.url = Some(url);
    Ok(parts)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::tests::{sign_one, verify_at};
    use crate::verify::{Provider, Tolerance, Verdict};

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const BODY: &[u8] = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675310&Digits=1234&From=%2B14158675310&To=%2B18005551212";
    const SIG: &str = "GvWf1cFY/Q7PnoempGyD5oXAezc=";

    fn check(url: &str, sig: &str, body: &[u8]) -> crate::verify::Verification {
        let headers = [("x-twilio-signature", sig)];
        verify_at(
            Provider::Twilio,
            &["12345"],
            &headers,
            body,
            Some(url),
            0,
            Tolerance::ProviderDefault,
        )
    }

    #[test]
    fn twilio_docs_example() {
        let signed = sign_one(Provider::Twilio, "12345", BODY, Some(URL), None);
        assert!(
            signed
                .headers
                .contains(&("X-Twilio-Signature".to_string(), SIG.to_string()))
        );
        assert_eq!(signed.url.as_deref(), Some(URL));
        assert_eq!(check(URL, SIG, BODY).verdict, Verdict::Valid);
        // Port variants are accepted both ways.
        assert_eq!(
            check("https://mycompany.com:443/myapp.php?foo=1&bar=2", SIG, BODY).verdict,
            Verdict::Valid
        );
        // http instead of https: invalid, with a hint.
        let v = check("http://mycompany.com/myapp.php?foo=1&bar=2", SIG, BODY);
        assert_eq!(v.verdict, Verdict::Invalid);
        assert!(v.reason.unwrap().contains("https instead of http"));
        // No URL: a reason that says what to pass.
        let v = verify_at(
            Provider::Twilio,
            &["12345"],
            &[("x-twilio-signature", SIG)],
            BODY,
            None,
            0,
            Tolerance::ProviderDefault,
        );
        assert!(v.reason.unwrap().contains("--url"));
    }

    #[test]
    fn twilio_repeated_keys_and_ports() {
        let params = vec![
            ("Digits".to_string(), "5678".to_string()),
            ("Digits".to_string(), "1234".to_string()),
            ("A".to_string(), "x".to_string()),
        ];
        // The repeated key's values are sorted: the same as signing A x Digits 1234 Digits 5678.
        let data = "https://h.example/pA".to_string() + "x" + "Digits1234Digits5678";
        assert_eq!(
            expected(b"k", "https://h.example/p", &params),
            hmac_sha1(b"k", &[data.as_bytes()])
        );
        let signed = sign_one(
            Provider::Twilio,
            "12345",
            b"Digits=5678&Digits=1234",
            Some("https://h.example:8443/p"),
            None,
        );
        let sig = signed
            .headers
            .iter()
            .find(|(n, _)| n == "X-Twilio-Signature")
            .unwrap()
            .1
            .clone();
        assert_eq!(
            check("https://h.example:8443/p", &sig, b"Digits=1234&Digits=5678").verdict,
            Verdict::Valid
        );
        assert_eq!(
            url_port_variants("https://h.example:8443/p")[1],
            "https://h.example/p"
        );
        assert_eq!(
            url_port_variants("http://u@[::1]/p?q")[1],
            "http://u@[::1]:80/p?q"
        );
    }

    #[test]
    fn twilio_json_body_hash() {
        let body = br#"{"CallSid":"CA1"}"#;
        let signed = sign_one(
            Provider::Twilio,
            "12345",
            body,
            Some("https://h.example/hook?x=1"),
            None,
        );
        let url = signed.url.clone().unwrap();
        assert_eq!(
            url,
            format!(
                "https://h.example/hook?x=1&bodySHA256={}",
                hex(&sha256(body))
            )
        );
        let sig = signed
            .headers
            .iter()
            .find(|(n, _)| n == "X-Twilio-Signature")
            .unwrap()
            .1
            .clone();
        assert_eq!(check(&url, &sig, body).verdict, Verdict::Valid);
        let v = check(&url, &sig, br#"{"CallSid":"CA2"}"#);
        assert_eq!(v.verdict, Verdict::Invalid);
        assert!(v.reason.unwrap().contains("bodySHA256 does not match"));
        // Re-signing a URL that already has the hash replaces it instead of adding a second.
        assert_eq!(
            with_body_hash(&url, "ab"),
            "https://h.example/hook?x=1&bodySHA256=ab"
        );
        assert_eq!(
            with_body_hash("https://h/p", "ab"),
            "https://h/p?bodySHA256=ab"
        );
    }
}
