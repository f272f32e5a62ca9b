//! Interop with the providers' own SDKs (PyPI and npm, installed by
//! `tests/interop/install.sh`, which `.ci/run` calls): requests whisper signs
//! pass the SDK verifiers, and requests the SDKs sign pass `whisper verify`.
//! In CI (`CI=true`) missing SDKs fail the test; elsewhere it is skipped with
//! the reason printed.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::util::Env;

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// The two SDK runners, or why they cannot run here.
fn runners() -> Option<[(&'static str, Vec<String>); 2]> {
    let dir = interop_dir();
    let python_ok = Command::new("python3")
        .args(["-c", "import stripe, slack_sdk, standardwebhooks, svix, twilio, square, paddle_billing, nacl"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let node_ok = dir.join("node/node_modules/stripe").is_dir()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !(python_ok && node_ok) {
        let why = format!(
            "the SDKs are not installed (python: {python_ok}, node: {node_ok}); run tests/interop/install.sh"
        );
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "interop tests must run in CI: {why}"
        );
        eprintln!("skipping SDK interop: {why}");
        return None;
    }
    let s = |p: &Path| p.to_string_lossy().into_owned();
    Some([
        (
            "python",
            vec![
                "python3".into(),
                s(&dir.join("verify.py")),
                s(&dir.join("sign.py")),
            ],
        ),
        (
            "node",
            vec![
                "node".into(),
                s(&dir.join("node/verify.mjs")),
                s(&dir.join("node/sign.mjs")),
            ],
        ),
    ])
}

/// Runs an interop script with one JSON object on stdin; returns its JSON line.
fn script(program: &str, path: &str, input: &Value) -> Value {
    let mut child = Command::new(program)
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{path} failed on {input}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What to sign for each provider: (provider, secret to sign with, secret the
/// verifier takes, body, url).
fn cases(
    now_ms: i64,
) -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    String,
    Option<&'static str>,
)> {
    let json = r#"{"id":"evt_1","type":"test.event","data":{"amount":100,"note":"caf\u00e9 ✓"}}"#
        .to_owned();
    vec![
        ("github", "gh-interop", "gh-interop", json.clone(), None),
        (
            "stripe",
            "whsec_interop_literal",
            "whsec_interop_literal",
            json.clone(),
            None,
        ),
        (
            "slack",
            "slack-interop",
            "slack-interop",
            "token=x&command=%2Fdeploy&text=a+b%26c".into(),
            None,
        ),
        (
            "shopify",
            "shpss_interop",
            "shpss_interop",
            json.clone(),
            None,
        ),
        (
            "standard-webhooks",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            json.clone(),
            None,
        ),
        (
            "svix",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            json.clone(),
            None,
        ),
        (
            "twilio",
            "twilio-interop",
            "twilio-interop",
            "CallSid=CA1&From=%2B14158675310&Digits=1&Digits=2&Body=hi+there".into(),
            Some("https://example.com/twilio/voice?x=1"),
        ),
        (
            "twilio",
            "twilio-interop",
            "twilio-interop",
            json.clone(),
            Some("https://example.com/twilio/json"),
        ),
        (
            "square",
            "sq-interop-key",
            "sq-interop-key",
            json.clone(),
            Some("https://example.com/square"),
        ),
        (
            "paddle",
            "pdl_ntfset_01interop_secret",
            "pdl_ntfset_01interop_secret",
            json.clone(),
            None,
        ),
        (
            "discord",
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            json.clone(),
            None,
        ),
        (
            "linear",
            "lin-interop",
            "lin-interop",
            format!(r#"{{"type":"Issue","action":"create","webhookTimestamp":{now_ms}}}"#),
            None,
        ),
    ]
}

#[test]
fn whisper_signed_requests_pass_the_sdk_verifiers() {
    let Some(runners) = runners() else { return };
    let env = Env::new();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut verified = BTreeSet::new();
    for (provider, sign_secret, verify_secret, body, url) in cases(now_ms) {
        let mut args = vec![
            "sign",
            provider,
            "--secret",
            sign_secret,
            "--data",
            &body,
            "--format",
            "json",
        ];
        if let Some(url) = url {
            args.extend_from_slice(&["--url", url]);
        }
        let mut signed = env.json(&args);
        signed["secret"] = json!(verify_secret);
        for (lang, cmd) in &runners {
            let answer = script(&cmd[0], &cmd[1], &signed);
            if answer.get("skip").is_some() {
                continue;
            }
            assert_eq!(
                answer["ok"], true,
                "{lang} SDK rejected whisper's {provider} signature: {answer}"
            );
            verified.insert(format!("{provider}/{lang}"));
            // And the SDK is really checking: a flipped body byte fails.
            let mut tampered = signed.clone();
            let mut text = body.clone();
            let last = text.pop().unwrap();
            text.push(if last == '}' { ']' } else { 'X' });
            tampered["body"] = json!(text);
            tampered["body_base64"] = Value::Null;
            if let Some(obj) = tampered.as_object_mut() {
                obj.remove("body_base64");
            }
            let answer = script(&cmd[0], &cmd[1], &tampered);
            assert_eq!(
                answer["ok"], false,
                "{lang} SDK accepted a tampered {provider} body: {answer}"
            );
        }
    }
    // Every provider with an SDK verifier was checked by it (a skip cannot hide a gap).
    let expected: BTreeSet<String> = [
        "github/node",
        "stripe/python",
        "stripe/node",
        "slack/python",
        "shopify/node",
        "standard-webhooks/python",
        "standard-webhooks/node",
        "svix/python",
        "svix/node",
        "twilio/python",
        "twilio/node",
        "square/python",
        "square/node",
        "paddle/python",
        "paddle/node",
        "discord/python",
        "discord/node",
        "linear/node",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(verified, expected);
}

#[test]
fn sdk_signed_requests_pass_whisper_verify() {
    let Some(runners) = runners() else { return };
    let env = Env::new();
    let now = chrono::Utc::now().timestamp();
    let mut checked = BTreeSet::new();
    for (provider, secret, _, body, url) in cases(now * 1000) {
        for (lang, cmd) in &runners {
            let input = json!({
                "provider": provider, "secret": secret, "body": body, "url": url,
                "timestamp": now, "id": "msg_2Kq8interop",
            });
            let signed = script(&cmd[0], &cmd[2], &input);
            if signed.get("skip").is_some() {
                continue;
            }
            let mut args = vec![
                "verify".to_owned(),
                "--provider".into(),
                provider.into(),
                "--secret".into(),
                secret.into(),
            ];
            for (name, value) in signed["headers"].as_object().unwrap() {
                args.push("-H".into());
                args.push(format!("{name}: {}", value.as_str().unwrap()));
            }
            args.extend(["--data".into(), signed["body"].as_str().unwrap().to_owned()]);
            if let Some(url) = signed["url"].as_str() {
                args.extend(["--url".into(), url.to_owned()]);
            }
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = env.run(&refs);
            assert_eq!(
                out.status.code(),
                Some(0),
                "whisper rejected {lang} SDK's {provider} signature {signed}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
            checked.insert(format!("{provider}/{lang}"));
        }
    }
    let expected: BTreeSet<String> = [
        "github/node",
        "stripe/python",
        "stripe/node",
        "slack/python",
        "standard-webhooks/python",
        "standard-webhooks/node",
        "svix/python",
        "svix/node",
        "twilio/python",
        "twilio/node",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(checked, expected);
}
