//! Pure helpers for the handshakes the listener answers on a provider's behalf.
//!
//! * Slack `url_verification`: echo the body's `challenge`.
//! * Twitch `webhook_callback_verification` (header `Twitch-Eventsub-Message-Type`): echo the
//!   body's `challenge` as `text/plain`.
//! * Zoom `endpoint.url_validation`: answer `{"plainToken": p, "encryptedToken": hex(HMAC-SHA256(secret, p))}`,
//!   which needs the Zoom secret.
//!
//! These only build answers; whether to answer a request whose signature did not verify is the
//! listener's decision.

use super::{Request, zoom};
use crate::secret::Secret;

/// What to answer a handshake with (status 200).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The response's `Content-Type`.
    pub content_type: &'static str,
    /// The response body.
    pub body: String,
}

/// A handshake recognised in a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handshake {
    /// Slack Events API `url_verification`, with its challenge.
    Slack {
        /// The challenge to echo.
        challenge: String,
    },
    /// Twitch EventSub `webhook_callback_verification`, with its challenge.
    Twitch {
        /// The challenge to echo.
        challenge: String,
    },
    /// Zoom `endpoint.url_validation`, with the plain token to encrypt.
    Zoom {
        /// The `payload.plainToken`.
        plain_token: String,
    },
}

fn json(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok()
}

/// The `challenge` of a Slack `url_verification` body.
pub fn slack_challenge(body: &[u8]) -> Option<String> {
    let v = json(body)?;
    if v.get("type")?.as_str()? != "url_verification" {
        return None;
    }
    Some(v.get("challenge")?.as_str()?.to_string())
}

/// The `challenge` of a Twitch `webhook_callback_verification` request.
pub fn twitch_challenge(req: &Request) -> Option<String> {
    let kind = req.header("twitch-eventsub-message-type")?;
    if kind != b"webhook_callback_verification" {
        return None;
    }
    Some(json(req.body)?.get("challenge")?.as_str()?.to_string())
}

/// The `payload.plainToken` of a Zoom `endpoint.url_validation` body.
pub fn zoom_plain_token(body: &[u8]) -> Option<String> {
    let v = json(body)?;
    if v.get("event")?.as_str()? != "endpoint.url_validation" {
        return None;
    }
    Some(v.get("payload")?.get("plainToken")?.as_str()?.to_string())
}

/// The JSON answer to a Zoom URL validation: `{"plainToken":…,"encryptedToken":…}`.
pub fn zoom_reply(plain_token: &str, secret: &Secret) -> Reply {
    let body = serde_json::json!({
        "plainToken": plain_token,
        "encryptedToken": zoom::crc_token(secret, plain_token),
    })
    .to_string();
    Reply {
        content_type: "application/json",
        body,
    }
}

/// Recognises any of the three handshakes.
pub fn detect(req: &Request) -> Option<Handshake> {
    if let Some(challenge) = twitch_challenge(req) {
        return Some(Handshake::Twitch { challenge });
    }
    // Every request passes here; parse the body only when it can be one.
    if contains(req.body, b"url_verification")
        && let Some(challenge) = slack_challenge(req.body)
    {
        return Some(Handshake::Slack { challenge });
    }
    if contains(req.body, b"plainToken") {
        return zoom_plain_token(req.body).map(|plain_token| Handshake::Zoom { plain_token });
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

impl Handshake {
    /// The answer; `None` for Zoom without its secret (the caller then answers as usual and says why).
    pub fn reply(&self, zoom_secret: Option<&Secret>) -> Option<Reply> {
        match self {
            Handshake::Slack { challenge } | Handshake::Twitch { challenge } => Some(Reply {
                content_type: "text/plain",
                body: challenge.clone(),
            }),
            Handshake::Zoom { plain_token } => zoom_secret.map(|s| zoom_reply(plain_token, s)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn req<'a>(headers: &'a [(String, Bytes)], body: &'a [u8]) -> Request<'a> {
        Request {
            method: "POST",
            url: None,
            headers,
            body,
        }
    }

    #[test]
    fn handshakes() {
        let slack = br#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        assert_eq!(
            detect(&req(&[], slack)).unwrap().reply(None).unwrap(),
            Reply {
                content_type: "text/plain",
                body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".to_string()
            }
        );
        let headers = [(
            "twitch-eventsub-message-type".to_string(),
            Bytes::from_static(b"webhook_callback_verification"),
        )];
        let twitch = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{}}"#;
        assert_eq!(
            detect(&req(&headers, twitch)),
            Some(Handshake::Twitch {
                challenge: "pogchamp-kappa-360noscope-vohiyo".to_string()
            })
        );
        assert_eq!(twitch_challenge(&req(&[], twitch)), None);

        let zoom = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
        let hs = detect(&req(&[], zoom)).unwrap();
        assert_eq!(hs.reply(None), None);
        let secret = Secret::new("zoomsecret".to_string());
        let reply = hs.reply(Some(&secret)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(v["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
        assert_eq!(
            v["encryptedToken"],
            "83b2a60d4bbe49dc93763ed9e727a9a7690cbe4c1f8bb0adc0ffccd09ecb1384"
        );
        assert_eq!(detect(&req(&[], b"{}")), None);
    }
}
