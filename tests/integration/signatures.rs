//! Signatures through the command line and the listener: the official
//! examples, a round trip for every provider, stored verdicts, handshakes, and
//! secrets that never show.

use std::time::Duration;

use serde_json::Value;

use crate::util::{Env, request};

const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// `whisper sign … --format json`, parsed.
fn sign(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["sign"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    env.json(&all)
}

/// `whisper verify` with the headers and body of a signed request.
fn verify(
    env: &Env,
    provider: &str,
    secret: &str,
    signed: &Value,
    body: &str,
    extra: &[&str],
) -> (i32, String) {
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
    args.push("--data".into());
    args.push(body.into());
    if let Some(url) = signed["url"].as_str() {
        args.push("--url".into());
        args.push(url.into());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = env.run(&refs);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn header<'a>(signed: &'a Value, name: &str) -> &'a str {
    signed["headers"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {signed}"))
}

#[test]
fn sign_reproduces_the_official_examples_and_verify_accepts_them() {
    let env = Env::new();
    // GitHub docs: validating webhook deliveries.
    let s = sign(
        &env,
        &[
            "github",
            "--secret",
            "It's a Secret to Everybody",
            "--data",
            "Hello, World!",
        ],
    );
    assert_eq!(
        header(&s, "X-Hub-Signature-256"),
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );
    assert_eq!(
        verify(
            &env,
            "github",
            "It's a Secret to Everybody",
            &s,
            "Hello, World!",
            &[]
        )
        .0,
        0
    );

    // Slack docs / python-slack-sdk.
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let s = sign(
        &env,
        &[
            "slack",
            "--secret",
            "8f742231b10e8888abcd99yyyzzz85a5",
            "--timestamp",
            "1531420618",
            "--data",
            body,
        ],
    );
    assert_eq!(
        header(&s, "X-Slack-Signature"),
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    );
    assert_eq!(header(&s, "X-Slack-Request-Timestamp"), "1531420618");
    assert_eq!(
        header(&s, "Content-Type"),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        verify(
            &env,
            "slack",
            "8f742231b10e8888abcd99yyyzzz85a5",
            &s,
            body,
            &["--now", "1531420700"]
        )
        .0,
        0
    );

    // The Svix / Standard Webhooks canonical case.
    for provider in ["svix", "standard-webhooks"] {
        let s = sign(
            &env,
            &[
                provider,
                "--secret",
                WHSEC,
                "--id",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "--timestamp",
                "1614265330",
                "--data",
                r#"{"test": 2432232314}"#,
            ],
        );
        let sig = s["headers"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(n, _)| n.ends_with("-signature"))
            .unwrap()
            .1;
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(
            verify(
                &env,
                provider,
                WHSEC,
                &s,
                r#"{"test": 2432232314}"#,
                &["--now", "1614265331"]
            )
            .0,
            0
        );
    }

    // Twilio docs worked example.
    let body = "CallSid=CA1234567890ABCDE&Caller=%2B14158675310&Digits=1234&From=%2B14158675310&To=%2B18005551212";
    let s = sign(
        &env,
        &[
            "twilio",
            "--secret",
            "12345",
            "--url",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            "--data",
            body,
        ],
    );
    assert_eq!(
        header(&s, "X-Twilio-Signature"),
        "GvWf1cFY/Q7PnoempGyD5oXAezc="
    );
    assert_eq!(verify(&env, "twilio", "12345", &s, body, &[]).0, 0);

    // Square SDK test vector.
    let body = r#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    let s = sign(
        &env,
        &[
            "square",
            "--secret",
            "Ibxx_5AKakO-3qeNVR61Dw",
            "--url",
            "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
            "--data",
            body,
        ],
    );
    assert_eq!(
        header(&s, "x-square-hmacsha256-signature"),
        "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
    );

    // Discord: RFC 8032 §7.1 TEST 1 key pair; Ed25519 is deterministic.
    let out = env.run(&[
        "sign",
        "discord",
        "--secret",
        SEED,
        "--timestamp",
        "1700000000",
        "--data",
        "{}",
        "--format",
        "json",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(PUBLIC));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verify(&env, "discord", PUBLIC, &s, "{}", &[]).0, 0);
}

/// (provider, signing secret, verifying secret, body, has a timestamp)
fn providers(now: i64) -> Vec<(&'static str, String, String, String, bool)> {
    let json = r#"{"id":"evt_1","type":"test.event","data":{"n":1}}"#.to_owned();
    let lit = |s: &str| s.to_owned();
    vec![
        (
            "github",
            lit("gh-secret"),
            lit("gh-secret"),
            json.clone(),
            false,
        ),
        (
            "stripe",
            lit("whsec_literal"),
            lit("whsec_literal"),
            json.clone(),
            true,
        ),
        (
            "slack",
            lit("slack-secret"),
            lit("slack-secret"),
            lit("token=x&command=%2Fhello&text=hi+there"),
            true,
        ),
        (
            "shopify",
            lit("shpss_secret"),
            lit("shpss_secret"),
            json.clone(),
            false,
        ),
        (
            "standard-webhooks",
            lit(WHSEC),
            lit(WHSEC),
            json.clone(),
            true,
        ),
        ("svix", lit(WHSEC), lit(WHSEC), json.clone(), true),
        (
            "twilio",
            lit("twilio-token"),
            lit("twilio-token"),
            lit("CallSid=CA1&From=%2B1555&Body=hi+there"),
            false,
        ),
        ("square", lit("sq-key"), lit("sq-key"), json.clone(), false),
        (
            "paddle",
            lit("pdl_ntfset_01abc_secret"),
            lit("pdl_ntfset_01abc_secret"),
            json.clone(),
            true,
        ),
        ("discord", lit(SEED), lit(PUBLIC), json.clone(), false),
        (
            "zoom",
            lit("zoom-secret"),
            lit("zoom-secret"),
            json.clone(),
            true,
        ),
        (
            "linear",
            lit("lin-secret"),
            lit("lin-secret"),
            format!(r#"{{"type":"Issue","webhookTimestamp":{}}}"#, now * 1000),
            true,
        ),
        (
            "twitch",
            lit("twitch-secret-123"),
            lit("twitch-secret-123"),
            json.clone(),
            true,
        ),
        (
            "mailgun",
            lit("mg-key"),
            lit("mg-key"),
            lit(r#"{"event-data":{"event":"delivered"}}"#),
            true,
        ),
        (
            "gitlab",
            lit("gl-token"),
            lit("gl-token"),
            json.clone(),
            false,
        ),
        ("intercom", lit("ic-secret"), lit("ic-secret"), json, false),
    ]
}

#[test]
fn every_provider_round_trips_and_rejects_tampering() {
    let env = Env::new();
    let now = 1_790_000_000i64;
    let ts = now.to_string();
    for (provider, sign_secret, verify_secret, body, timed) in providers(now) {
        let mut args = vec![
            provider,
            "--secret",
            &sign_secret,
            "--timestamp",
            &ts,
            "--data",
            &body,
            "--id",
            "msg_1",
        ];
        if matches!(provider, "twilio" | "square") {
            args.extend_from_slice(&["--url", "https://example.com/hooks/in?x=1"]);
        }
        let signed = sign(&env, &args);
        let sent_body = signed["body"].as_str().unwrap().to_owned();
        let at = ["--now", &ts];
        let (code, out) = verify(&env, provider, &verify_secret, &signed, &sent_body, &at);
        assert_eq!(code, 0, "{provider}: {out} {signed}");
        assert!(out.contains('✓'), "{provider}: {out}");

        // One flipped byte of the signed data. Mailgun signs only its
        // timestamp and token, which live in the body.
        let tampered = if provider == "mailgun" {
            sent_body.replacen(&ts, &(now + 1).to_string(), 1)
        } else if provider == "gitlab" {
            String::new() // the token is not a MAC over the body; below
        } else {
            let mut flipped = sent_body.clone();
            let last = flipped.pop().unwrap();
            flipped.push(if last == 'X' { 'Y' } else { 'X' });
            flipped
        };
        if provider != "gitlab" {
            assert_ne!(tampered, sent_body, "{provider}");
            let (code, out) = verify(&env, provider, &verify_secret, &signed, &tampered, &at);
            assert_eq!(code, 1, "{provider}: tampered body passed: {out}");
            assert!(out.contains("invalid"), "{provider}: {out}");
        }
        // A wrong secret.
        let wrong = if provider == "discord" {
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c".to_owned()
        } else if provider.ends_with("webhooks") || provider == "svix" {
            "whsec_dGhpcyBpcyBhbm90aGVyIGtleSBvZiAyNCBi".to_owned()
        } else {
            format!("{verify_secret}x")
        };
        let (code, out) = verify(&env, provider, &wrong, &signed, &sent_body, &at);
        assert_eq!(code, 1, "{provider}: wrong secret passed: {out}");
        assert!(
            !out.contains(&wrong) && !out.contains(&verify_secret),
            "{provider} printed a secret: {out}"
        );
        // An old timestamp.
        if timed {
            let late = (now + 100_000).to_string();
            let (code, out) = verify(
                &env,
                provider,
                &verify_secret,
                &signed,
                &sent_body,
                &["--now", &late],
            );
            assert_eq!(code, 1, "{provider}: {out}");
            assert!(out.contains("expired"), "{provider}: {out}");
        }
        // JSON verdicts.
        let (_, out) = verify(
            &env,
            provider,
            &verify_secret,
            &signed,
            &sent_body,
            &["--now", &ts, "--json"],
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["verdict"], "valid", "{provider}");
        assert_eq!(v["provider"], provider);
    }
}

#[test]
fn listener_stores_the_verdict_of_each_request() {
    let env = Env::new();
    // env: secrets resolve from the listener's environment.
    let listener = env.listen_env(
        &[
            "--secret",
            "stripe=whsec_listen",
            "--secret",
            "github=env:GH_SECRET_FOR_TEST",
        ],
        &[("GH_SECRET_FOR_TEST", "gh-listen")],
    );
    let url = format!("http://{}/hooks/stripe", listener.receiver);
    let send = |args: &[&str]| {
        let mut all = vec!["sign"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--send", &url]);
        env.ok(&all);
    };
    send(&[
        "stripe",
        "--secret",
        "whsec_listen",
        "--data",
        r#"{"ok":1}"#,
    ]);
    send(&["stripe", "--secret", "whsec_other", "--data", r#"{"ok":2}"#]);
    send(&["github", "--secret", "gh-listen", "--data", r#"{"ok":3}"#]);
    send(&[
        "stripe",
        "--secret",
        "whsec_listen",
        "--timestamp",
        "1000000000",
        "--data",
        r#"{"ok":4}"#,
    ]);
    request(listener.receiver, "POST", "/hooks/plain", &[], b"{}");

    let expect = [
        (1, Some("stripe"), "valid"),
        (2, Some("stripe"), "invalid"),
        (3, Some("github"), "valid"),
        (4, Some("stripe"), "expired"),
        (5, None, "unsigned"),
    ];
    for (id, provider, verdict) in expect {
        let c = env.json(&["show", &id.to_string(), "--json"]);
        let v = &c["verification"];
        assert_eq!(v["verdict"], verdict, "#{id}: {v}");
        assert_eq!(v["provider"].as_str(), provider, "#{id}");
        if verdict != "valid" {
            let reason = v["reason"].as_str().unwrap();
            assert!(!reason.is_empty());
            assert!(!reason.contains("whsec_listen") && !reason.contains("gh-listen"));
        }
    }
    // NDJSON carries the verdicts too.
    let first = listener
        .next_event("capture", Duration::from_secs(10))
        .unwrap();
    assert_eq!(first["verification"]["verdict"], "valid");
    // Filters.
    let ids = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        env.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["--invalid"]), [5, 4, 2]);
    assert_eq!(ids(&["--provider", "github"]), [3]);
    // The stored capture re-verifies with `whisper verify ID`.
    let out = env.run(&[
        "verify",
        "1",
        "--secret",
        "stripe=whsec_listen",
        "--tolerance",
        "none",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = env.run(&[
        "verify",
        "2",
        "--secret",
        "stripe=whsec_listen",
        "--tolerance",
        "none",
    ]);
    assert_eq!(out.status.code(), Some(1));

    // The secrets appear nowhere: output, list, show, the store file.
    let mut seen = String::from_utf8_lossy(&env.ok(&["list"])).into_owned();
    for id in 1..=5 {
        seen.push_str(&String::from_utf8_lossy(
            &env.ok(&["show", &id.to_string()]),
        ));
    }
    seen.push_str(&listener.stderr());
    assert!(!seen.contains("whsec_listen") && !seen.contains("gh-listen"));
    drop(listener);
    let store = std::fs::read(env.db()).unwrap();
    for secret in [&b"whsec_listen"[..], b"gh-listen"] {
        assert!(
            !store.windows(secret.len()).any(|w| w == secret),
            "secret in the store"
        );
    }
}

#[test]
fn handshakes_are_answered_for_the_provider() {
    let env = Env::new();
    let listener = env.listen(&[
        "--secret",
        "zoom=zoom-hs",
        "--secret",
        "twitch=twitch-hs-secret",
    ]);
    // Slack url_verification: echo the challenge.
    let r = request(
        listener.receiver,
        "POST",
        "/slack/events",
        &[("Content-Type", "application/json")],
        br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRN","type":"url_verification"}"#,
    );
    assert_eq!((r.status, r.text().as_str()), (200, "3eZbrw1aBm2rZgRN"));

    // Twitch: a signed webhook_callback_verification.
    let body = r#"{"challenge":"pogchamp-kappa","subscription":{"type":"channel.follow"}}"#;
    let s = sign(
        &env,
        &["twitch", "--secret", "twitch-hs-secret", "--data", body],
    );
    let mut headers: Vec<(String, String)> = s["headers"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("twitch-eventsub-message-type"))
        .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    headers.push((
        "Twitch-Eventsub-Message-Type".into(),
        "webhook_callback_verification".into(),
    ));
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let r = request(listener.receiver, "POST", "/twitch", &refs, body.as_bytes());
    assert_eq!((r.status, r.text().as_str()), (200, "pogchamp-kappa"));
    // The same challenge with a bad signature is not echoed.
    let mut bad = refs.clone();
    for h in &mut bad {
        if h.0
            .eq_ignore_ascii_case("Twitch-Eventsub-Message-Signature")
        {
            h.1 = "sha256=0000000000000000000000000000000000000000000000000000000000000000";
        }
    }
    let r = request(listener.receiver, "POST", "/twitch", &bad, body.as_bytes());
    assert_ne!(r.text(), "pogchamp-kappa");

    // Zoom endpoint.url_validation: plainToken + encryptedToken.
    let body = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let s = sign(&env, &["zoom", "--secret", "zoom-hs", "--data", body]);
    let headers: Vec<(String, String)> = s["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let r = request(listener.receiver, "POST", "/zoom", &refs, body.as_bytes());
    assert_eq!(r.status, 200);
    let reply = r.json();
    assert_eq!(reply["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    // hex(HMAC-SHA256("zoom-hs", "qgg8vlvZRS6UYooatFL8Aw")), computed independently.
    assert_eq!(reply["encryptedToken"].as_str().unwrap().len(), 64);
    let expected = hmac_sha256_hex(b"zoom-hs", b"qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(reply["encryptedToken"], expected);
}

/// An independent HMAC-SHA256 (RFC 2104 over the sha2 crate's SHA-256).
fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let inner = Sha256::digest(&inner);
    let outer: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(inner.iter().copied())
        .collect();
    Sha256::digest(&outer)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn config_secrets_and_generic_schemes() {
    let env = Env::new();
    std::fs::write(env.path("work/stripe.secret"), "whsec_from_file\n").unwrap();
    std::fs::write(
        env.path("work/whisper.toml"),
        r#"
[secrets]
stripe = "@stripe.secret"
acme = ["old-acme-key", "new-acme-key"]

[[scheme]]
name = "acme"
header = "X-Acme-Signature"
algorithm = "sha256"
encoding = "hex"
prefix = "sha256="
timestamp_header = "X-Acme-Timestamp"
template = "{timestamp}.{body}"
tolerance = 300
"#,
    )
    .unwrap();
    let listener = env.listen(&[]);
    let url = format!("http://{}/in", listener.receiver);
    env.ok(&["sign", "stripe", "--data", "{}", "--send", &url]);
    env.ok(&[
        "sign",
        "acme",
        "--secret",
        "new-acme-key",
        "--data",
        "{}",
        "--send",
        &url,
    ]);
    env.ok(&[
        "sign", "acme", "--secret", "wrong", "--data", "{}", "--send", &url,
    ]);
    let verdicts: Vec<(String, String)> = (1..=3)
        .map(|id| {
            let v = env.json(&["show", &id.to_string(), "--json"])["verification"].clone();
            (
                v["provider"].as_str().unwrap().to_owned(),
                v["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("stripe".into(), "valid".into()),
            ("acme".into(), "valid".into()),
            ("acme".into(), "invalid".into())
        ]
    );

    // Unknown providers in [secrets] or --secret are named.
    std::fs::write(env.path("work/whisper.toml"), "[secrets]\nstrpe = 'x'\n").unwrap();
    let out = env.run(&["list"]);
    let out2 = env.run(&["listen", "--port", "0", "--inspect-port", "0"]);
    assert_eq!(out.status.code(), Some(0), "list does not need secrets");
    assert_eq!(out2.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out2.stderr).contains("unknown provider `strpe`"));
}
