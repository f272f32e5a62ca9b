//! GitLab: `X-Gitlab-Token` carries the configured secret token itself — no MAC, no timestamp.
//!
//! The comparison is constant-time, and reasons never show the token (received or configured),
//! since a near miss is nearly the secret. GitLab's upcoming signing token produces Standard
//! Webhooks headers and is verified as `standard-webhooks`.

use super::{Check, Outcome, Request};
use crate::secret::{Secret, ct_eq};
use crate::sign::{SignCtx, SignError, SignedParts};

/// Headers `resign` replaces.
pub(crate) const OWNED: &[&str] = &["x-gitlab-token", "x-gitlab-event-uuid", "idempotency-key"];

/// Checks a request against the configured secrets: the verdict and, unless valid, why.
pub(crate) fn verify(req: &Request, secrets: &[Secret]) -> Check {
    let Some(token) = req.header("x-gitlab-token") else {
        let mut reason =
            "no X-Gitlab-Token header; set a secret token on the GitLab hook".to_string();
        if req.has("webhook-signature") {
            reason.push_str(" (the request has webhook-signature: GitLab's signing token is verified as standard-webhooks)");
        }
        return Err(Outcome::unsigned(reason));
    };
    // Every secret is compared, without stopping early.
    let matched = secrets.iter().fold(false, |found, s| {
        ct_eq(token, s.expose().as_bytes()) | found
    });
    if matched {
        return Ok(Outcome::valid());
    }
    let mut reason = format!(
        "X-Gitlab-Token does not match the configured secret token (received {} bytes; {} secret{} tried; the token is compared verbatim)",
        token.len(),
        secrets.len(),
        if secrets.len() == 1 { "" } else { "s" }
    );
    let trimmed = token.trim_ascii();
    if secrets
        .iter()
        .any(|s| ct_eq(trimmed, s.expose().trim().as_bytes()))
    {
        reason.push_str("; hint: they match once leading or trailing whitespace is removed: the configured secret or the hook's token has stray whitespace");
    }
    Ok(Outcome::invalid(reason))
}

/// The headers (and URL or body changes) this scheme sends, signed with `ctx`'s secret(s).
pub(crate) fn sign(ctx: &SignCtx) -> Result<SignedParts, SignError> {
    let secret = ctx.single_secret("gitlab")?;
    let id = ctx.id_or_uuid();
    Ok(SignedParts::headers(vec![
        ("X-Gitlab-Event-UUID".to_string(), id.clone()),
        ("Idempotency-Key".to_string(), id),
        // The one place whisper writes a secret out: GitLab's scheme is the token itself.
        ("X-Gitlab-Token".to_string(), secret.expose().to_string()),
    ]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::verify::tests::verify_headers;
    use crate::verify::{Provider, Verdict};

    #[test]
    fn gitlab_token() {
        let v = verify_headers(
            Provider::Gitlab,
            "tok-en",
            &[("x-gitlab-token", "tok-en")],
            b"{}",
        );
        assert_eq!(v.verdict, Verdict::Valid);
        let v = verify_headers(
            Provider::Gitlab,
            "tok-en\n",
            &[("x-gitlab-token", "tok-en")],
            b"{}",
        );
        assert_eq!(v.verdict, Verdict::Invalid);
        let reason = v.reason.unwrap();
        assert!(
            reason.contains("stray whitespace") && !reason.contains("tok-en"),
            "{reason}"
        );
    }
}
