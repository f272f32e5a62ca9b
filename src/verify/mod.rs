//! Webhook signature verification: which provider a request comes from, and whether its signature holds.
//!
//! Everything here is a pure function over the raw request (method, URL, header bytes, body bytes):
//! no I/O, no clock (the caller passes `now`), no re-serialised JSON. One file per provider holds
//! that provider's "compute the expected signature" function, used both by its verifier and by
//! [`crate::sign`], so signing and verifying can never drift apart. The MAC, hex and base64
//! helpers and the shared comparison loop (`MacCheck`) live in this file, once.
//!
//! A failed check says why in terms a person can act on: the header that is missing, how the
//! secret was turned into a key, the first characters of the expected and received signatures,
//! the timestamp skew, and — when recomputing shows it — the likely mistake (a secret with a
//! stray newline, a Stripe secret used the Svix way, a re-serialised JSON body, a URL variant).
//! Reasons never contain a secret.

pub(crate) mod discord;
pub mod generic;
pub(crate) mod github;
pub(crate) mod gitlab;
pub mod handshake;
pub(crate) mod intercom;
pub(crate) mod linear;
pub(crate) mod mailgun;
pub(crate) mod paddle;
pub(crate) mod shopify;
pub(crate) mod slack;
pub(crate) mod square;
pub(crate) mod standard_webhooks;
pub(crate) mod stripe;
pub(crate) mod twilio;
pub(crate) mod twitch;
pub(crate) mod zoom;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};

pub use generic::{Algorithm, Encoding, GenericScheme};

use crate::secret::{Secret, ct_eq};

/// A built-in webhook provider scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// GitHub: `X-Hub-Signature-256` (and legacy `X-Hub-Signature`).
    Github,
    /// Stripe: `Stripe-Signature: t=…,v1=…`.
    Stripe,
    /// Slack: `X-Slack-Signature: v0=…` with `X-Slack-Request-Timestamp`.
    Slack,
    /// Shopify: `X-Shopify-Hmac-Sha256` (base64).
    Shopify,
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    StandardWebhooks,
    /// Svix: `svix-*` headers (falling back to `webhook-*`), same algorithm as Standard Webhooks.
    Svix,
    /// Twilio: `X-Twilio-Signature` over the URL and sorted form parameters (HMAC-SHA1).
    Twilio,
    /// Square: `x-square-hmacsha256-signature` over notification URL and body.
    Square,
    /// Paddle Billing: `Paddle-Signature: ts=…;h1=…`.
    Paddle,
    /// Discord interactions: Ed25519 `X-Signature-Ed25519` with `X-Signature-Timestamp`.
    Discord,
    /// Zoom: `x-zm-signature: v0=…` with `x-zm-request-timestamp`.
    Zoom,
    /// Linear: `Linear-Signature` (hex), `webhookTimestamp` in the body.
    Linear,
    /// Twitch EventSub: `Twitch-Eventsub-Message-Signature` over id, timestamp and body.
    Twitch,
    /// Mailgun: signature inside the body (`signature.timestamp/token/signature`).
    Mailgun,
    /// GitLab: `X-Gitlab-Token`, the secret token itself.
    Gitlab,
    /// Intercom: `X-Hub-Signature: sha1=…`.
    Intercom,
}

impl Provider {
    /// Every built-in provider, in documentation order.
    pub const ALL: [Provider; 16] = [
        Provider::Github,
        Provider::Stripe,
        Provider::Slack,
        Provider::Shopify,
        Provider::StandardWebhooks,
        Provider::Svix,
        Provider::Twilio,
        Provider::Square,
        Provider::Paddle,
        Provider::Discord,
        Provider::Zoom,
        Provider::Linear,
        Provider::Twitch,
        Provider::Mailgun,
        Provider::Gitlab,
        Provider::Intercom,
    ];

