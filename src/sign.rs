//! Building signed test requests (`whisper sign`) and re-signing captured ones (`replay --resign`).
//!
//! Every signature is computed by the provider's own function in `verify/`, the same one its
//! verifier uses, so a request whisper signs is one whisper (and the provider's SDK) accepts.
//! This file only gathers the inputs (timestamp, id, content type), dispatches to the provider,
//! and lays out the resulting headers.

use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

use crate::secret::Secret;
use crate::verify::generic::GenericError;
use crate::verify::{
    Provider, Scheme, discord, generic, github, gitlab, hex, intercom, linear, looks_like_form,
    mailgun, paddle, sha256, shopify, slack, square, standard_webhooks, stripe, twilio, twitch,
    zoom,
};

/// What to sign.
#[derive(Clone, Copy, Debug)]
pub struct SignInput<'a> {
    /// The scheme to sign for.
    pub scheme: &'a Scheme,
    /// One signature per secret where the scheme allows several (stripe v1, standard-webhooks/svix list, paddle h1); otherwise exactly one.
    pub secrets: &'a [Secret],
    /// The body to send (and, for most schemes, sign) exactly.
    pub body: &'a [u8],
    /// Unix seconds; `None` = `now`.
    pub timestamp: Option<i64>,
    /// Message or delivery id (svix/standard-webhooks msg id, twitch message id, github delivery,
    /// mailgun token…); `None` = a fresh random id.
    pub id: Option<&'a str>,
    /// The URL the request goes to: required for twilio and square, which sign it.
    pub url: Option<&'a str>,
    /// Default: application/json, or application/x-www-form-urlencoded when the body parses as a form and not as JSON.
    pub content_type: Option<&'a str>,
    /// The current time, unix seconds.
    pub now: i64,
}

/// A signed request, ready to send or print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// Always `POST`.
    pub method: String,
    /// The URL to send to (twilio JSON bodies: the given URL with `bodySHA256=<hex>` in the query).
    pub url: Option<String>,
    /// Every header the provider sends, with the provider's own capitalisation, `Content-Type` first.
    pub headers: Vec<(String, String)>,
    /// The body to send: the input body, except for mailgun, whose signature goes into it.
    pub body: Vec<u8>,
}

/// Why a request could not be signed. Messages are lower-case and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// No secret was given.
    #[error("no secret given for {scheme}; pass --secret")]
    NoSecret {
        /// The scheme name.
        scheme: String,
    },
    /// Several secrets for a scheme that carries one signature.
    #[error(
        "{scheme} carries a single signature but {count} secrets were given; pass one --secret"
    )]
    TooManySecrets {
        /// The scheme name.
        scheme: String,
        /// How many were given.
        count: usize,
    },
    /// The scheme signs the URL and none was given.
    #[error("{scheme} signs the request URL; pass --url with the exact URL the provider calls")]
    UrlRequired {
        /// The scheme name.
        scheme: String,
    },
    /// A Standard Webhooks / Svix secret that is not base64 after `whsec_`.
    #[error(
        "the {scheme} secret is not base64 after the whsec_ prefix; use the secret exactly as the dashboard shows it"
    )]
    BadWhsecSecret {
        /// The scheme name.
        scheme: String,
    },
    /// A Discord seed that is not 64 hex characters.
    #[error(
        "discord signing needs the 32-byte private seed as 64 hex characters (a test key: discord's own key is private)"
    )]
    BadDiscordSeed,
    /// A Mailgun body that cannot carry the signature.
    #[error(
        "mailgun puts the signature into the body, which must be a JSON object or a form; give such a body"
    )]
    MailgunBody,
    /// A timestamp that cannot be written (Twitch's RFC 3339 needs years 1–9999).
    #[error("timestamp {0} is out of range; give unix seconds between year 1 and 9999")]
    TimestampRange(i64),
    /// A twilio URL that already carries a `bodySHA256` for another body.
    #[error("the url has a bodySHA256 that does not match the body; drop it from --url")]
    BodyHashMismatch,
    /// A generic scheme that is not valid.
    #[error(transparent)]
    Scheme(GenericError),
}

/// Everything a provider's signer needs, with defaults resolved.
pub(crate) struct SignCtx<'a> {
    pub(crate) secrets: &'a [Secret],
    pub(crate) body: &'a [u8],
    /// Unix seconds.
    pub(crate) timestamp: i64,
    pub(crate) id: Option<&'a str>,
    pub(crate) url: Option<&'a str>,
    pub(crate) content_type: String,
    /// The captured headers when re-signing, so a provider can keep the captured flavour
    /// (Svix `webhook-*` names, Shopify events headers, Square's legacy header).
    pub(crate) captured: Option<&'a [(String, Bytes)]>,
}

