//! Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256(secret, id ‖ timestamp ‖ body)>`
//! with `Twitch-Eventsub-Message-Id` and `Twitch-Eventsub-Message-Timestamp`.
//!
//! The timestamp is an RFC 3339 string with nanoseconds, signed **exactly as sent**: the verifier
//! uses the raw header, and the signer puts into the header the very string it signed (twitch-cli
//! re-formats it and drops trailing zeros, which is how signatures break). Messages older than
//! 10 minutes are rejected, as Twitch's docs say; only age is checked.

use std::time::Duration;

use super::{
    Check, Encoding, MacCheck, Outcome, Request, TimeCheck, format_rfc3339, hmac_sha256,
    parse_rfc3339, preview, strip_required,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &[
    "twitch-eventsub-message-id",
    "twitch-eventsub-message-timestamp",
    "twitch-eventsub-message-signature",
];

const SIG: &str = "Twitch-Eventsub-Message-Signature";
const ID: &str = "Twitch-Eventsub-Message-Id";
const TS: &str = "Twitch-Eventsub-Message-Timestamp";

/// The MAC: HMAC-SHA256(secret, id ‖ timestamp ‖ body), no separators.
pub(crate) fn expected(key: &[u8], id: &str, ts: &str, body: &[u8]) -> Vec<u8> {
    hmac_sha256(key, &[id.as_bytes(), ts.as_bytes(), body])
}

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let value = req.signature(SIG)?;
    let id = req.required(ID, SIG)?;
    let ts_text = req.required(TS, SIG)?;
    let text = strip_required(value, "sha256=", SIG)?;
    let ts = parse_rfc3339(ts_text).ok_or_else(|| {
        Outcome::invalid(format!(
            "{TS} {} is not an RFC 3339 timestamp",
            preview(ts_text)
        ))
    })?;
    let compute = |key: &[u8], body: &[u8]| expected(key, id, ts_text, body);
    let mut check = MacCheck::single(SIG, text, Encoding::Hex, &compute);
    check.body = Some(req.body);
    check.time = Some(TimeCheck::new(ts, true));
    Ok(check.run(secrets, now, tolerance))
}

/// `webhook_callback_verification` when the body carries a `challenge`, else `notification`.
fn message_type(body: &[u8]) -> &'static str {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map))
            if map.get("challenge").is_some_and(|c| c.is_string()) =>
        {
            "webhook_callback_verification"
        }
        _ => "notification",
    }
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let key = ctx.single_secret("twitch")?.expose().as_bytes();
    let ts = format_rfc3339(ctx.timestamp, ".000000000")
        .ok_or(SignError::TimestampRange(ctx.timestamp))?;
    let id = ctx.id_or_uuid();
    let sig = format!(
        "sha256={}",
        Encoding::Hex.encode(&expected(key, &id, &ts, ctx.body))
    );
    Ok(SignedParts::headers(vec![
        (ID.to_string(), id),
        ("Twitch-Eventsub-Message-Retry".to_string(), "0".to_string()),
        (
            "Twitch-Eventsub-Message-Type".to_string(),
            message_type(ctx.body).to_string(),
        ),
        (SIG.to_string(), sig),
        (TS.to_string(), ts),
    ]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::verify::tests::{sign_one, verify_at};
    use crate::verify::{Provider, Tolerance, Verdict, format_rfc3339, parse_rfc3339};

    const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;

    #[test]
    fn twitch_vector() {
        // python3: hmac.new(b"s3cre7twitch", id + ts + body, hashlib.sha256).hexdigest()
        let id = "e76c6bd4-55c9-4987-8304-da1588d8988b";
        let ts = "2019-11-16T10:11:12.634234626Z";
        let sig = "sha256=aa619cfb0ddc692f6d362225979726e09067c12470b2278a39ca596ecec13704";
        let headers = [
            ("twitch-eventsub-message-id", id),
            ("twitch-eventsub-message-timestamp", ts),
            ("twitch-eventsub-message-signature", sig),
        ];
        let at = |now| {
            verify_at(
                Provider::Twitch,
                &["s3cre7twitch"],
                &headers,
                BODY,
                None,
                now,
                Tolerance::ProviderDefault,
            )
        };
        assert_eq!(at(1_573_899_072 + 600).verdict, Verdict::Valid);
        assert_eq!(at(1_573_899_072 + 601).verdict, Verdict::Expired);
    }

    #[test]
    fn twitch_signs_the_emitted_timestamp() {
        let signed = sign_one(
            Provider::Twitch,
            "s3cre7twitch",
            BODY,
            None,
            Some(1_795_440_035),
        );
        let ts = &signed
            .headers
            .iter()
            .find(|(n, _)| n == "Twitch-Eventsub-Message-Timestamp")
            .unwrap()
            .1;
        assert_eq!(ts, "2026-11-23T13:20:35.000000000Z");
        let challenge = sign_one(
            Provider::Twitch,
            "s3cre7twitch",
            br#"{"challenge":"x"}"#,
            None,
            None,
        );
        assert!(challenge.headers.contains(&(
            "Twitch-Eventsub-Message-Type".to_string(),
            "webhook_callback_verification".to_string()
        )));
    }

    #[test]
    fn rfc3339_round_trip() {
        for secs in [
            0,
            1,
            951_782_400,
            1_795_440_035,
            -1,
            253_402_300_799,
            -62_135_596_800,
        ] {
            let text = format_rfc3339(secs, ".5").unwrap();
            assert_eq!(parse_rfc3339(&text), Some(secs), "{text}");
        }
        assert_eq!(format_rfc3339(0, "").unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            parse_rfc3339("2019-11-16T12:11:12+02:00"),
            Some(1_573_899_072)
        );
        assert_eq!(parse_rfc3339("2019-11-16T10:11:12"), None);
        assert_eq!(parse_rfc3339("2019-13-16T10:11:12Z"), None);
        assert_eq!(format_rfc3339(253_402_300_800, ""), None);
    }
}
