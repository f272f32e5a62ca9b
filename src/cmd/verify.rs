//! `whisper verify`: checks a signature the way the provider's SDK does, for a
//! stored capture or for a request given on the command line. Exit 0 when
//! valid, 1 when not.

use std::io::Write;
use std::process::ExitCode;

use bytes::Bytes;

use crate::capture::{Verdict, Verification};
use crate::cli::VerifyArgs;
use crate::config::{self, Context, Keyring};
use crate::error::Error;
use crate::paint::Paint;
use crate::sanitize::sanitize;
use crate::store;
use crate::verify::{self, Options, Request, Tolerance};

/// Runs the check and prints the verdict.
pub fn run(ctx: Context, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let keyring = Keyring::resolve(&ctx, &args.secret, args.provider.as_deref())?;
    let opts = Options {
        now: args.now.unwrap_or_else(|| chrono::Utc::now().timestamp()),
        tolerance: match args.tolerance.as_deref() {
            Some(text) => config::parse_tolerance(text).map_err(Error::usage)?,
            None => Tolerance::ProviderDefault,
        },
    };
    let verification = match &args.id {
        Some(id) => {
            let conn = store::open(&ctx.db)?;
            let id = store::resolve_id(&conn, id)?;
            let capture = store::get(&conn, id)?.ok_or(Error::NoCapture { id, newest: None })?;
            let url = args
                .url
                .clone()
                .unwrap_or_else(|| capture.request.url(None));
            check(
                &keyring,
                args.provider.as_deref(),
                &capture.request.as_signed(&url),
                &opts,
            )?
        }
        None => {
            let headers = args
                .headers
                .iter()
                .map(|h| {
                    let (name, value) = h.split_once(':').ok_or_else(|| {
                        Error::usage(format!("header {h:?} is not 'Name: value'"))
                    })?;
                    Ok((
                        name.trim().to_ascii_lowercase(),
                        Bytes::copy_from_slice(value.trim().as_bytes()),
                    ))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let body = super::io::read_body(args.data.as_deref(), args.file.as_deref())?;
            let request = Request {
                method: "POST",
                url: args.url.as_deref(),
                headers: &headers,
                body: &body,
            };
            check(&keyring, args.provider.as_deref(), &request, &opts)?
        }
    };

    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_value(&verification)?)?;
    } else {
        let p = Paint::new(ctx.color);
        writeln!(out, "{}", p.verdict(Some(&verification)))?;
        if let Some(reason) = &verification.reason {
            writeln!(out, "{}", sanitize(reason))?;
        }
    }
    Ok(if verification.verdict == Verdict::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Checks as the named provider, or as the one the headers show.
fn check(
    keyring: &Keyring,
    provider: Option<&str>,
    request: &Request,
    opts: &Options,
) -> anyhow::Result<Verification> {
    if let Some(name) = provider {
        let scheme = keyring.scheme_or_error(name)?;
        return Ok(verify::verify(
            &scheme,
            request,
            keyring.secrets(name),
            opts,
        ));
    }
    keyring.check(request, opts).ok_or_else(|| {
        Error::usage(
            "no provider recognised in the headers and no secret configured; pass --provider and --secret",
        )
        .into()
    })
}