impl<'a> SignCtx<'a> {
    /// The one secret of a single-signature scheme.
    pub(crate) fn single_secret(&self, scheme: &str) -> Result<&'a Secret, SignError> {
        match self.secrets {
            [] => Err(SignError::NoSecret {
                scheme: scheme.to_string(),
            }),
            [one] => Ok(one),
            many => Err(SignError::TooManySecrets {
                scheme: scheme.to_string(),
                count: many.len(),
            }),
        }
    }

    /// All secrets of a scheme that carries one signature per secret (at least one).
    pub(crate) fn all_secrets(&self, scheme: &str) -> Result<&'a [Secret], SignError> {
        if self.secrets.is_empty() {
            return Err(SignError::NoSecret {
                scheme: scheme.to_string(),
            });
        }
        Ok(self.secrets)
    }

    /// The URL, for schemes that sign it.
    pub(crate) fn require_url(&self, scheme: &str) -> Result<&'a str, SignError> {
        self.url.ok_or_else(|| SignError::UrlRequired {
            scheme: scheme.to_string(),
        })
    }

    /// The given id, or a fresh UUID-shaped one.
    pub(crate) fn id_or_uuid(&self) -> String {
        self.id.map_or_else(random_uuid, str::to_string)
    }

    /// The given id, or `prefix` followed by 32 random hex digits.
    pub(crate) fn id_or_hex(&self, prefix: &str, bytes: usize) -> String {
        self.id.map_or_else(
            || format!("{prefix}{}", hex(&random_bytes(bytes))),
            str::to_string,
        )
    }

    /// Whether the body is sent as a form.
    pub(crate) fn is_form(&self) -> bool {
        self.content_type.split(';').next().is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    }

    /// Whether a captured request had this header (always false when signing fresh).
    pub(crate) fn captured_has(&self, name: &str) -> bool {
        self.captured
            .is_some_and(|h| h.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
    }
}

/// What a provider's signer produces: its headers, and a new URL or body where the scheme changes them.
pub(crate) struct SignedParts {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) url: Option<String>,
    pub(crate) body: Option<Vec<u8>>,
}

impl SignedParts {
    pub(crate) fn headers(headers: Vec<(String, String)>) -> SignedParts {
        SignedParts {
            headers,
            url: None,
            body: None,
        }
    }
}

/// Builds a signed request.
pub fn sign(input: &SignInput) -> Result<Signed, SignError> {
    let content_type = input.content_type.map_or_else(
        || default_content_type(input.body).to_string(),
        str::to_string,
    );
    let ctx = SignCtx {
        secrets: input.secrets,
        body: input.body,
        timestamp: input.timestamp.unwrap_or(input.now),
        id: input.id,
        url: input.url,
        content_type,
        captured: None,
    };
    let parts = sign_parts(input.scheme, &ctx)?;
    let mut headers = vec![("Content-Type".to_string(), ctx.content_type.clone())];
    headers.extend(parts.headers);
    Ok(Signed {
        method: "POST".to_string(),
        url: parts.url.or_else(|| input.url.map(str::to_string)),
        headers,
        body: parts.body.unwrap_or_else(|| input.body.to_vec()),
    })
}

/// What [`resign`] returns: the captured headers with fresh signature headers, and the body.
pub type Resigned = (Vec<(String, Bytes)>, Vec<u8>);