    /// The kebab-case name used on the command line and in JSON (`standard-webhooks`, `github`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Github => "github",
            Provider::Stripe => "stripe",
            Provider::Slack => "slack",
            Provider::Shopify => "shopify",
            Provider::StandardWebhooks => "standard-webhooks",
            Provider::Svix => "svix",
            Provider::Twilio => "twilio",
            Provider::Square => "square",
            Provider::Paddle => "paddle",
            Provider::Discord => "discord",
            Provider::Zoom => "zoom",
            Provider::Linear => "linear",
            Provider::Twitch => "twitch",
            Provider::Mailgun => "mailgun",
            Provider::Gitlab => "gitlab",
            Provider::Intercom => "intercom",
        }
    }

    /// The replay window the provider (or its SDKs) use; `None` when the scheme has no timestamp
    /// or none is enforced.
    pub fn default_tolerance(self) -> Option<Duration> {
        let secs = match self {
            Provider::Stripe
            | Provider::Slack
            | Provider::StandardWebhooks
            | Provider::Svix
            // Zoom and Mailgun leave the window to the application; whisper uses 300 s, the
            // value of Zoom's samples and the common choice across the other providers.
            | Provider::Zoom
            | Provider::Mailgun => 300,
            Provider::Paddle => 5,
            Provider::Linear => 60,
            Provider::Twitch => 600,
            Provider::Github
            | Provider::Shopify
            | Provider::Twilio
            | Provider::Square
            | Provider::Discord
            | Provider::Gitlab
            | Provider::Intercom => return None,
        };
        Some(Duration::from_secs(secs))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name that is not one of [`Provider::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider `{name}`; expected one of: {}", Provider::ALL.map(Provider::as_str).join(", "))]
pub struct ParseProviderError {
    /// The name that was given.
    pub name: String,
}

impl FromStr for Provider {
    type Err = ParseProviderError;

    fn from_str(s: &str) -> Result<Provider, ParseProviderError> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ParseProviderError {
                name: s.to_string(),
            })
    }
}

/// A scheme chosen for a request: a built-in provider or a configured generic scheme (by name).
#[derive(Clone, Debug, PartialEq)]
pub enum Scheme {
    /// One of the built-in providers.
    Builtin(Provider),
    /// An in-house scheme from the configuration file.
    Generic(generic::GenericScheme),
}

impl Scheme {
    /// The provider name or the generic scheme's name (what `--secret NAME=…` uses).
    pub fn name(&self) -> &str {
        match self {
            Scheme::Builtin(p) => p.as_str(),
            Scheme::Generic(g) => &g.name,
        }
    }
}

/// A received (or to-be-checked) HTTP request, as raw as it came in.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The HTTP method (`POST`, `GET`, …).
    pub method: &'a str,
    /// Full URL the provider called (scheme, host, port, path, query) — needed by Twilio and Square; None when unknown.
    pub url: Option<&'a str>,
    /// Header names lowercase, values raw bytes, in received order, duplicates kept.
    pub headers: &'a [(String, bytes::Bytes)],
    /// The body bytes exactly as received.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The first value of a header (name matched case-insensitively).
    pub(crate) fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// Whether a header is present.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.header(name).is_some()
    }

    /// A header's first value as text; a non-UTF-8 value is an `invalid` outcome naming the header.
    pub(crate) fn text(&self, name: &str) -> Result<Option<&'a str>, Outcome> {
        match self.header(name) {
            None => Ok(None),
            Some(raw) => std::str::from_utf8(raw)
                .map(Some)
                .map_err(|_| Outcome::invalid(format!("{name} is not valid UTF-8"))),
        }
    }

    /// A header that must be there because the signature header is: missing means `invalid`.
    pub(crate) fn required(&self, name: &str, because: &str) -> Result<&'a str, Outcome> {
        self.text(name)?.ok_or_else(|| {
            Outcome::invalid(format!(
                "the request has {because} but no {name} header, which is part of the signed data"
            ))
        })
    }

    /// The signature header: missing means `unsigned`.
    pub(crate) fn signature(&self, name: &str) -> Result<&'a str, Outcome> {
        self.text(name)?
            .ok_or_else(|| Outcome::unsigned(format!("no {name} header")))
    }
}

/// How the replay window is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tolerance {
    /// The provider's own window ([`Provider::default_tolerance`], or the generic scheme's `tolerance`).
    ProviderDefault,
    /// No timestamp check at all.
    Disabled,
    /// This window, in both directions where the provider checks both.
    Window(Duration),
}

/// Verification settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// "Now" as unix seconds: the caller's clock, or `--now` to check a stored request as of then.
    pub now: i64,
    /// Which replay window applies.
    pub tolerance: Tolerance,
}

pub use crate::capture::{Verdict, Verification};

/// Which built-in provider (or configured generic scheme) a request looks like, from its headers (and for Mailgun its body).
///
/// Order matters where providers overlap:
/// * configured generic schemes come first: naming a header in the config is a deliberate choice;
/// * `svix-*` headers mean Svix; `webhook-*` alone means Standard Webhooks;
/// * `X-Gitlab-Token` means GitLab even when GitLab's Standard-Webhooks signing headers are also present
///   (the token is what GitLab users configure today);
/// * GitHub and Intercom both send `X-Hub-Signature: sha1=…`: any `X-GitHub-*` header or
///   `X-Hub-Signature-256` means GitHub (GitHub always sends `X-GitHub-Event` and `X-GitHub-Delivery`),
///   a bare `X-Hub-Signature` means Intercom;
/// * Mailgun is recognised last, by a `signature` object (or form fields) in the body.
pub fn detect(req: &Request, generic: &[generic::GenericScheme]) -> Option<Scheme> {
    if let Some(g) = generic.iter().find(|g| req.has(&g.header)) {
        return Some(Scheme::Generic(g.clone()));
    }
    let any = |names: &[&str]| names.iter().any(|n| req.has(n));
    let provider = if any(&["stripe-signature"]) {
        Provider::Stripe
    } else if any(&["x-github-event", "x-github-delivery", "x-hub-signature-256"]) {
        Provider::Github
    } else if any(&["x-slack-signature", "x-slack-request-timestamp"]) {
        Provider::Slack
    } else if any(&["x-shopify-hmac-sha256", "shopify-hmac-sha256"]) {
        Provider::Shopify
    } else if any(&["svix-signature", "svix-id"]) {
        Provider::Svix
    } else if any(&["x-gitlab-token", "x-gitlab-event"]) {
        Provider::Gitlab
    } else if any(&["webhook-signature", "webhook-id"]) {
        Provider::StandardWebhooks
    } else if any(&["x-twilio-signature"]) {
        Provider::Twilio
    } else if any(&["x-square-hmacsha256-signature", "x-square-signature"]) {
        Provider::Square
    } else if any(&["paddle-signature"]) {
        Provider::Paddle
    } else if any(&["x-signature-ed25519"]) {
        Provider::Discord
    } else if any(&["x-zm-signature", "x-zm-request-timestamp"]) {
        Provider::Zoom
    } else if any(&["linear-signature", "linear-delivery"]) {
        Provider::Linear
    } else if any(&[
        "twitch-eventsub-message-signature",
        "twitch-eventsub-message-id",
    ]) {
        Provider::Twitch
    } else if any(&["x-hub-signature"]) {
        Provider::Intercom
    } else if mailgun::carries_signature(req.body) {
        Provider::Mailgun
    } else {
        return None;
    };
    Some(Scheme::Builtin(provider))
}

/// Verify with every secret given (any one may match: rotation). Never panics.
pub fn verify(scheme: &Scheme, req: &Request, secrets: &[Secret], opts: &Options) -> Verification {
    let name = scheme.name().to_string();
    if secrets.is_empty() {
        return Verification {
            reason: Some(format!(
                "no secret configured for {name}; pass --secret {name}=…"
            )),
            provider: Some(name),
            verdict: Verdict::Unknown,
        };
    }
    let result = match scheme {
        Scheme::Builtin(p) => {
            let tol = resolve_tolerance(opts.tolerance, p.default_tolerance());
            match p {
                Provider::Github => github::verify(req, secrets),
                Provider::Stripe => stripe::verify(req, secrets, opts.now, tol),
                Provider::Slack => slack::verify(req, secrets, opts.now, tol),
                Provider::Shopify => shopify::verify(req, secrets),
                Provider::StandardWebhooks => standard_webhooks::verify(
                    standard_webhooks::Flavour::Standard,
                    req,
                    secrets,
                    opts.now,
                    tol,
                ),
                Provider::Svix => standard_webhooks::verify(
                    standard_webhooks::Flavour::Svix,
                    req,
                    secrets,
                    opts.now,
                    tol,
                ),
                Provider::Twilio => twilio::verify(req, secrets),
                Provider::Square => square::verify(req, secrets),
                Provider::Paddle => paddle::verify(req, secrets, opts.now, tol),
                Provider::Discord => discord::verify(req, secrets, opts.now, tol),
                Provider::Zoom => zoom::verify(req, secrets, opts.now, tol),
                Provider::Linear => linear::verify(req, secrets, opts.now, tol),
                Provider::Twitch => twitch::verify(req, secrets, opts.now, tol),
                Provider::Mailgun => mailgun::verify(req, secrets, opts.now, tol),
                Provider::Gitlab => gitlab::verify(req, secrets),
                Provider::Intercom => intercom::verify(req, secrets),
            }
        }
        Scheme::Generic(g) => {
            let tol = resolve_tolerance(opts.tolerance, g.tolerance.map(Duration::from_secs));
            generic::verify(g, req, secrets, opts.now, tol)
        }
    };
    let outcome = result.unwrap_or_else(|early| early);
    Verification {
        provider: Some(name),
        verdict: outcome.verdict,
        reason: outcome.reason,
    }
}

fn resolve_tolerance(t: Tolerance, default: Option<Duration>) -> Option<Duration> {
    match t {
        Tolerance::ProviderDefault => default,
        Tolerance::Disabled => None,
        Tolerance::Window(d) => Some(d),
    }
}

/// A verdict and its reason, before the scheme name is attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) verdict: Verdict,
    pub(crate) reason: Option<String>,
}

impl Outcome {
    pub(crate) fn valid() -> Outcome {
        Outcome {
            verdict: Verdict::Valid,
            reason: None,
        }
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Outcome {
        Outcome {
            verdict: Verdict::Invalid,
            reason: Some(reason.into()),
        }
    }

    pub(crate) fn unsigned(reason: impl Into<String>) -> Outcome {
        Outcome {
            verdict: Verdict::Unsigned,
            reason: Some(reason.into()),
        }
    }

    pub(crate) fn expired(reason: impl Into<String>) -> Outcome {
        Outcome {
            verdict: Verdict::Expired,
            reason: Some(reason.into()),
        }
    }
}

/// A provider check: `Err` carries an early verdict (missing or malformed header), `Ok` the final one.
// Both arms hold an `Outcome` so that `?` can short-circuit on the first problem found.
pub(crate) type Check = Result<Outcome, Outcome>;

// ---------------------------------------------------------------------------------------------
// MAC, hash and encoding helpers: the only copies in the crate.

fn mac<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    match <M as KeyInit>::new_from_slice(key) {
        Ok(mut m) => {
            for part in parts {
                m.update(part);
            }
            m.finalize().into_bytes().to_vec()
        }
        // HMAC accepts keys of any length, so this arm cannot happen; an empty MAC matches nothing.
        Err(_) => Vec::new(),
    }
}

/// HMAC-SHA1 over the concatenation of `parts`.
pub(crate) fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    mac::<Hmac<sha1::Sha1>>(key, parts)
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    mac::<Hmac<sha2::Sha256>>(key, parts)
}

/// HMAC-SHA512 over the concatenation of `parts`.
pub(crate) fn hmac_sha512(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    mac::<Hmac<sha2::Sha512>>(key, parts)
}

/// Plain SHA-256 (Twilio's `bodySHA256`).
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).to_vec()
}

/// SHA-256 of `data` as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha256(data))
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Hex to bytes, either case; `None` on odd length or a non-hex character.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// Standard base64 with padding, as every base64 provider emits it.
pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// Lenient on input the way the Python and JS reference libraries are: padding optional,
// non-zero trailing bits allowed (the Svix canonical test secret needs both).
const LENIENT_B64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Standard-alphabet base64 to bytes, padding optional, trailing bits allowed.
pub(crate) fn unb64(text: &str) -> Option<Vec<u8>> {
    LENIENT_B64.decode(text).ok()
}

// ---------------------------------------------------------------------------------------------
// Timestamps.

/// Parses canonical decimal unix seconds (`0` or digits without a leading zero); anything else is
/// an `invalid` outcome, because SDKs re-format the number before signing and `0123` would be
/// signed as `123` by one side and as `0123` by the other.
pub(crate) fn parse_unix_seconds(text: &str, field: &str) -> Result<i64, Outcome> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    let parsed = if canonical {
        text.parse::<i64>().ok()
    } else {
        None
    };
    parsed.ok_or_else(|| {
        Outcome::invalid(format!(
            "{field} {} is not canonical decimal unix seconds",
            preview(text)
        ))
    })
}

/// A timestamp that must fall within the tolerance once the signature matched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimeCheck {
    /// Unix seconds.
    pub(crate) ts: i64,
    /// Only too-old timestamps are rejected (Stripe, Paddle, Twitch); otherwise both directions.
    pub(crate) past_only: bool,
    /// What the timestamp is called in reasons.
    pub(crate) label: &'static str,
}

impl TimeCheck {
    pub(crate) fn new(ts: i64, past_only: bool) -> TimeCheck {
        TimeCheck {
            ts,
            past_only,
            label: "timestamp",
        }
    }

    /// `Err` describes the skew, e.g. "timestamp is 412 s old, tolerance 300 s".
    pub(crate) fn check(&self, now: i64, tolerance: Option<Duration>) -> Result<(), String> {
        let Some(tolerance) = tolerance else {
            return Ok(());
        };
        let tol = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
        let age = now.saturating_sub(self.ts);
        if age > tol {
            return Err(format!("{} is {age} s old, tolerance {tol} s", self.label));
        }
        let ahead = self.ts.saturating_sub(now);
        if !self.past_only && ahead > tol {
            return Err(format!(
                "{} is {ahead} s in the future, tolerance {tol} s",
                self.label
            ));
        }
        Ok(())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an RFC 3339 timestamp (`2019-11-16T10:11:12.634234626Z`, offsets allowed) to unix seconds.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if *sign == b'+' { off } else { -off }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Formats unix seconds as RFC 3339 UTC with `fraction` appended after the seconds
/// (e.g. `".000000000"` for Twitch, `""` for none); `None` outside years 1–9999.
pub(crate) fn format_rfc3339(secs: i64, fraction: &str) -> Option<String> {
    // 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z
    if !(-62_135_596_800..=253_402_300_799).contains(&secs) {
        return None;
    }
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

// ---------------------------------------------------------------------------------------------
// Bodies and URLs.

/// Whether a body reads as `application/x-www-form-urlencoded` (and not as JSON): non-empty,
/// `key=value` pairs joined by `&`, only characters a form encoder emits.
pub(crate) fn looks_like_form(body: &[u8]) -> bool {
    if body.is_empty() || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        return false;
    }
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || b"-._~%+=*!'()/:,;@$?[]|^".contains(b);
    body.split(|b| *b == b'&').all(|pair| {
        pair.iter().all(allowed)
            && pair
                .iter()
                .position(|b| *b == b'=')
                .is_some_and(|eq| eq > 0)
    })
}

/// The parts of a URL that port and scheme variants change.
struct UrlParts<'u> {
    scheme: &'u str,
    /// Userinfo and host, without the port.
    host: &'u str,
    port: Option<&'u str>,
    /// Path, query and anything after.
    rest: &'u str,
}

fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let hostport = &authority[host_start..];
    let (host_len, port) = match hostport.rfind(':') {
        Some(colon) if !hostport[colon..].contains(']') => {
            (host_start + colon, Some(&hostport[colon + 1..]))
        }
        _ => (authority.len(), None),
    };
    Some(UrlParts {
        scheme,
        host: &authority[..host_len],
        port,
        rest,
    })
}

/// The URLs a Twilio-style verifier accepts for `url`: as given, then with its port removed or
/// with the scheme's default port added (twilio-python's `remove_port` / `add_port`).
pub(crate) fn url_port_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    if let Some(p) = split_url(url) {
        match p.port {
            Some(_) => out.push(format!("{}://{}{}", p.scheme, p.host, p.rest)),
            None => {
                let default = match p.scheme.to_ascii_lowercase().as_str() {
                    "https" => Some("443"),
                    "http" => Some("80"),
                    _ => None,
                };
                if let Some(port) = default {
                    out.push(format!("{}://{}:{port}{}", p.scheme, p.host, p.rest));
                }
            }
        }
    }
    out
}

/// `url` with `http` and `https` swapped (the port is dropped when it was that scheme's default),
/// and a description for hints.
pub(crate) fn url_scheme_swapped(url: &str) -> Option<(String, &'static str)> {
    let p = split_url(url)?;
    let (other, desc, old_default) = match p.scheme.to_ascii_lowercase().as_str() {
        "https" => ("http", "http instead of https", "443"),
        "http" => ("https", "https instead of http", "80"),
        _ => return None,
    };
    let port = match p.port {
        Some(port) if port != old_default => format!(":{port}"),
        _ => String::new(),
    };
    Some((format!("{other}://{}{port}{}", p.host, p.rest), desc))
}

/// Re-serialisations of a JSON body a sender might have signed instead of the bytes it sent:
/// whitespace removed (key order kept, like `JSON.stringify(JSON.parse(…))` on most bodies),
/// serde's compact form (keys sorted, escapes normalised) and its pretty form.
/// Only variants that differ from `body` are returned.
fn json_reserialisations(body: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let mut out: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut push = |label, bytes: Vec<u8>| {
        if bytes != body && !out.iter().any(|(_, b)| *b == bytes) {
            out.push((label, bytes));
        }
    };
    push("compact", strip_json_whitespace(body));
    if let Ok(bytes) = serde_json::to_vec(&value) {
        push("compact with sorted keys", bytes);
    }
    if let Ok(bytes) = serde_json::to_vec_pretty(&value) {
        push("pretty-printed", bytes);
    }
    out
}

/// Removes insignificant whitespace from (valid) JSON, leaving strings untouched.
fn strip_json_whitespace(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in body {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            out.push(b);
        }
    }
    out
}

/// The first 12 characters of a signature (or other request text) for a reason, control
/// characters escaped, `…` when cut.
pub(crate) fn preview(text: &str) -> String {
    if text.is_empty() {
        return "(empty)".to_string();
    }
    let mut out: String = text
        .chars()
        .take(12)
        .flat_map(|c| {
            let keep = !c.is_control();
            let escaped: Vec<char> = if keep {
                vec![c]
            } else {
                c.escape_default().collect()
            };
            escaped
        })
        .collect();
    if text.chars().nth(12).is_some() {
        out.push('…');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The shared MAC check.

/// How a provider turns the configured secret string into MAC key bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyForm {
    /// The secret's UTF-8 bytes, prefix and all (Stripe, Paddle, Square, most others).
    Literal,
    /// Standard Webhooks / Svix: an optional `whsec_` prefix stripped, the rest base64-decoded leniently.
    WhsecBase64,
}

impl KeyForm {
    pub(crate) fn key(self, secret: &str) -> Option<Vec<u8>> {
        match self {
            KeyForm::Literal => Some(secret.as_bytes().to_vec()),
            KeyForm::WhsecBase64 => {
                let key = unb64(secret.strip_prefix("whsec_").unwrap_or(secret))?;
                (!key.is_empty()).then_some(key)
            }
        }
    }
}

/// "Expected signature from key bytes and body bytes": each provider's compute function.
pub(crate) type MacFn<'f> = dyn Fn(&[u8], &[u8]) -> Vec<u8> + 'f;

/// A boxed "expected signature from key bytes" function (a variant of the signed input).
pub(crate) type KeyedFn<'a> = Box<dyn Fn(&[u8]) -> Vec<u8> + 'a>;

/// Everything [`MacCheck::run`] needs to compare a request's signature(s) against the secrets.
pub(crate) struct MacCheck<'a> {
    /// Where the signature was found (header name or body field), for reasons.
    pub(crate) field: &'a str,
    /// Every signature the request carries for the scheme, decoded (empty when undecodable).
    pub(crate) received: Vec<Vec<u8>>,
    /// The first received signature as sent (after any prefix), for reasons.
    pub(crate) received_text: &'a str,
    /// How secrets become keys.
    pub(crate) key_form: KeyForm,
    /// How the secret was used, in words, for reasons.
    pub(crate) key_note: &'a str,
    /// How signatures are written on the wire.
    pub(crate) encoding: Encoding,
    /// Expected signature bytes from key bytes and body (providers whose body is not signed ignore it).
    pub(crate) compute: &'a MacFn<'a>,
    /// The body, when it is signed: enables the re-serialised-JSON hint.
    pub(crate) body: Option<&'a [u8]>,
    /// Other signed inputs that count as a match too (Twilio's URL port variants).
    pub(crate) accepted: Vec<KeyedFn<'a>>,
    /// Signed inputs that do not count, but explain a mismatch when they match (hint text first).
    pub(crate) hints: Vec<(String, KeyedFn<'a>)>,
    /// The timestamp to check once the signature matched.
    pub(crate) time: Option<TimeCheck>,
}

impl<'a> MacCheck<'a> {
    pub(crate) fn new(
        field: &'a str,
        received: Vec<Vec<u8>>,
        received_text: &'a str,
        encoding: Encoding,
        compute: &'a MacFn<'a>,
    ) -> MacCheck<'a> {
        MacCheck {
            field,
            received,
            received_text,
            key_form: KeyForm::Literal,
            key_note: "secret used literally as UTF-8",
            encoding,
            compute,
            body: None,
            accepted: Vec::new(),
            hints: Vec::new(),
            time: None,
        }
    }

    /// One received signature in `encoding` (undecodable text becomes an empty candidate).
    pub(crate) fn single(
        field: &'a str,
        text: &'a str,
        encoding: Encoding,
        compute: &'a MacFn<'a>,
    ) -> MacCheck<'a> {
        MacCheck::list(field, &[text], encoding, compute)
    }

    /// Several received signatures in `encoding`, any of which may match
    /// (rotation); undecodable ones become empty candidates, and the first is
    /// the one quoted in reasons.
    pub(crate) fn list(
        field: &'a str,
        texts: &[&'a str],
        encoding: Encoding,
        compute: &'a MacFn<'a>,
    ) -> MacCheck<'a> {
        let received = texts
            .iter()
            .map(|t| encoding.decode(t).unwrap_or_default())
            .collect();
        let first = texts.first().copied().unwrap_or_default();
        MacCheck::new(field, received, first, encoding, compute)
    }

    /// Runs the check against every secret: valid, expired, or invalid with a reason and hints.
    pub(crate) fn run(&self, secrets: &[Secret], now: i64, tolerance: Option<Duration>) -> Outcome {
        if self.received.iter().all(Vec::is_empty) {
            return Outcome::invalid(format!(
                "{} is not valid {}: received {}",
                self.field,
                self.encoding.describe(),
                preview(self.received_text)
            ));
        }
        let keys: Vec<Vec<u8>> = secrets
            .iter()
            .filter_map(|s| self.key_form.key(s.expose()))
            .collect();
        let unusable = secrets.len() - keys.len();
        let body = self.body.unwrap_or_default();
        let Some(first_key) = keys.first() else {
            let mut reason = format!(
                "no configured secret could be used as a key ({}); give the secret exactly as the provider shows it",
                self.key_note
            );
            for hint in self.hints(secrets, body) {
                reason.push_str("; hint: ");
                reason.push_str(&hint);
            }
            return Outcome::invalid(reason);
        };
        if keys.iter().any(|key| self.matches_key(key, body)) {
            return match self.time.map(|t| t.check(now, tolerance)) {
                Some(Err(skew)) => Outcome::expired(format!("signature is right but the {skew}")),
                _ => Outcome::valid(),
            };
        }
        let expected = self.encoding.encode(&(self.compute)(first_key, body));
        let tried = keys.len();
        let mut reason = format!(
            "{} does not match: expected {}, received {} ({}; {tried} secret{} tried)",
            self.field,
            preview(&expected),
            preview(self.received_text),
            self.key_note,
            if tried == 1 { "" } else { "s" },
        );
        if unusable > 0 {
            reason.push_str(&format!(
                "; {unusable} secret(s) skipped: not valid base64 after the whsec_ prefix"
            ));
        }
        for hint in self.hints(secrets, body) {
            reason.push_str("; hint: ");
            reason.push_str(&hint);
        }
        if let Some(Err(skew)) = self.time.map(|t| t.check(now, tolerance)) {
            reason.push_str("; also, the ");
            reason.push_str(&skew);
        }
        Outcome::invalid(reason)
    }

    fn matches(&self, mac: &[u8]) -> bool {
        // Every candidate is compared, without stopping early, so timing does not tell which matched.
        self.received
            .iter()
            .fold(false, |found, candidate| ct_eq(candidate, mac) | found)
    }

    fn matches_key(&self, key: &[u8], body: &[u8]) -> bool {
        self.matches(&(self.compute)(key, body))
            || self.accepted.iter().any(|f| self.matches(&f(key)))
    }

    /// Recomputes with the usual mistakes to explain a mismatch; only what actually matches is said.
    fn hints(&self, secrets: &[Secret], body: &[u8]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |hint: String| {
            if !out.contains(&hint) {
                out.push(hint);
            }
        };
        for secret in secrets {
            let s = secret.expose();
            let with_key = |text: &str, form: KeyForm| {
                form.key(text)
                    .is_some_and(|key| self.matches_key(&key, body))
            };
            let trimmed = s.trim();
            if trimmed != s && with_key(trimmed, self.key_form) {
                add("the configured secret has leading or trailing whitespace (a newline from a file?); the signature matches it without".to_string());
            }
            if with_key(&format!("{s}\n"), self.key_form) {
                add("the signature matches the secret with a trailing newline: the sender's copy of the secret has a stray newline".to_string());
            }
            match self.key_form {
                KeyForm::Literal if with_key(s, KeyForm::WhsecBase64) => add(
                    "the signature matches the secret with whsec_ stripped and base64-decoded (the Standard Webhooks/Svix key form); this scheme uses the secret literally".to_string(),
                ),
                KeyForm::WhsecBase64 if with_key(s, KeyForm::Literal) => add(
                    "the signature matches the secret used literally as UTF-8 (the Stripe key form); Standard Webhooks/Svix strip whsec_ and base64-decode it".to_string(),
                ),
                _ => {}
            }
            let Some(key) = self.key_form.key(s) else {
                continue;
            };
            if let Some(signed_body) = self.body {
                for (label, alt) in json_reserialisations(signed_body) {
                    if self.matches(&(self.compute)(&key, &alt)) {
                        add(format!(
                            "the signature matches the JSON body re-serialised ({label}), not the bytes received: the sender signed a different serialisation than it sent, or something in between re-formatted the body"
                        ));
                    }
                }
            }
            for (hint, f) in &self.hints {
                if self.matches(&f(&key)) {
                    add(hint.clone());
                }
            }
        }
        out
    }
}

/// Strips a required prefix (`sha256=`, `v0=`) from a signature header value.
pub(crate) fn strip_required<'v>(
    value: &'v str,
    prefix: &str,
    field: &str,
) -> Result<&'v str, Outcome> {
    value.strip_prefix(prefix).ok_or_else(|| {
        Outcome::invalid(format!(
            "{field} must start with {prefix}: received {}",
            preview(value)
        ))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::sign::{SignInput, Signed, resign, sign};
    use bytes::Bytes;
    use proptest::prelude::*;

    const NOW: i64 = 1_700_000_000;

    fn secrets(list: &[&str]) -> Vec<Secret> {
        list.iter().map(|s| Secret::new(s.to_string())).collect()
    }

    fn owned_headers(list: &[(&str, &str)]) -> Vec<(String, Bytes)> {
        list.iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), Bytes::copy_from_slice(v.as_bytes())))
            .collect()
    }

    /// Signs `body` for a built-in provider with one secret, at `timestamp` (default `NOW`).
    pub(crate) fn sign_one(
        provider: Provider,
        secret: &str,
        body: &[u8],
        url: Option<&str>,
        timestamp: Option<i64>,
    ) -> Signed {
        let scheme = Scheme::Builtin(provider);
        let secrets = secrets(&[secret]);
        sign(&SignInput {
            scheme: &scheme,
            secrets: &secrets,
            body,
            timestamp,
            id: None,
            url,
            content_type: None,
            now: NOW,
        })
        .unwrap()
    }

    /// Verifies with every given secret, at `now`.
    pub(crate) fn verify_at(
        provider: Provider,
        secret_list: &[&str],
        headers: &[(&str, &str)],
        body: &[u8],
        url: Option<&str>,
        now: i64,
        tolerance: Tolerance,
    ) -> Verification {
        let headers = owned_headers(headers);
        let req = Request {
            method: "POST",
            url,
            headers: &headers,
            body,
        };
        verify(
            &Scheme::Builtin(provider),
            &req,
            &secrets(secret_list),
            &Options { now, tolerance },
        )
    }

    /// Verifies with one secret and no timestamp check (for fixed vectors).
    pub(crate) fn verify_headers(
        provider: Provider,
        secret: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Verification {
        verify_at(
            provider,
            &[secret],
            headers,
            body,
            None,
            0,
            Tolerance::Disabled,
        )
    }

    fn acme() -> GenericScheme {
        GenericScheme {
            name: "acme".to_string(),
            header: "X-Acme-Signature".to_string(),
            algorithm: Algorithm::Sha256,
            encoding: Encoding::Hex,
            prefix: Some("sha256=".to_string()),
            timestamp_header: Some("X-Acme-Timestamp".to_string()),
            template: "{timestamp}.{body}".to_string(),
            id_header: Some("X-Acme-Id".to_string()),
            tolerance: Some(300),
        }
    }

    fn blob() -> GenericScheme {
        GenericScheme {
            name: "blob".to_string(),
            header: "X-Blob-Mac".to_string(),
            algorithm: Algorithm::Sha512,
            encoding: Encoding::Base64,
            prefix: None,
            timestamp_header: None,
            template: "{method} {url}\n{id}\n{body}".to_string(),
            id_header: Some("X-Blob-Id".to_string()),
            tolerance: None,
        }
    }

    /// Where a value to tamper with lives in a signed request.
    #[derive(Clone, Copy)]
    enum Loc {
        /// A whole header value.
        Header(&'static str),
        /// Inside a header value, right after a marker (`t=` in Stripe-Signature).
        HeaderAfter(&'static str, &'static str),
        /// Inside the body, right after a marker.
        Body(&'static str),
    }

    struct Case {
        scheme: Scheme,
        sign_secret: &'static str,
        other_sign_secret: &'static str,
        verify_secret: String,
        other_verify_secret: String,
        url: Option<&'static str>,
        body: fn(i64) -> Vec<u8>,
        sig: Loc,
        ts: Option<Loc>,
        body_signed: bool,
        /// The tolerance under which an old timestamp must be `expired` (None: no timestamp).
        expiry: Option<Tolerance>,
    }

    const SEED_A: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const SEED_B: &str = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";

    fn json_body(_: i64) -> Vec<u8> {
        br#"{"id":"evt_1","type":"thing.happened","data":{"n":1}}"#.to_vec()
    }
    fn form_body(_: i64) -> Vec<u8> {
        b"CallSid=CA1&From=%2B14158675310&Digits=1234&Digits=5678".to_vec()
    }
    fn linear_body(ts: i64) -> Vec<u8> {
        format!(
            r#"{{"type":"Issue","action":"create","webhookTimestamp":{}}}"#,
            ts * 1000
        )
        .into_bytes()
    }
    fn mailgun_body(_: i64) -> Vec<u8> {
        br#"{"event-data":{"event":"delivered","id":"x"}}"#.to_vec()
    }

    fn cases() -> Vec<Case> {
        let builtin = |p: Provider, secret: &'static str, other: &'static str| Case {
            scheme: Scheme::Builtin(p),
            sign_secret: secret,
            other_sign_secret: other,
            verify_secret: secret.to_string(),
            other_verify_secret: other.to_string(),
            url: None,
            body: json_body,
            sig: Loc::Header("x-hub-signature-256"),
            ts: None,
            body_signed: true,
            expiry: None,
        };
        let d = Tolerance::ProviderDefault;
        let hex_secret = "sk_live_0123456789abcdefSECRET";
        let hex_other = "sk_live_otherotherotherOTHER";
        vec![
            builtin(Provider::Github, hex_secret, hex_other),
            Case {
                sig: Loc::HeaderAfter("stripe-signature", "v1="),
                ts: Some(Loc::HeaderAfter("stripe-signature", "t=")),
                expiry: Some(d),
                ..builtin(
                    Provider::Stripe,
                    "whsec_stripeSecretValue123",
                    "whsec_stripeOtherValue456",
                )
            },
            Case {
                sig: Loc::Header("x-slack-signature"),
                ts: Some(Loc::Header("x-slack-request-timestamp")),
                expiry: Some(d),
                body: form_body,
                ..builtin(
                    Provider::Slack,
                    "8f742231b10e8888abcd99yyyzzz85a5",
                    "slackother0000000000000000000000",
                )
            },
            Case {
                sig: Loc::Header("x-shopify-hmac-sha256"),
                ..builtin(
                    Provider::Shopify,
                    "shpss_shopifysecretvalue",
                    "shpss_shopifyothervalue",
                )
            },
            Case {
                sig: Loc::Header("webhook-signature"),
                ts: Some(Loc::Header("webhook-timestamp")),
                expiry: Some(d),
                ..builtin(
                    Provider::StandardWebhooks,
                    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "whsec_c2Vjb25kIHNlY3JldCBrZXkgYnl0ZXM=",
                )
            },
            Case {
                sig: Loc::Header("svix-signature"),
                ts: Some(Loc::Header("svix-timestamp")),
                expiry: Some(d),
                ..builtin(
                    Provider::Svix,
                    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "whsec_c2Vjb25kIHNlY3JldCBrZXkgYnl0ZXM=",
                )
            },
            Case {
                sig: Loc::Header("x-twilio-signature"),
                url: Some("https://example.com:8443/twilio?x=1"),
                body: form_body,
                ..builtin(
                    Provider::Twilio,
                    "twilioAuthToken12345",
                    "twilioAuthTokenOther",
                )
            },
            Case {
                sig: Loc::Header("x-twilio-signature"),
                url: Some("https://example.com/twilio-json"),
                ..builtin(
                    Provider::Twilio,
                    "twilioAuthToken12345",
                    "twilioAuthTokenOther",
                )
            },
            Case {
                sig: Loc::Header("x-square-hmacsha256-signature"),
                url: Some("https://example.com/square"),
                ..builtin(
                    Provider::Square,
                    "Ibxx_5AKakO-3qeNVR61Dw",
                    "MCmhFRxGX82xMwg5FsaoQA",
                )
            },
            Case {
                sig: Loc::HeaderAfter("paddle-signature", "h1="),
                ts: Some(Loc::HeaderAfter("paddle-signature", "ts=")),
                expiry: Some(d),
                ..builtin(
                    Provider::Paddle,
                    "pdl_ntfset_01hs0t_GrOWLNef+vmt",
                    "pdl_ntfset_01other_Other+key",
                )
            },
            Case {
                verify_secret: crate::sign::discord_public_key(SEED_A).unwrap(),
                other_verify_secret: crate::sign::discord_public_key(SEED_B).unwrap(),
                sig: Loc::Header("x-signature-ed25519"),
                ts: Some(Loc::Header("x-signature-timestamp")),
                expiry: Some(Tolerance::Window(Duration::from_secs(300))),
                ..builtin(Provider::Discord, SEED_A, SEED_B)
            },
            Case {
                sig: Loc::Header("x-zm-signature"),
                ts: Some(Loc::Header("x-zm-request-timestamp")),
                expiry: Some(d),
                ..builtin(Provider::Zoom, "zoomSecretToken123", "zoomOtherToken456")
            },
            Case {
                sig: Loc::Header("linear-signature"),
                ts: Some(Loc::Body("\"webhookTimestamp\":")),
                expiry: Some(d),
                body: linear_body,
                ..builtin(
                    Provider::Linear,
                    "lin_wh_linearsecret",
                    "lin_wh_linearother",
                )
            },
            Case {
                sig: Loc::Header("twitch-eventsub-message-signature"),
                ts: Some(Loc::Header("twitch-eventsub-message-timestamp")),
                expiry: Some(d),
                ..builtin(
                    Provider::Twitch,
                    "twitchSubscriptionSecret",
                    "twitchOtherSecret1",
                )
            },
            Case {
                sig: Loc::Body("\"signature\":\""),
                ts: Some(Loc::Body("\"timestamp\":\"")),
                expiry: Some(d),
                body: mailgun_body,
                body_signed: false,
                ..builtin(
                    Provider::Mailgun,
                    "key-mailgunsigningkey",
                    "key-mailgunotherkey",
                )
            },
            Case {
                sig: Loc::Header("x-gitlab-token"),
                body_signed: false,
                ..builtin(
                    Provider::Gitlab,
                    "glpat-tokenvalue-123",
                    "glpat-othervalue-456",
                )
            },
            Case {
                sig: Loc::Header("x-hub-signature"),
                ..builtin(
                    Provider::Intercom,
                    "intercomClientSecret",
                    "intercomOtherSecret",
                )
            },
            Case {
                scheme: Scheme::Generic(acme()),
                sig: Loc::HeaderAfter("x-acme-signature", "sha256="),
                ts: Some(Loc::Header("x-acme-timestamp")),
                expiry: Some(d),
                ..builtin(Provider::Github, "acmeSharedSecret", "acmeOtherSecret")
            },
            Case {
                scheme: Scheme::Generic(blob()),
                sig: Loc::Header("x-blob-mac"),
                url: Some("https://example.com/blob?q=1"),
                ..builtin(Provider::Github, "blobSharedSecret", "blobOtherSecret")
            },
        ]
    }

    fn signed_request(
        case: &Case,
        sign_secrets: &[&str],
        ts: i64,
    ) -> (Vec<(String, Bytes)>, Vec<u8>, Option<String>) {
        let body = (case.body)(ts);
        let secrets = secrets(sign_secrets);
        let signed = sign(&SignInput {
            scheme: &case.scheme,
            secrets: &secrets,
            body: &body,
            timestamp: Some(ts),
            id: None,
            url: case.url,
            content_type: None,
            now: NOW,
        })
        .unwrap();
        assert_eq!(signed.method, "POST");
        let headers = signed
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), Bytes::from(v.clone())))
            .collect();
        (
            headers,
            signed.body,
            signed.url.or(case.url.map(str::to_string)),
        )
    }

    fn check(
        case: &Case,
        headers: &[(String, Bytes)],
        body: &[u8],
        url: Option<&str>,
        verify_secrets: &[&str],
        tolerance: Tolerance,
    ) -> Verification {
        let req = Request {
            method: "POST",
            url,
            headers,
            body,
        };
        let v = verify(
            &case.scheme,
            &req,
            &secrets(verify_secrets),
            &Options {
                now: NOW,
                tolerance,
            },
        );
        // No reason ever carries a secret, whatever the verdict.
        if let Some(reason) = &v.reason {
            for s in [
                case.sign_secret,
                case.other_sign_secret,
                &case.verify_secret,
                &case.other_verify_secret,
            ] {
                assert!(
                    !reason.contains(s),
                    "{}: reason leaks a secret: {reason}",
                    case.scheme.name()
                );
            }
        }
        assert_eq!(v.provider.as_deref(), Some(case.scheme.name()));
        assert_eq!(v.reason.is_none(), v.verdict == Verdict::Valid, "{v:?}");
        v
    }

    /// Changes one character at `at` to another of the same class (digit, lowercase, uppercase).
    fn flip_char(text: &mut String, at: usize) {
        let c = text.as_bytes()[at];
        let new = match c {
            b'0'..=b'8' | b'a'..=b'y' | b'A'..=b'Y' => c + 1,
            b'9' => b'0',
            b'z' => b'a',
            b'Z' => b'A',
            b'+' | b'/' => b'A',
            other => panic!("unexpected character {other} to flip in {text}"),
        };
        text.replace_range(at..=at, std::str::from_utf8(&[new]).unwrap());
    }

    /// Tampers with the value at `loc`: `digits` flips the last digit of the run after the marker
    /// (timestamps), otherwise a character inside the value (signatures).
    fn tamper(headers: &mut [(String, Bytes)], body: &mut Vec<u8>, loc: Loc, digits: bool) {
        let edit = |text: &mut String, start: usize| {
            let rest = &text[start..];
            let at = if digits {
                // The last digit of the digit run (Twitch: the last nanosecond digit).
                let end = rest
                    .find(|c: char| {
                        !c.is_ascii_digit() && c != '-' && c != ':' && c != 'T' && c != '.'
                    })
                    .unwrap_or(rest.len());
                start + rest[..end].rfind(|c: char| c.is_ascii_digit()).unwrap()
            } else {
                let end = rest.find([',', ';', '"', ' ']).unwrap_or(rest.len());
                start + end.saturating_sub(5).max(1).min(end - 1)
            };
            flip_char(text, at);
        };
        match loc {
            Loc::Header(name) | Loc::HeaderAfter(name, _) => {
                let marker = if let Loc::HeaderAfter(_, m) = loc {
                    m
                } else {
                    ""
                };
                let (_, value) = headers.iter_mut().find(|(n, _)| n == name).unwrap();
                let mut text = String::from_utf8(value.to_vec()).unwrap();
                let start = text.find(marker).unwrap() + marker.len();
                // Skip a list entry's version (`v1,`).
                let start = if text[start..].starts_with("v1,") {
                    start + 3
                } else {
                    start
                };
                edit(&mut text, start);
                *value = Bytes::from(text);
            }
            Loc::Body(marker) => {
                let mut text = String::from_utf8(body.clone()).unwrap();
                let start = text.find(marker).unwrap() + marker.len();
                edit(&mut text, start);
                *body = text.into_bytes();
            }
        }
    }

    #[test]
    fn round_trip_every_scheme() {
        for case in cases() {
            let name = case.scheme.name().to_string();
            let (headers, body, url) = signed_request(&case, &[case.sign_secret], NOW);
            let url = url.as_deref();
            let ok = [case.verify_secret.as_str()];
            let v = check(&case, &headers, &body, url, &ok, Tolerance::ProviderDefault);
            assert_eq!(v.verdict, Verdict::Valid, "{name}: {v:?}");

            // Rotation: either position.
            for list in [
                [
                    case.other_verify_secret.as_str(),
                    case.verify_secret.as_str(),
                ],
                [
                    case.verify_secret.as_str(),
                    case.other_verify_secret.as_str(),
                ],
            ] {
                let v = check(
                    &case,
                    &headers,
                    &body,
                    url,
                    &list,
                    Tolerance::ProviderDefault,
                );
                assert_eq!(v.verdict, Verdict::Valid, "{name} rotation: {v:?}");
            }
            let v = check(
                &case,
                &headers,
                &body,
                url,
                &[&case.other_verify_secret],
                Tolerance::ProviderDefault,
            );
            assert_eq!(v.verdict, Verdict::Invalid, "{name} wrong secret: {v:?}");

            // A flipped byte in the body.
            if case.body_signed {
                let mut b = body.clone();
                let i = b.iter().position(|c| c.is_ascii_alphabetic()).unwrap();
                b[i] ^= 0x01;
                let v = check(&case, &headers, &b, url, &ok, Tolerance::ProviderDefault);
                assert_eq!(v.verdict, Verdict::Invalid, "{name} body: {v:?}");
            }
            // A flipped byte in the signature.
            let (mut h, mut b) = (headers.clone(), body.clone());
            tamper(&mut h, &mut b, case.sig, false);
            let v = check(&case, &h, &b, url, &ok, Tolerance::ProviderDefault);
            assert_eq!(v.verdict, Verdict::Invalid, "{name} signature: {v:?}");
            // A flipped digit in the timestamp; an old timestamp.
            if let Some(ts) = case.ts {
                let (mut h, mut b) = (headers.clone(), body.clone());
                tamper(&mut h, &mut b, ts, true);
                let v = check(&case, &h, &b, url, &ok, Tolerance::ProviderDefault);
                assert_eq!(v.verdict, Verdict::Invalid, "{name} timestamp: {v:?}");

                let (h, b, old_url) = signed_request(&case, &[case.sign_secret], NOW - 100_000);
                let tolerance = case.expiry.unwrap();
                let v = check(&case, &h, &b, old_url.as_deref(), &ok, tolerance);
                assert_eq!(v.verdict, Verdict::Expired, "{name} old: {v:?}");
                assert!(v.reason.unwrap().contains("100000 s old"), "{name}");
                let v = check(&case, &h, &b, old_url.as_deref(), &ok, Tolerance::Disabled);
                assert_eq!(v.verdict, Verdict::Valid, "{name} old, no tolerance: {v:?}");
            }
            // No signature.
            let (stripped, unsigned_body) = match case.sig {
                Loc::Header(n) | Loc::HeaderAfter(n, _) => {
                    // Every signature header goes (GitHub's legacy one would still verify).
                    let keep = |h: &str| h != n && !h.contains("signature");
                    (
                        headers
                            .iter()
                            .filter(|(h, _)| keep(h))
                            .cloned()
                            .collect::<Vec<_>>(),
                        body.clone(),
                    )
                }
                Loc::Body(_) => (headers.clone(), (case.body)(NOW)),
            };
            let v = check(
                &case,
                &stripped,
                &unsigned_body,
                url,
                &ok,
                Tolerance::ProviderDefault,
            );
            assert_eq!(v.verdict, Verdict::Unsigned, "{name} unsigned: {v:?}");
            // No secret.
            let v = check(&case, &headers, &body, url, &[], Tolerance::ProviderDefault);
            assert_eq!(v.verdict, Verdict::Unknown, "{name}");
            assert!(v.reason.unwrap().contains(&format!("--secret {name}=")));
        }
    }

    #[test]
    fn several_signatures_and_unknown_entries() {
        let body = json_body(0);
        for (provider, a, b, extra) in [
            (
                Provider::Stripe,
                "whsec_aaaaaaaaaaaa",
                "whsec_bbbbbbbbbbbb",
                ",v0=00ff,v2=abcd,scheme=x",
            ),
            (
                Provider::Paddle,
                "pdl_ntfset_aaaaaaaa",
                "pdl_ntfset_bbbbbbbb",
                ";h2=abcd;zz=1",
            ),
            (
                Provider::StandardWebhooks,
                "whsec_YWFhYWFhYWFhYWFhYWFhYWFhYWFh",
                "whsec_YmJiYmJiYmJiYmJiYmJiYmJiYmJi",
                " v2,AAAA v1a,BBBB",
            ),
            (
                Provider::Svix,
                "whsec_YWFhYWFhYWFhYWFhYWFhYWFhYWFh",
                "whsec_YmJiYmJiYmJiYmJiYmJiYmJiYmJi",
                " v2,AAAA",
            ),
        ] {
            let scheme = Scheme::Builtin(provider);
            let both = secrets(&[a, b]);
            let signed = sign(&SignInput {
                scheme: &scheme,
                secrets: &both,
                body: &body,
                timestamp: None,
                id: None,
                url: None,
                content_type: None,
                now: NOW,
            })
            .unwrap();
            let headers: Vec<(String, String)> = signed
                .headers
                .iter()
                .map(|(n, v)| {
                    let signature_header = n.to_ascii_lowercase().ends_with("signature");
                    (
                        n.to_ascii_lowercase(),
                        if signature_header {
                            format!("{v}{extra}")
                        } else {
                            v.clone()
                        },
                    )
                })
                .collect();
            let refs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            for one in [a, b] {
                let v = verify_at(
                    provider,
                    &[one],
                    &refs,
                    &body,
                    None,
                    NOW,
                    Tolerance::ProviderDefault,
                );
                assert_eq!(v.verdict, Verdict::Valid, "{provider} {v:?}");
            }
            let v = verify_at(
                provider,
                &["whsec_Y2NjY2NjY2NjY2NjY2Nj"],
                &refs,
                &body,
                None,
                NOW,
                Tolerance::ProviderDefault,
            );
            assert_eq!(v.verdict, Verdict::Invalid, "{provider}");
        }
        // Single-signature schemes refuse several secrets.
        let scheme = Scheme::Builtin(Provider::Github);
        let two = secrets(&["a", "b"]);
        let err = sign(&SignInput {
            scheme: &scheme,
            secrets: &two,
            body: b"",
            timestamp: None,
            id: None,
            url: None,
            content_type: None,
            now: NOW,
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("pass one --secret"), "{err}");
        let err = sign(&SignInput {
            scheme: &Scheme::Builtin(Provider::Square),
            secrets: &two[..1],
            body: b"",
            timestamp: None,
            id: None,
            url: None,
            content_type: None,
            now: NOW,
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("--url"), "{err}");
    }

    #[test]
    fn hints_for_common_mistakes() {
        let body = json_body(0);
        let ts = NOW.to_string();
        // A Stripe signature made with the secret decoded the Svix way.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let key = KeyForm::WhsecBase64.key(secret).unwrap();
        let header = format!("t={ts},v1={}", hex(&stripe::expected(&key, &ts, &body)));
        let v = verify_at(
            Provider::Stripe,
            &[secret],
            &[("stripe-signature", &header)],
            &body,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        let reason = v.reason.unwrap();
        assert!(
            reason.contains("Stripe secrets are used literally, whsec_ prefix included"),
            "{reason}"
        );
        assert!(
            reason.contains("Standard Webhooks/Svix key form"),
            "{reason}"
        );
        // A Svix signature made with the secret used literally.
        let sig = b64(&standard_webhooks::expected(
            secret.as_bytes(),
            "msg_1",
            &ts,
            &body,
        ));
        let headers = [
            ("svix-id", "msg_1"),
            ("svix-timestamp", ts.as_str()),
            ("svix-signature", &format!("v1,{sig}")),
        ];
        let v = verify_at(
            Provider::Svix,
            &[secret],
            &headers,
            &body,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        let reason = v.reason.unwrap();
        assert!(
            reason.contains("whsec_ stripped and base64-decoded"),
            "{reason}"
        );
        assert!(reason.contains("(the Stripe key form)"), "{reason}");
        // A Svix secret read from a file with a stray newline cannot even be decoded; the hint says why.
        let sig = b64(&standard_webhooks::expected(&key, "msg_1", &ts, &body));
        let headers = [
            ("svix-id", "msg_1"),
            ("svix-timestamp", ts.as_str()),
            ("svix-signature", &format!("v1,{sig}")),
        ];
        let v = verify_at(
            Provider::Svix,
            &[&format!("{secret}\n")],
            &headers,
            &body,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        let reason = v.reason.unwrap();
        assert!(
            reason.contains("no configured secret could be used")
                && reason.contains("leading or trailing whitespace"),
            "{reason}"
        );
        // A pretty-printed body whose signature was computed over the compact form.
        let pretty = b"{\n  \"id\": \"evt_1\",\n  \"n\": [1, 2]\n}";
        let compact = br#"{"id":"evt_1","n":[1,2]}"#;
        let sig = format!(
            "sha256={}",
            hex(&github::expected_sha256(b"ghsecret-value", compact))
        );
        let v = verify_at(
            Provider::Github,
            &["ghsecret-value"],
            &[("x-hub-signature-256", &sig)],
            pretty,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        let reason = v.reason.unwrap();
        assert!(reason.contains("re-serialised (compact)"), "{reason}");
        // A configured secret with a stray newline, and a sender whose secret had one.
        let sig = format!(
            "sha256={}",
            hex(&github::expected_sha256(b"ghsecret-value", &body))
        );
        let v = verify_at(
            Provider::Github,
            &["ghsecret-value\n"],
            &[("x-hub-signature-256", &sig)],
            &body,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        assert!(v.reason.unwrap().contains("leading or trailing whitespace"));
        let sig = format!(
            "sha256={}",
            hex(&github::expected_sha256(b"ghsecret-value\n", &body))
        );
        let v = verify_at(
            Provider::Github,
            &["ghsecret-value"],
            &[("x-hub-signature-256", &sig)],
            &body,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        assert!(v.reason.unwrap().contains("trailing newline"));
        // An unrelated mismatch gets no hint, and shows both prefixes.
        let v = verify_at(
            Provider::Github,
            &["ghsecret-value"],
            &[("x-hub-signature-256", "sha256=00112233445566778899")],
            &body,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        let reason = v.reason.unwrap();
        assert!(!reason.contains("hint"), "{reason}");
        assert!(reason.contains("received 001122334455…"), "{reason}");
        // Not hex at all.
        let v = verify_at(
            Provider::Github,
            &["ghsecret-value"],
            &[("x-hub-signature-256", "sha256=xyz")],
            &body,
            None,
            NOW,
            Tolerance::ProviderDefault,
        );
        assert!(v.reason.unwrap().contains("is not valid hex"));
    }

    #[test]
    fn resign_replaces_in_place() {
        let body = json_body(0);
        let captured = owned_headers(&[
            ("host", "localhost:7070"),
            ("stripe-signature", "t=1600000000,v1=00"),
            ("content-type", "application/json; charset=utf-8"),
            ("stripe-signature", "t=1,v1=11"),
        ]);
        let scheme = Scheme::Builtin(Provider::Stripe);
        let secret = secrets(&["whsec_resignsecret"]);
        let (headers, new_body) = resign(&scheme, &secret, &captured, &body, None, NOW).unwrap();
        assert_eq!(new_body, body);
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["host", "stripe-signature", "content-type"]);
        let req = Request {
            method: "POST",
            url: None,
            headers: &headers,
            body: &body,
        };
        let opts = Options {
            now: NOW,
            tolerance: Tolerance::ProviderDefault,
        };
        assert_eq!(
            verify(&scheme, &req, &secret, &opts).verdict,
            Verdict::Valid
        );

        // White-labelled Svix keeps its webhook-* names; mailgun rewrites the body.
        let captured = owned_headers(&[
            ("webhook-id", "msg_old"),
            ("webhook-timestamp", "1"),
            ("webhook-signature", "v1,AAAA"),
            ("x-other", "kept"),
        ]);
        let scheme = Scheme::Builtin(Provider::Svix);
        let secret = secrets(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
        let (headers, _) = resign(&scheme, &secret, &captured, &body, None, NOW).unwrap();
        assert_eq!(headers.len(), 4);
        assert!(headers.iter().all(|(n, _)| !n.starts_with("svix-")));
        assert_ne!(headers[0].1, Bytes::from_static(b"msg_old"));
        let req = Request {
            method: "POST",
            url: None,
            headers: &headers,
            body: &body,
        };
        assert_eq!(
            verify(&scheme, &req, &secret, &opts).verdict,
            Verdict::Valid
        );

        let scheme = Scheme::Builtin(Provider::Mailgun);
        let secret = secrets(&["key-mailgun"]);
        let old =
            br#"{"signature":{"timestamp":"1","token":"t","signature":"00"},"event-data":{}}"#;
        let (headers, new_body) = resign(&scheme, &secret, &[], old, None, NOW).unwrap();
        assert!(headers.is_empty());
        let req = Request {
            method: "POST",
            url: None,
            headers: &headers,
            body: &new_body,
        };
        assert_eq!(
            verify(&scheme, &req, &secret, &opts).verdict,
            Verdict::Valid
        );
        assert!(
            String::from_utf8(new_body)
                .unwrap()
                .ends_with(r#""event-data":{}}"#)
        );

        // Twilio JSON: the captured URL's bodySHA256 is kept, not doubled.
        let scheme = Scheme::Builtin(Provider::Twilio);
        let secret = secrets(&["twilio-token"]);
        let url = format!("https://h.example/t?bodySHA256={}", hex(&sha256(&body)));
        let captured = owned_headers(&[
            ("content-type", "application/json"),
            ("x-twilio-signature", "AAAA"),
        ]);
        let (headers, _) = resign(&scheme, &secret, &captured, &body, Some(&url), NOW).unwrap();
        let req = Request {
            method: "POST",
            url: Some(&url),
            headers: &headers,
            body: &body,
        };
        assert_eq!(
            verify(&scheme, &req, &secret, &opts).verdict,
            Verdict::Valid
        );
    }

    #[test]
    fn sign_defaults() {
        let signed = sign_one(Provider::Github, "s3cret-value", br#"{"a":1}"#, None, None);
        assert_eq!(
            signed.headers[0],
            ("Content-Type".to_string(), "application/json".to_string())
        );
        let names: Vec<&str> = signed.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-GitHub-Event",
                "X-GitHub-Delivery",
                "X-Hub-Signature",
                "X-Hub-Signature-256"
            ]
        );
        let delivery = &signed.headers[2].1;
        assert_eq!(delivery.len(), 36);
        let again = sign_one(Provider::Github, "s3cret-value", br#"{"a":1}"#, None, None);
        assert_ne!(&again.headers[2].1, delivery, "ids are fresh");
        let form = sign_one(
            Provider::Github,
            "s3cret-value",
            b"payload=%7B%7D",
            None,
            None,
        );
        assert_eq!(form.headers[0].1, "application/x-www-form-urlencoded");
        assert!(!looks_like_form(b"hello world"));
        assert!(!looks_like_form(b"=x"));
        assert!(looks_like_form(b"a=&b=2"));
        let gitlab = sign_one(
            Provider::Gitlab,
            "glpat-shown-on-request",
            b"{}",
            None,
            None,
        );
        assert!(gitlab.headers.contains(&(
            "X-Gitlab-Token".to_string(),
            "glpat-shown-on-request".to_string()
        )));
    }

    #[test]
    fn provider_names() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>().unwrap(), p);
            assert_eq!(p.to_string(), p.as_str());
        }
        let err = "strip".parse::<Provider>().unwrap_err().to_string();
        assert!(
            err.contains("unknown provider `strip`") && err.contains("standard-webhooks"),
            "{err}"
        );
        assert_eq!(
            Provider::Paddle.default_tolerance(),
            Some(Duration::from_secs(5))
        );
        assert_eq!(Provider::Github.default_tolerance(), None);
        assert_eq!(
            serde_json::to_string(&Verdict::Expired).unwrap(),
            "\"expired\""
        );
        let v = Verification {
            provider: Some("stripe".to_string()),
            verdict: Verdict::Valid,
            reason: None,
        };
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"provider":"stripe","verdict":"valid","reason":null}"#
        );
        assert_eq!(parse_unix_seconds("0", "t").unwrap(), 0);
        for bad in ["0123", "", "-5", "+5", "1.5", " 1", "99999999999999999999"] {
            assert!(parse_unix_seconds(bad, "t").is_err(), "{bad}");
        }
    }

    /// Headers, body, expected scheme name.
    type DetectCase = (
        Vec<(&'static str, &'static str)>,
        &'static [u8],
        Option<&'static str>,
    );

    fn detected(headers: &[(&str, &str)], body: &[u8]) -> Option<String> {
        let headers = owned_headers(headers);
        let req = Request {
            method: "POST",
            url: None,
            headers: &headers,
            body,
        };
        detect(&req, &[acme()]).map(|s| s.name().to_string())
    }

    #[test]
    fn detection() {
        let cases: Vec<DetectCase> = vec![
            (
                vec![
                    ("user-agent", "GitHub-Hookshot/abc"),
                    ("x-github-event", "push"),
                    ("x-github-delivery", "d"),
                    ("x-hub-signature", "sha1=00"),
                    ("x-hub-signature-256", "sha256=00"),
                ],
                b"{}",
                Some("github"),
            ),
            (
                vec![("x-github-event", "ping"), ("x-hub-signature", "sha1=00")],
                b"{}",
                Some("github"),
            ),
            (
                vec![
                    ("x-hub-signature", "sha1=00"),
                    ("content-type", "application/json"),
                ],
                b"{}",
                Some("intercom"),
            ),
            (
                vec![
                    ("stripe-signature", "t=1,v1=00"),
                    ("user-agent", "Stripe/1.0"),
                ],
                b"{}",
                Some("stripe"),
            ),
            (
                vec![
                    ("x-slack-request-timestamp", "1"),
                    ("x-slack-signature", "v0=00"),
                ],
                b"a=b",
                Some("slack"),
            ),
            (
                vec![
                    ("x-shopify-topic", "orders/create"),
                    ("x-shopify-hmac-sha256", "AA=="),
                ],
                b"{}",
                Some("shopify"),
            ),
            (
                vec![("shopify-hmac-sha256", "AA==")],
                b"{}",
                Some("shopify"),
            ),
            (
                vec![
                    ("svix-id", "msg"),
                    ("svix-timestamp", "1"),
                    ("svix-signature", "v1,AA"),
                ],
                b"{}",
                Some("svix"),
            ),
            (
                vec![
                    ("svix-id", "msg"),
                    ("webhook-id", "msg"),
                    ("webhook-signature", "v1,AA"),
                ],
                b"{}",
                Some("svix"),
            ),
            (
                vec![
                    ("webhook-id", "msg"),
                    ("webhook-timestamp", "1"),
                    ("webhook-signature", "v1,AA"),
                ],
                b"{}",
                Some("standard-webhooks"),
            ),
            (
                vec![
                    ("x-gitlab-event", "Push Hook"),
                    ("x-gitlab-token", "t"),
                    ("webhook-signature", "v1,AA"),
                ],
                b"{}",
                Some("gitlab"),
            ),
            (vec![("x-twilio-signature", "AA=")], b"a=b", Some("twilio")),
            (
                vec![("x-square-hmacsha256-signature", "AA=")],
                b"{}",
                Some("square"),
            ),
            (vec![("x-square-signature", "AA=")], b"{}", Some("square")),
            (
                vec![("paddle-signature", "ts=1;h1=00")],
                b"{}",
                Some("paddle"),
            ),
            (
                vec![
                    ("x-signature-ed25519", "00"),
                    ("x-signature-timestamp", "1"),
                ],
                b"{}",
                Some("discord"),
            ),
            (
                vec![("x-zm-signature", "v0=00"), ("x-zm-request-timestamp", "1")],
                b"{}",
                Some("zoom"),
            ),
            (
                vec![
                    ("linear-delivery", "d"),
                    ("linear-event", "Issue"),
                    ("linear-signature", "00"),
                ],
                b"{}",
                Some("linear"),
            ),
            (
                vec![
                    ("twitch-eventsub-message-id", "i"),
                    ("twitch-eventsub-message-signature", "sha256=00"),
                ],
                b"{}",
                Some("twitch"),
            ),
            (
                vec![("content-type", "application/json")],
                br#"{"signature":{"timestamp":"1","token":"t","signature":"00"},"event-data":{}}"#,
                Some("mailgun"),
            ),
            (
                vec![],
                b"timestamp=1&token=t&signature=00&event=delivered",
                Some("mailgun"),
            ),
            (
                vec![
                    ("x-acme-signature", "sha256=00"),
                    ("x-hub-signature", "sha1=00"),
                ],
                b"{}",
                Some("acme"),
            ),
            (
                vec![("content-type", "application/json")],
                br#"{"signature":"not an object"}"#,
                None,
            ),
            (vec![("user-agent", "curl/8")], b"", None),
        ];
        for (headers, body, want) in cases {
            assert_eq!(detected(&headers, body).as_deref(), want, "{headers:?}");
        }
    }

    fn header_names() -> Vec<&'static str> {
        vec![
            "stripe-signature",
            "x-hub-signature-256",
            "x-hub-signature",
            "x-github-event",
            "x-slack-signature",
            "x-slack-request-timestamp",
            "x-shopify-hmac-sha256",
            "shopify-hmac-sha256",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "svix-id",
            "svix-timestamp",
            "svix-signature",
            "x-twilio-signature",
            "x-square-hmacsha256-signature",
            "x-square-signature",
            "paddle-signature",
            "x-signature-ed25519",
            "x-signature-timestamp",
            "x-zm-signature",
            "x-zm-request-timestamp",
            "linear-signature",
            "twitch-eventsub-message-id",
            "twitch-eventsub-message-timestamp",
            "twitch-eventsub-message-signature",
            "twitch-eventsub-message-type",
            "x-gitlab-token",
            "x-acme-signature",
            "x-acme-timestamp",
            "x-acme-id",
            "x-blob-mac",
            "x-blob-id",
            "content-type",
        ]
    }

    fn value_strategy() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..80),
            "(t=|v1=|v0=|ts=|h1=|h2=|sha256=|sha1=|v1,|v1a,|,|;|=| |[0-9]{0,20}|[0-9a-fA-F]{0,130}|[A-Za-z0-9+/=]{0,90}|-|\\.|T|Z|:|é|\u{202e}){0,10}"
                .prop_map(String::into_bytes),
            "(19|20|99|00)[0-9]{2}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9](\\.[0-9]{0,12})?(Z|[+-][0-9]{2}:[0-9]{2})?"
                .prop_map(String::into_bytes),
        ]
    }

    fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            "\\{\"signature\":\\{\"timestamp\":(\"[0-9]{0,22}\"|[0-9]{1,22}|null),\"token\":\"[a-z0-9]{0,10}\",\"signature\":\"[0-9a-f]{0,64}\"\\},\"webhookTimestamp\":(-?[0-9]{1,22}|1e400|\"x\"),\"challenge\":\"c\"\\}"
                .prop_map(String::into_bytes),
            "([a-zA-Z]{1,8}=[a-zA-Z0-9%+]{0,8}&?){0,6}".prop_map(String::into_bytes),
        ]
    }

    proptest! {
        #[test]
        fn verify_never_panics(
            picks in proptest::collection::vec((0usize..34, value_strategy()), 0..8),
            body in body_strategy(),
            now in prop_oneof![Just(NOW), any::<i64>()],
            url in prop_oneof![Just(None), Just(Some("https://h.example:99/p?bodySHA256=00".to_string())), "[a-z:/?&=.\\[\\]@0-9]{0,40}".prop_map(Some)],
            window in prop_oneof![Just(Tolerance::ProviderDefault), Just(Tolerance::Disabled), any::<u64>().prop_map(|s| Tolerance::Window(Duration::from_secs(s)))],
        ) {
            let names = header_names();
            let headers: Vec<(String, Bytes)> = picks
                .into_iter()
                .map(|(i, v)| (names[i % names.len()].to_string(), Bytes::from(v)))
                .collect();
            let req = Request { method: "POST", url: url.as_deref(), headers: &headers, body: &body };
            let secrets = secrets(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SEED_A, "plain secret\n"]);
            let opts = Options { now, tolerance: window };
            let _ = detect(&req, &[acme(), blob()]);
            let _ = handshake::detect(&req);
            let mut schemes: Vec<Scheme> = Provider::ALL.into_iter().map(Scheme::Builtin).collect();
            schemes.push(Scheme::Generic(acme()));
            schemes.push(Scheme::Generic(blob()));
            for scheme in &schemes {
                let v = verify(scheme, &req, &secrets, &opts);
                prop_assert_eq!(v.reason.is_none(), v.verdict == Verdict::Valid);
                let _ = resign(scheme, &secrets[..1], &headers, &body, url.as_deref(), now);
            }
        }

        #[test]
        fn parsers_never_panic(text in "\\PC{0,80}", bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
            let _ = stripe::parse(&text);
            let _ = paddle::parse(&text);
            let _ = standard_webhooks::v1_entries(&text);
            let _ = parse_rfc3339(&text);
            let _ = parse_unix_seconds(&text, "t");
            let _ = url_port_variants(&text);
            let _ = url_scheme_swapped(&text);
            let _ = twilio::body_hash_param(&text);
            let _ = generic::parse_template(&text);
            let _ = unhex(&text);
            let _ = unb64(&text);
            let _ = preview(&text);
            let _ = mailgun::extract(&bytes);
            let _ = looks_like_form(&bytes);
            let _ = json_reserialisations(&bytes);
            let _ = handshake::slack_challenge(&bytes);
            let _ = handshake::zoom_plain_token(&bytes);
            if let Some(secs) = parse_rfc3339(&text) {
                let _ = format_rfc3339(secs, "");
            }
        }

        #[test]
        fn rfc3339_format_parse(secs in -62_135_596_800i64..=253_402_300_799) {
            let text = format_rfc3339(secs, ".000000000").unwrap();
            prop_assert_eq!(parse_rfc3339(&text), Some(secs));
        }
    }
}
