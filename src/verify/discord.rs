//! Discord interactions: `X-Signature-Ed25519: <hex Ed25519 signature of timestamp ‖ body>` with
//! `X-Signature-Timestamp`, verified with the application's public key (64 hex characters).
//!
//! Discord signs with its private key, so whisper can only sign with a test key pair: `sign`
//! takes the 32-byte private seed as hex, and `sign::discord_public_key` prints the matching
//! public key to verify with. No replay window is defined by Discord or its libraries; a window
//! applies only when one is given explicitly.

use std::time::Duration;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use super::{Check, Outcome, Request, TimeCheck, hex, parse_unix_seconds, preview, unhex};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["x-signature-ed25519", "x-signature-timestamp"];

fn bytes32(hex_text: &str) -> Option<[u8; 32]> {
    unhex(hex_text)?.try_into().ok()
}

/// The signing key of a 64-hex-character seed.
pub(crate) fn signing_key(seed_hex: &str) -> Option<SigningKey> {
    bytes32(seed_hex).map(|seed| SigningKey::from_bytes(&seed))
}

/// The public key (hex) of a 64-hex-character seed.
pub(crate) fn public_key_hex(seed_hex: &str) -> Option<String> {
    signing_key(seed_hex).map(|k| hex(k.verifying_key().as_bytes()))
}

/// The signed message: `timestamp ‖ body`.
fn message(ts: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(ts.len() + body.len());
    m.extend_from_slice(ts.as_bytes());
    m.extend_from_slice(body);
    m
}

/// The signature over `timestamp ‖ body`.
pub(crate) fn expected(key: &SigningKey, ts: &str, body: &[u8]) -> [u8; 64] {
    key.sign(&message(ts, body)).to_bytes()
}

fn verifies(key_hex: &str, ts: &str, body: &[u8], sig: &Signature) -> bool {
    bytes32(key_hex)
        .and_then(|k| VerifyingKey::from_bytes(&k).ok())
        .is_some_and(|k| k.verify_strict(&message(ts, body), sig).is_ok())
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let sig_text = req.signature("X-Signature-Ed25519")?;
    let ts = req.required("X-Signature-Timestamp", "X-Signature-Ed25519")?;
    let ts_value = parse_unix_seconds(ts, "X-Signature-Timestamp")?;
    let sig = unhex(sig_text)
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or_else(|| {
            Outcome::invalid(format!(
                "X-Signature-Ed25519 is not a 64-byte signature in hex: received {}",
                preview(sig_text)
            ))
        })?;
    let usable = secrets
        .iter()
        .filter(|s| bytes32(s.expose()).is_some())
        .count();
    if usable == 0 {
        return Err(Outcome::invalid(
            "the discord secret must be the application's public key as 64 hex characters",
        ));
    }
    if secrets
        .iter()
        .any(|s| verifies(s.expose(), ts, req.body, &sig))
    {
        return Ok(
            match TimeCheck::new(ts_value, false).check(now, tolerance) {
                Err(skew) => Outcome::expired(format!("signature is right but the {skew}")),
                Ok(()) => Outcome::valid(),
            },
        );
    }
    let mut reason = format!(
        "X-Signature-Ed25519 does not verify with the configured public key (received {}; {usable} key{} tried)",
        preview(sig_text),
        if usable == 1 { "" } else { "s" }
    );
    for secret in secrets {
        let s = secret.expose();
        let trimmed = s.trim();
        if trimmed != s && verifies(trimmed, ts, req.body, &sig) {
            reason.push_str("; hint: the configured key has leading or trailing whitespace; the signature verifies without it");
        }
        if public_key_hex(s).is_some_and(|pk| verifies(&pk, ts, req.body, &sig)) {
            reason.push_str("; hint: the configured key is the private seed of the key that signed this; verify needs the public key (whisper sign can print it)");
        }
    }
    Ok(Outcome::invalid(reason))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key =
        signing_key(ctx.single_secret("discord")?.expose()).ok_or(SignError::BadDiscordSeed)?;
    let ts = ctx.timestamp.to_string();
    Ok(SignedParts::headers(vec![
        (
            "X-Signature-Ed25519".to_string(),
            hex(&expected(&key, &ts, ctx.body)),
        ),
        ("X-Signature-Timestamp".to_string(), ts),
    ]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::tests::{sign_one, verify_headers};
    use crate::verify::{Provider, Verdict};

    // RFC 8032 §7.1 TEST 1.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[test]
    fn rfc8032_test1() {
        assert_eq!(crate::sign::discord_public_key(SEED).unwrap(), PUBLIC);
        let key = signing_key(SEED).unwrap();
        // The RFC's signature of the empty message.
        assert_eq!(
            hex(&expected(&key, "", b"")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        // PyNaCl: SigningKey(seed).sign(b'1700000000{"type":1}').signature.hex()
        let sig = "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f";
        let signed = sign_one(
            Provider::Discord,
            SEED,
            br#"{"type":1}"#,
            None,
            Some(1_700_000_000),
        );
        assert!(
            signed
                .headers
                .contains(&("X-Signature-Ed25519".to_string(), sig.to_string()))
        );
        let headers = [
            ("x-signature-ed25519", sig),
            ("x-signature-timestamp", "1700000000"),
        ];
        assert_eq!(
            verify_headers(Provider::Discord, PUBLIC, &headers, br#"{"type":1}"#).verdict,
            Verdict::Valid
        );
        // Configuring the seed instead of the public key is spotted.
        let v = verify_headers(Provider::Discord, SEED, &headers, br#"{"type":1}"#);
        assert_eq!(v.verdict, Verdict::Invalid);
        assert!(v.reason.unwrap().contains("private seed"));
        assert!(crate::sign::discord_public_key("zz").is_err());
    }
}
