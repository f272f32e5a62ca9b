//! Configurable in-house signature schemes (`[[scheme]]` in `whisper.toml`).
//!
//! Many companies sign their own webhooks with "HMAC of some template, hex or base64, in header X".
//! A [`GenericScheme`] describes exactly that, and is verified, detected and signed like a built-in
//! provider. The [`Algorithm`] and [`Encoding`] types double as the building blocks the built-in
//! providers use for their own signature encodings.

use std::time::Duration;

use serde::Deserialize;

use super::{
    Check, MacCheck, Outcome, Provider, Request, TimeCheck, b64, hex, hmac_sha1, hmac_sha256,
    hmac_sha512, parse_unix_seconds, strip_required, unb64, unhex,
};
use crate::secret::Secret;
use crate::sign::{SignCtx, SignError, SignedParts};

/// The MAC's hash function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// HMAC-SHA1.
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// HMAC of `parts` (concatenated) under `key`.
    pub(crate) fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Algorithm::Sha1 => hmac_sha1(key, parts),
            Algorithm::Sha256 => hmac_sha256(key, parts),
            Algorithm::Sha512 => hmac_sha512(key, parts),
        }
    }
}

/// How signature bytes are written in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Lowercase hex (either case accepted when verifying).
    Hex,
    /// Standard base64 with padding (padding optional when verifying).
    Base64,
}

impl Encoding {
    /// Encodes signature bytes for the wire.
    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => hex(bytes),
            Encoding::Base64 => b64(bytes),
        }
    }

    /// Decodes a received signature; `None` when it is not valid in this encoding.
    pub(crate) fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Hex => unhex(text),
            Encoding::Base64 => unb64(text),
        }
    }

    /// The encoding's name for reasons.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
        }
    }
}

fn default_template() -> String {
    "{body}".to_string()
}

/// An in-house signature scheme, as configured:
///
/// ```toml
/// [[scheme]]
/// name = "acme"                          # used like a provider name: --secret acme=…
/// header = "X-Acme-Signature"            # where the signature is
/// algorithm = "sha256"                   # sha1 | sha256 | sha512
/// encoding = "hex"                       # hex | base64
/// prefix = "sha256="                     # optional, stripped/added
/// timestamp_header = "X-Acme-Timestamp"  # optional, unix seconds
/// template = "{timestamp}.{body}"        # {body} {timestamp} {id} {method} {url}; default "{body}"
/// id_header = "X-Acme-Id"                # optional, for {id}
/// tolerance = 300                        # optional seconds, both directions
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericScheme {
    /// The scheme's name, used like a provider name.
    pub name: String,
    /// The header carrying the signature.
    pub header: String,
    /// The MAC's hash function.
    pub algorithm: Algorithm,
    /// How the signature is written.
    pub encoding: Encoding,
    /// Text before the encoded signature (`sha256=`), stripped when verifying, added when signing.
    #[serde(default)]
    pub prefix: Option<String>,
    /// The header carrying the timestamp (canonical unix seconds).
    #[serde(default)]
    pub timestamp_header: Option<String>,
    /// The signed bytes, with placeholders `{body}`, `{timestamp}`, `{id}`, `{method}`, `{url}`.
    #[serde(default = "default_template")]
    pub template: String,
    /// The header carrying the message id, for `{id}`.
    #[serde(default)]
    pub id_header: Option<String>,
    /// Replay window in seconds (needs `timestamp_header`).
    #[serde(default)]
    pub tolerance: Option<u64>,
}

