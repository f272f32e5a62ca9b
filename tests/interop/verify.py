#!/usr/bin/env python3
"""SDK verify: whisper signed a request, the provider's official Python SDK checks it.

stdin : {"provider", "secret", "method", "url", "headers", "body", "body_base64"}
stdout: {"ok": true, "sdk": "..."} | {"ok": false, "sdk": "...", "error": "..."} | {"skip": "..."}
"""

import logging
import os
from urllib.parse import parse_qs, urlsplit

from common import BadInput, form_params, lower_headers, need, raw_body, run, sdk


def result(name, passed, error):
    return {"ok": True, "sdk": name} if passed else {"ok": False, "sdk": name, "error": error}


def checked(name, call):
    """Run an SDK call that raises on a bad signature (and may return False)."""
    try:
        passed = call()
    except BadInput:
        raise
    except Exception as e:  # the SDK's own complaint is the useful part
        return result(name, False, f"{type(e).__name__}: {e}")
    return result(name, passed is not False, "SDK returned False")


def stripe(d):
    mod, name = sdk("stripe", "stripe")
    h = lower_headers(d)
    return checked(name, lambda: mod.WebhookSignature.verify_header(
        raw_body(d), h.get("stripe-signature"), d["secret"], tolerance=300))


def slack(d):
    mod, name = sdk("slack_sdk.signature", "slack-sdk")
    verifier = mod.SignatureVerifier(d["secret"])
    return checked(name, lambda: verifier.is_valid_request(raw_body(d), lower_headers(d)))


def standard_webhooks(d):
    mod, name = sdk("standardwebhooks.webhooks", "standardwebhooks")
    body, h = raw_body(d), lower_headers(d)
    return checked(name, lambda: mod.Webhook(d["secret"]).verify(body, h, json_parse=False))


def svix(d):
    mod, name = sdk("svix.webhooks", "svix")
    body, h = raw_body(d), lower_headers(d)
    return checked(name, lambda: mod.Webhook(d["secret"]).verify(body, h))


def twilio(d):
    mod, name = sdk("twilio.request_validator", "twilio")
    url = need(d, "url", "\"url\" (Twilio signs the full URL)")
    sig = lower_headers(d).get("x-twilio-signature", "")
    body = raw_body(d).decode("utf-8")
    validator = mod.RequestValidator(d["secret"])
    if "bodySHA256" in parse_qs(urlsplit(url).query):
        # JSON body: a str as 2nd argument makes validate() check bodySHA256 as well.
        return checked(name, lambda: validator.validate(url, body, sig))
    return checked(name, lambda: validator.validate(url, form_params(body), sig))


def square(d):
    mod, name = sdk("square.utils.webhooks_helper", "squareup")
    sig = lower_headers(d).get("x-square-hmacsha256-signature", "")
    url = need(d, "url", "\"url\" (Square signs the notification URL)")
    return checked(name, lambda: mod.verify_signature(
        request_body=raw_body(d).decode("utf-8"), signature_header=sig,
        signature_key=d["secret"], notification_url=url))


class _Headers:
    def __init__(self, h):
        self._h = h

    def get(self, key, default=None):
        return self._h.get(key.lower(), default)


class _Request:  # the shape paddle_billing's Verifier reads
    def __init__(self, body, headers):
        self.body, self.headers = body, _Headers(headers)


def paddle(d):
    # TEST_MODE=1 in the environment would silently switch off the 5 s window.
    os.environ.pop("TEST_MODE", None)
    mod, name = sdk("paddle_billing.Notifications", "paddle-python-sdk")
    request = _Request(raw_body(d), lower_headers(d))
    said = []  # Verifier only logs why it says False; keep that as the error text
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: said.append(record.getMessage())
    logging.getLogger("paddle_billing").addHandler(handler)
    # Verifier (not PaddleSignature) so the 5-second timestamp window is checked too.
    out = checked(name, lambda: mod.Verifier().verify(request, mod.Secret(d["secret"])))
    if not out["ok"] and said:
        out["error"] = said[-1]
    return out


def discord(d):
    mod, name = sdk("nacl.signing", "PyNaCl")
    h = lower_headers(d)  # for discord the "secret" is the application's public key (hex)
    ts, sig = h.get("x-signature-timestamp", ""), h.get("x-signature-ed25519", "")
    try:
        key = mod.VerifyKey(bytes.fromhex(d["secret"]))
    except ValueError as e:
        raise BadInput(f"discord secret must be the 32-byte public key in hex: {e}")
    return checked(name, lambda: key.verify(ts.encode() + raw_body(d), bytes.fromhex(sig)))


HANDLERS = {
    "stripe": stripe,
    "slack": slack,
    "standard-webhooks": standard_webhooks,
    "svix": svix,
    "twilio": twilio,
    "square": square,
    "paddle": paddle,
    "discord": discord,
}

if __name__ == "__main__":
    run(HANDLERS, "verifies")
