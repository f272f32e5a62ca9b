//! Standard Webhooks (and Svix, its reference implementation): `webhook-signature: v1,<b64> …`
//! over `id ‖ "." ‖ timestamp ‖ "." ‖ body`, with `webhook-id` and `webhook-timestamp`.
//!
//! The key is the secret with an optional `whsec_` prefix stripped and the rest base64-decoded,
//! leniently (padding optional, trailing bits allowed) as the Python and JS libraries do — the
//! Svix canonical test secret needs that. Svix sends `svix-*` header names and its libraries fall
//! back to `webhook-*`, so the Svix flavour accepts both. The signature header is a space-separated
//! list (one entry per active key); only `v1` entries are checked, `v1a` (Ed25519) and unknown
//! versions are skipped. Timestamps more than 300 s off either way are rejected.

use std::time::Duration;

use super::{
    Check, Encoding, KeyForm, MacCheck, Outcome, Request, TimeCheck, hmac_sha256,
    parse_unix_seconds,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Standard names or Svix names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavour {
    Standard,
    Svix,
}

/// Headers `resign` replaces (both flavours' names: a Svix capture may use either set).
pub(crate) const OWNED: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
];

/// The header names of one set: (id, timestamp, signature).
struct Names {
    id: &'static str,
    timestamp: &'static str,
    signature: &'static str,
}

const WEBHOOK: Names = Names {
    id: "webhook-id",
    timestamp: "webhook-timestamp",
    signature: "webhook-signature",
};
const SVIX: Names = Names {
    id: "svix-id",
    timestamp: "svix-timestamp",
    signature: "svix-signature",
};

/// The `v1` MAC: HMAC-SHA256(decoded key, id ‖ "." ‖ ts ‖ "." ‖ body).
pub(crate) fn expected(key: &[u8], id: &str, ts: &str, body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body])
}

/// The base64 payloads of the `v1` entries of a signature header.
pub(crate) fn v1_entries(value: &str) -> Vec<&str> {
    value
        .split_ascii_whitespace()
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .map(|(_, sig)| sig)
        .collect()
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    flavour: Flavour,
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let names = match flavour {
        Flavour::Svix if req.has(SVIX.signature) || !req.has(WEBHOOK.signature) => SVIX,
        _ => WEBHOOK,
    };
    let Some(value) = req.text(names.signature)? else {
        let mut reason = format!("no {} header", names.signature);
        if flavour == Flavour::Svix {
            reason.push_str(" (nor webhook-signature)");
        } else if req.has(SVIX.signature) {
            reason.push_str("; the request has svix-signature: verify it as svix");
        }
        return Err(Outcome::unsigned(reason));
    };
    let id = req.required(names.id, names.signature)?;
    let ts_text = req.required(names.timestamp, names.signature)?;
    let ts = parse_unix_seconds(ts_text, names.timestamp)?;
    let entries = v1_entries(value);
    if entries.is_empty() {
        return Err(Outcome::invalid(format!(
            "{} carries no v1 entry (v1a and unknown versions are ignored)",
            names.signature
        )));
    }
    let compute = |key: &[u8], body: &[u8]| expected(key, id, ts_text, body);
    let field = format!("{} v1", names.signature);
    let mut check = MacCheck::list(&field, &entries, Encoding::Base64, &compute);
    check.key_form = KeyForm::WhsecBase64;
    check.key_note = "secret used with whsec_ stripped and base64-decoded";
    check.body = Some(req.body);
    check.time = Some(TimeCheck::new(ts, false));
    Ok(check.run(secrets, now, tolerance))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(flavour: Flavour, ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let scheme = match flavour {
        Flavour::Standard => "standard-webhooks",
        Flavour::Svix => "svix",
    };
    let id = ctx.id_or_hex("msg_", 16);
    let ts = ctx.timestamp.to_string();
    let mut entries = Vec::new();
    for secret in ctx.all_secrets(scheme)? {
        let key =
            KeyForm::WhsecBase64
                .key(secret.expose())
                .ok_or_else(|| SignError::BadWhsecSecret {
                    scheme: scheme.to_string(),
                })?;
        entries.push(format!(
            "v1,{}",
            Encoding::Base64.encode(&expected(&key, &id, &ts, ctx.body))
        ));
    }
    let signature = entries.join(" ");
    // A re-signed Svix capture keeps the names it came with (white-labelled Svix sends webhook-*).
    let sets: Vec<Names> = match flavour {
        Flavour::Standard => vec![WEBHOOK],
        Flavour::Svix => {
            let (svix, webhook) = (
                ctx.captured_has(SVIX.signature),
                ctx.captured_has(WEBHOOK.signature),
            );
            match (svix, webhook) {
                (false, true) => vec![WEBHOOK],
                (true, true) => vec![SVIX, WEBHOOK],
                _ => vec![SVIX],
            }
        }
    };
    let mut headers = Vec::new();
    for names in sets {
        headers.push((names.id.to_string(), id.clone()));
        headers.push((names.timestamp.to_string(), ts.clone()));
        headers.push((names.signature.to_string(), signature.clone()));
    }
    Ok(SignedParts::headers(headers))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::tests::verify_headers;
    use crate::verify::{Provider, Verdict};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn svix_canonical_vector() {
        for (provider, names) in [
            (Provider::Svix, SVIX),
            (Provider::StandardWebhooks, WEBHOOK),
        ] {
            let scheme = crate::verify::Scheme::Builtin(provider);
            let secrets = [Secret::new(SECRET.to_string())];
            let signed = crate::sign::sign(&crate::sign::SignInput {
                scheme: &scheme,
                secrets: &secrets,
                body: BODY,
                timestamp: Some(1_614_265_330),
                id: Some(ID),
                url: None,
                content_type: None,
                now: 0,
            })
            .unwrap();
            assert!(
                signed
                    .headers
                    .contains(&(names.signature.to_string(), SIG.to_string())),
                "{signed:?}"
            );
            let headers = [
                (names.id, ID),
                (names.timestamp, "1614265330"),
                (names.signature, SIG),
            ];
            let v = verify_headers(provider, SECRET, &headers, BODY);
            assert_eq!(v.verdict, Verdict::Valid, "{v:?}");
            // The prefix is optional.
            let v = verify_headers(provider, &SECRET[6..], &headers, BODY);
            assert_eq!(v.verdict, Verdict::Valid, "{v:?}");
        }
        // Svix falls back to webhook-* names; Standard Webhooks does not read svix-*.
        let headers = [
            ("webhook-id", ID),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", SIG),
        ];
        assert_eq!(
            verify_headers(Provider::Svix, SECRET, &headers, BODY).verdict,
            Verdict::Valid
        );
        let headers = [
            ("svix-id", ID),
            ("svix-timestamp", "1614265330"),
            ("svix-signature", SIG),
        ];
        let v = verify_headers(Provider::StandardWebhooks, SECRET, &headers, BODY);
        assert_eq!(v.verdict, Verdict::Unsigned);
        assert!(v.reason.unwrap().contains("verify it as svix"));
    }

    #[test]
    fn entries_skip_other_versions() {
        assert_eq!(
            v1_entries("v1a,xyz v1,abc  v2,def v1,ghi junk"),
            vec!["abc", "ghi"]
        );
        let headers = [
            ("svix-id", ID),
            ("svix-timestamp", "1614265330"),
            ("svix-signature", "v1a,AAAA v2,BBBB"),
        ];
        let v = verify_headers(Provider::Svix, SECRET, &headers, BODY);
        assert_eq!(v.verdict, Verdict::Invalid);
        assert!(v.reason.unwrap().contains("no v1 entry"));
    }
}