/// A configured generic scheme that cannot work; every message names the scheme and the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenericError {
    /// `name` is empty or not usable as `--secret NAME=…`.
    #[error("scheme `{name}`: field `name` must be non-empty letters, digits, `-` or `_`")]
    BadName {
        /// The configured name.
        name: String,
    },
    /// `name` is a built-in provider's name.
    #[error("scheme `{name}`: field `name` is a built-in provider's name; choose another")]
    NameTaken {
        /// The configured name.
        name: String,
    },
    /// A header field is not a valid HTTP header name.
    #[error("scheme `{name}`: field `{field}` is not a valid header name")]
    BadHeader {
        /// The scheme.
        name: String,
        /// `header`, `timestamp_header` or `id_header`.
        field: &'static str,
    },
    /// The template names an unknown placeholder or leaves one open.
    #[error(
        "scheme `{name}`: field `template` has {problem}; use {{body}} {{timestamp}} {{id}} {{method}} {{url}}"
    )]
    BadTemplate {
        /// The scheme.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// The template (or `tolerance`) needs a header field that is not set.
    #[error("scheme `{name}`: {needs} but field `{field}` is not set")]
    MissingField {
        /// The scheme.
        name: String,
        /// What needs the field, e.g. "field `template` uses {timestamp}".
        needs: &'static str,
        /// The missing field.
        field: &'static str,
    },
}

/// One piece of a parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Literal(String),
    Body,
    Timestamp,
    Id,
    Method,
    Url,
}

/// Splits a template into literal text and placeholders.
pub(crate) fn parse_template(template: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(Piece::Literal(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            format!(
                "an unclosed `{{` at byte {}",
                template.len() - rest.len() + open
            )
        })?;
        pieces.push(match &after[..close] {
            "body" => Piece::Body,
            "timestamp" => Piece::Timestamp,
            "id" => Piece::Id,
            "method" => Piece::Method,
            "url" => Piece::Url,
            other => return Err(format!("an unknown placeholder {{{other}}}")),
        });
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest.to_string()));
    }
    Ok(pieces)
}

fn valid_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl GenericScheme {
    /// Checks that the scheme can work; call it when loading the configuration.
    pub fn validate(&self) -> Result<(), GenericError> {
        let name = || self.name.clone();
        if self.name.is_empty()
            || !self
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(GenericError::BadName { name: name() });
        }
        if Provider::ALL.iter().any(|p| p.as_str() == self.name) {
            return Err(GenericError::NameTaken { name: name() });
        }
        let headers = [
            ("header", Some(&self.header)),
            ("timestamp_header", self.timestamp_header.as_ref()),
            ("id_header", self.id_header.as_ref()),
        ];
        for (field, value) in headers {
            if value.is_some_and(|v| !valid_header_name(v)) {
                return Err(GenericError::BadHeader {
                    name: name(),
                    field,
                });
            }
        }
        let pieces =
            parse_template(&self.template).map_err(|problem| GenericError::BadTemplate {
                name: name(),
                problem,
            })?;
        if pieces.contains(&Piece::Timestamp) && self.timestamp_header.is_none() {
            return Err(GenericError::MissingField {
                name: name(),
                needs: "field `template` uses {timestamp}",
                field: "timestamp_header",
            });
        }
        if pieces.contains(&Piece::Id) && self.id_header.is_none() {
            return Err(GenericError::MissingField {
                name: name(),
                needs: "field `template` uses {id}",
                field: "id_header",
            });
        }
        if self.tolerance.is_some() && self.timestamp_header.is_none() {
            return Err(GenericError::MissingField {
                name: name(),
                needs: "field `tolerance` is set",
                field: "timestamp_header",
            });
        }
        Ok(())
    }

    /// The expected MAC: the template rendered with these values, under `key`.
    pub(crate) fn expected(
        &self,
        pieces: &[Piece],
        key: &[u8],
        v: &Values,
        body: &[u8],
    ) -> Vec<u8> {
        let parts: Vec<&[u8]> = pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(text) => text.as_bytes(),
                Piece::Body => body,
                Piece::Timestamp => v.timestamp.as_bytes(),
                Piece::Id => v.id.as_bytes(),
                Piece::Method => v.method.as_bytes(),
                Piece::Url => v.url.as_bytes(),
            })
            .collect();
        self.algorithm.hmac(key, &parts)
    }
}