/// Re-sign a captured request with fresh timestamp/id: returns the captured headers with this scheme's signature/timestamp/id headers replaced (other headers kept in order) and the body (changed only for mailgun).
pub fn resign(
    scheme: &Scheme,
    secrets: &[Secret],
    headers: &[(String, Bytes)],
    body: &[u8],
    url: Option<&str>,
    now: i64,
) -> Result<Resigned, SignError> {
    let captured_type = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok());
    let ctx = SignCtx {
        secrets,
        body,
        timestamp: now,
        id: None,
        url,
        content_type: captured_type
            .map_or_else(|| default_content_type(body).to_string(), str::to_string),
        captured: Some(headers),
    };
    let parts = sign_parts(scheme, &ctx)?;
    let owned = owned_headers(scheme);
    let is_owned = |name: &str| owned.iter().any(|o| o.eq_ignore_ascii_case(name));
    let mut fresh: Vec<(String, String)> = parts
        .headers
        .into_iter()
        .filter(|(n, _)| is_owned(n))
        .collect();
    let mut out: Vec<(String, Bytes)> = Vec::with_capacity(headers.len() + fresh.len());
    for (name, value) in headers {
        if !is_owned(name) {
            out.push((name.clone(), value.clone()));
        } else if let Some(i) = fresh.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            // The fresh value takes the captured header's place and spelling; later duplicates
            // and owned headers the signer no longer produces are dropped as stale.
            let (_, v) = fresh.remove(i);
            out.push((name.clone(), Bytes::from(v)));
        }
    }
    out.extend(
        fresh
            .into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), Bytes::from(v))),
    );
    Ok((out, parts.body.unwrap_or_else(|| body.to_vec())))
}

/// The public key (64 hex characters) matching a Discord test seed, to configure the verifier with.
pub fn discord_public_key(seed_hex: &str) -> Result<String, SignError> {
    discord::public_key_hex(seed_hex).ok_or(SignError::BadDiscordSeed)
}

fn sign_parts(scheme: &Scheme, ctx: &SignCtx) -> Result<SignedParts, SignError> {
    match scheme {
        Scheme::Builtin(p) => match p {
            Provider::Github => github::sign(ctx),
            Provider::Stripe => stripe::sign(ctx),
            Provider::Slack => slack::sign(ctx),
            Provider::Shopify => shopify::sign(ctx),
            Provider::StandardWebhooks => {
                standard_webhooks::sign(standard_webhooks::Flavour::Standard, ctx)
            }
            Provider::Svix => standard_webhooks::sign(standard_webhooks::Flavour::Svix, ctx),
            Provider::Twilio => twilio::sign(ctx),
            Provider::Square => square::sign(ctx),
            Provider::Paddle => paddle::sign(ctx),
            Provider::Discord => discord::sign(ctx),
            Provider::Zoom => zoom::sign(ctx),
            Provider::Linear => linear::sign(ctx),
            Provider::Twitch => twitch::sign(ctx),
            Provider::Mailgun => mailgun::sign(ctx),
            Provider::Gitlab => gitlab::sign(ctx),
            Provider::Intercom => intercom::sign(ctx),
        },
        Scheme::Generic(g) => generic::sign(g, ctx),
    }
}

/// The headers `resign` replaces: a scheme's signature, timestamp and id headers (lowercase).
fn owned_headers(scheme: &Scheme) -> Vec<String> {
    let names: &[&str] = match scheme {
        Scheme::Generic(g) => return generic::owned(g),
        Scheme::Builtin(p) => match p {
            Provider::Github => github::OWNED,
            Provider::Stripe => stripe::OWNED,
            Provider::Slack => slack::OWNED,
            Provider::Shopify => shopify::OWNED,
            Provider::StandardWebhooks | Provider::Svix => standard_webhooks::OWNED,
            Provider::Twilio => twilio::OWNED,
            Provider::Square => square::OWNED,
            Provider::Paddle => paddle::OWNED,
            Provider::Discord => discord::OWNED,
            Provider::Zoom => zoom::OWNED,
            Provider::Linear => linear::OWNED,
            Provider::Twitch => twitch::OWNED,
            Provider::Mailgun => mailgun::OWNED,
            Provider::Gitlab => gitlab::OWNED,
            Provider::Intercom => intercom::OWNED,
        },
    };
    names.iter().map(|s| s.to_string()).collect()
}

/// JSON unless the body reads as a form (and not as JSON).
fn default_content_type(body: &[u8]) -> &'static str {
    if looks_like_form(body) {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    }
}

/// Random bytes for ids. Falls back to hashing the clock, the process id and a counter when the
/// OS source fails: ids need to be unique, not secret.
fn random_bytes(n: usize) -> Vec<u8> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = vec![0u8; n];
    if getrandom::fill(&mut out).is_ok() {
        return out;
    }
    let mut block = 0u64;
    let mut filled = 0;
    while filled < n {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let seed = format!(
            "{nanos}:{}:{}:{block}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let chunk = sha256(seed.as_bytes());
        let take = chunk.len().min(n - filled);
        out[filled..filled + take].copy_from_slice(&chunk[..take]);
        filled += take;
        block += 1;
    }
    out
}

/// A random version-4 UUID string.
fn random_uuid() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
