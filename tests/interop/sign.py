#!/usr/bin/env python3
"""SDK sign: the provider's official Python SDK signs a request, whisper then verifies it.

stdin : {"provider", "secret", "body", "url", "timestamp", "id"}
stdout: {"sdk", "method": "POST", "url", "headers": {...}, "body"} | {"skip": "..."}
"""

import time
import uuid
from datetime import datetime, timezone

from common import form_params, looks_like_json, need, run, sdk


def content_type(body):
    return "application/json" if looks_like_json(body) else "application/x-www-form-urlencoded"


def timestamp(d):
    ts = d.get("timestamp")
    return int(time.time()) if ts is None else int(ts)


def message_id(d):
    return d.get("id") or f"msg_{uuid.uuid4().hex}"


def signed(d, name, headers, url=None):
    headers.setdefault("Content-Type", content_type(d["body"]))
    return {"sdk": name, "method": "POST", "url": url or d.get("url"), "headers": headers,
            "body": d["body"]}


def stripe(d):
    mod, name = sdk("stripe", "stripe")
    # stripe 16.1.0 has this public test helper; it wraps the private
    # WebhookSignature._compute_signature(f"{t}.{payload}", secret).
    header = mod.WebhookSignature.generate_signature_header(d["body"], d["secret"], timestamp=timestamp(d))
    return signed(d, name, {"Stripe-Signature": header})


def slack(d):
    mod, name = sdk("slack_sdk.signature", "slack-sdk")
    ts = str(timestamp(d))
    sig = mod.SignatureVerifier(d["secret"]).generate_signature(timestamp=ts, body=d["body"])
    return signed(d, name, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})


def _swh(d, module, dist, prefix):
    mod, name = sdk(module, dist)
    ts, msg_id = timestamp(d), message_id(d)
    when = datetime.fromtimestamp(ts, tz=timezone.utc)
    sig = mod.Webhook(d["secret"]).sign(msg_id, when, d["body"])
    return signed(d, name, {f"{prefix}-id": msg_id, f"{prefix}-timestamp": str(ts),
                            f"{prefix}-signature": sig})


def standard_webhooks(d):
    return _swh(d, "standardwebhooks.webhooks", "standardwebhooks", "webhook")


def svix(d):
    return _swh(d, "svix.webhooks", "svix", "svix")


def twilio(d):
    mod, name = sdk("twilio.request_validator", "twilio")
    url = need(d, "url", "\"url\" (Twilio signs the full URL)")
    validator = mod.RequestValidator(d["secret"])
    if looks_like_json(d["body"]):
        # JSON bodies: Twilio appends bodySHA256 to the URL and signs the URL alone.
        url += ("&" if "?" in url else "?") + "bodySHA256=" + validator.compute_hash(d["body"])
        sig = validator.compute_signature(url, {})
    else:
        sig = validator.compute_signature(url, form_params(d["body"]))
    return signed(d, name, {"X-Twilio-Signature": sig}, url=url)


HANDLERS = {
    "stripe": stripe,
    "slack": slack,
    "standard-webhooks": standard_webhooks,
    "svix": svix,
    "twilio": twilio,
}

if __name__ == "__main__":
    run(HANDLERS, "signs")