/// The values substituted into a template (empty when the template does not use them).
pub(crate) struct Values<'v> {
    pub(crate) timestamp: &'v str,
    pub(crate) id: &'v str,
    pub(crate) method: &'v str,
    pub(crate) url: &'v str,
}

/// Verifies a request against a generic scheme.
pub(crate) fn verify(
    scheme: &GenericScheme,
    req: &Request,
    secrets: &[Secret],
    now: i64,
    tolerance: Option<Duration>,
) -> Check {
    let pieces = parse_template(&scheme.template)
        .map_err(|p| Outcome::invalid(format!("scheme {}: template has {p}", scheme.name)))?;
    let value = req.signature(&scheme.header)?;
    let text = match &scheme.prefix {
        Some(prefix) => strip_required(value, prefix, &scheme.header)?,
        None => value,
    };
    let because = scheme.header.as_str();
    let (timestamp, time) = match &scheme.timestamp_header {
        Some(h) => {
            let raw = req.required(h, because)?;
            let ts = parse_unix_seconds(raw, h)?;
            (raw, Some(TimeCheck::new(ts, false)))
        }
        None => ("", None),
    };
    let id = match &scheme.id_header {
        Some(h) if pieces.contains(&Piece::Id) => req.required(h, because)?,
        _ => "",
    };
    let url = match req.url {
        Some(url) => url,
        None if pieces.contains(&Piece::Url) => {
            return Err(Outcome::invalid(format!(
                "scheme {} signs the request URL, which is unknown here; pass --url",
                scheme.name
            )));
        }
        None => "",
    };
    let values = Values {
        timestamp,
        id,
        method: req.method,
        url,
    };
    let compute = |key: &[u8], body: &[u8]| scheme.expected(&pieces, key, &values, body);
    let mut check = MacCheck::single(&scheme.header, text, scheme.encoding, &compute);
    if pieces.contains(&Piece::Body) {
        check.body = Some(req.body);
    }
    check.time = time;
    Ok(check.run(secrets, now, tolerance))
}

/// The signature headers a generic scheme owns (replaced when re-signing).
pub(crate) fn owned(scheme: &GenericScheme) -> Vec<String> {
    [
        Some(&scheme.header),
        scheme.timestamp_header.as_ref(),
        scheme.id_header.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|h| h.to_ascii_lowercase())
    .collect()
}

/// Signs with a generic scheme: the signature header, plus the timestamp and id headers it has.
pub(crate) fn sign(scheme: &GenericScheme, ctx: &SignCtx) -> Result<SignedParts, SignError> {
    scheme.validate().map_err(SignError::Scheme)?;
    let pieces = parse_template(&scheme.template).map_err(|problem| {
        SignError::Scheme(GenericError::BadTemplate {
            name: scheme.name.clone(),
            problem,
        })
    })?;
    let secret = ctx.single_secret(&scheme.name)?;
    let url = if pieces.contains(&Piece::Url) {
        ctx.require_url(&scheme.name)?
    } else {
        ctx.url.unwrap_or_default()
    };
    let timestamp = ctx.timestamp.to_string();
    let id = ctx.id_or_uuid();
    let values = Values {
        timestamp: &timestamp,
        id: &id,
        method: "POST",
        url,
    };
    let mac = scheme.expected(&pieces, secret.expose().as_bytes(), &values, ctx.body);
    let mut headers = vec![(
        scheme.header.clone(),
        format!(
            "{}{}",
            scheme.prefix.as_deref().unwrap_or_default(),
            scheme.encoding.encode(&mac)
        ),
    )];
    if let Some(h) = &scheme.timestamp_header {
        headers.push((h.clone(), timestamp));
    }
    if let Some(h) = &scheme.id_header {
        headers.push((h.clone(), id));
    }
    Ok(SignedParts::headers(headers))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::{Options, Scheme, Tolerance, Verdict, verify};
    use bytes::Bytes;

    // The config file is TOML; serde_json exercises the same derive (field names, defaults,
    // deny_unknown_fields, enum spellings) without another dependency.
    fn parse(json: &str) -> Result<GenericScheme, String> {
        serde_json::from_str::<GenericScheme>(json).map_err(|e| e.to_string())
    }

    const ACME: &str = r#"{"name":"acme","header":"X-Acme-Signature","algorithm":"sha256","encoding":"hex","prefix":"sha256=","timestamp_header":"X-Acme-Timestamp","template":"{timestamp}.{body}","tolerance":300}"#;

    #[test]
    fn config_parsing_and_validation() {
        let scheme = parse(ACME).unwrap();
        assert_eq!(scheme.algorithm, Algorithm::Sha256);
        assert_eq!(scheme.validate(), Ok(()));
        let minimal =
            parse(r#"{"name":"m","header":"X-M","algorithm":"sha1","encoding":"base64"}"#).unwrap();
        assert_eq!(minimal.template, "{body}");
        assert_eq!(minimal.validate(), Ok(()));

        let err = parse(&ACME.replace("sha256\",\"encoding", "md5\",\"encoding")).unwrap_err();
        assert!(err.contains("unknown variant `md5`"), "{err}");
        let err = parse(&ACME.replace("\"hex\"", "\"base32\"")).unwrap_err();
        assert!(err.contains("unknown variant `base32`"), "{err}");
        let err = parse(&ACME.replace("\"tolerance\"", "\"tolerence\"")).unwrap_err();
        assert!(err.contains("unknown field `tolerence`"), "{err}");

        let check = |json: String| parse(&json).unwrap().validate().unwrap_err().to_string();
        let no_ts = ACME
            .replace(r#""timestamp_header":"X-Acme-Timestamp","#, "")
            .replace(r#","tolerance":300"#, "");
        let err = check(no_ts);
        assert!(
            err.contains("`template` uses {timestamp}") && err.contains("`timestamp_header`"),
            "{err}"
        );
        let err = check(ACME.replace("{timestamp}.{body}", "{id}.{body}"));
        assert!(err.contains("`id_header`"), "{err}");
        let err = check(ACME.replace("{timestamp}.{body}", "{timestamp}.{payload}"));
        assert!(err.contains("unknown placeholder {payload}"), "{err}");
        let err = check(ACME.replace("{timestamp}.{body}", "{timestamp}.{body"));
        assert!(err.contains("unclosed"), "{err}");
        let err = check(ACME.replace("\"acme\"", "\"stripe\""));
        assert!(err.contains("built-in provider"), "{err}");
        let err = check(ACME.replace("X-Acme-Signature", "X Acme"));
        assert!(err.contains("field `header`"), "{err}");
        let err = check(
            ACME.replace(r#""timestamp_header":"X-Acme-Timestamp","#, "")
                .replace("{timestamp}.", ""),
        );
        assert!(err.contains("`tolerance` is set"), "{err}");
    }

    #[test]
    fn generic_vector() {
        // python3: hmac.new(b"acme-secret", b"1700000000." + body, hashlib.sha256).hexdigest()
        let body = br#"{"id":"evt_test_webhook","object":"event"}"#;
        let sig = "sha256=0b1c37799994604407eb7ca231f3cdf75fe7258bd1cbbfa4c3802f62cfea4e1e";
        let headers = vec![
            ("x-acme-signature".to_string(), Bytes::from(sig)),
            (
                "x-acme-timestamp".to_string(),
                Bytes::from_static(b"1700000000"),
            ),
        ];
        let req = Request {
            method: "POST",
            url: None,
            headers: &headers,
            body,
        };
        let scheme = Scheme::Generic(parse(ACME).unwrap());
        let secrets = [Secret::new("acme-secret".to_string())];
        let at = |now| {
            verify(
                &scheme,
                &req,
                &secrets,
                &Options {
                    now,
                    tolerance: Tolerance::ProviderDefault,
                },
            )
            .verdict
        };
        assert_eq!(at(1_700_000_300), Verdict::Valid);
        assert_eq!(at(1_700_000_301), Verdict::Expired);
        assert_eq!(at(1_699_999_699), Verdict::Expired);
    }
}
