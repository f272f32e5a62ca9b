"""Shared plumbing for verify.py / sign.py: read one JSON object, print one JSON line."""

import base64
import contextlib
import importlib
import importlib.metadata
import json
import sys
from urllib.parse import parse_qsl

# Providers whisper knows; the ones no Python SDK covers answer {"skip": ...}.
ALIASES = {
    "standardwebhooks": "standard-webhooks",
    "standard_webhooks": "standard-webhooks",
    "paddle-billing": "paddle",
    "twitch-eventsub": "twitch",
}
KNOWN = {
    "github", "stripe", "slack", "shopify", "standard-webhooks", "svix", "twilio", "square",
    "paddle", "discord", "zoom", "linear", "twitch", "mailgun", "gitlab", "intercom",
}


class BadInput(Exception):
    """The caller sent something the script cannot work with (exit 2)."""


def die(msg, code):
    print(f"{sys.argv[0]}: {msg}", file=sys.stderr)
    sys.exit(code)


def read_input():
    try:
        data = json.loads(sys.stdin.buffer.read())
    except ValueError as e:
        raise BadInput(f"stdin is not one JSON object: {e}")
    if not isinstance(data, dict):
        raise BadInput("stdin must be a JSON object")
    provider = str(data.get("provider", "")).strip().lower().replace(" ", "-")
    provider = ALIASES.get(provider, provider)
    if provider not in KNOWN:
        raise BadInput(f"unknown provider {data.get('provider')!r}")
    data["provider"] = provider
    if not isinstance(data.get("secret"), str) or not data["secret"]:
        raise BadInput("missing \"secret\"")
    if not isinstance(data.get("body"), str) and data.get("body_base64") is None:
        raise BadInput("missing \"body\"")
    return data


def raw_body(data):
    """The exact body bytes: body_base64 wins; "body" must agree with it."""
    text = data.get("body")
    b64 = data.get("body_base64")
    if b64 is not None:
        raw = base64.b64decode(b64, validate=True)
        if text is not None and raw.decode("utf-8", "replace") != text:
            raise BadInput("\"body\" and \"body_base64\" disagree")
        return raw
    if text is None:
        raise BadInput("missing \"body\"")
    return text.encode("utf-8")


def lower_headers(data):
    headers = data.get("headers") or {}
    if not isinstance(headers, dict):
        raise BadInput("\"headers\" must be an object")
    return {str(k).lower(): str(v) for k, v in headers.items()}


def need(mapping, key, what=None):
    value = mapping.get(key)
    if value is None or value == "":
        raise BadInput(f"missing {what or repr(key)}")
    return value


def sdk(module, dist):
    """Import an SDK module; a missing package is a broken install, not a failed check."""
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        die(f"Python package {dist!r} is not installed ({e}); run tests/interop/install.sh", 3)
    return mod, f"{dist} {importlib.metadata.version(dist)}"


class MultiDict(dict):
    """key -> [values]. twilio-python only signs every value of a repeated key when the
    params object has getall()/getlist() (Flask/Django); a plain dict keeps one value."""

    def getall(self, key):
        return self[key]


def form_params(text):
    params = MultiDict()
    for k, v in parse_qsl(text, keep_blank_values=True):
        params.setdefault(k, []).append(v)
    return params


def looks_like_json(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def run(handlers, kind):
    """Dispatch to handlers[provider]; the handler returns the result dict to print."""
    real_stdout = sys.stdout
    try:
        data = read_input()
        handler = handlers.get(data["provider"])
        if handler is None:
            result = {"skip": f"no python SDK {kind} {data['provider']}"}
        else:
            # SDK chatter (loggers, prints) must never reach our one-line stdout.
            with contextlib.redirect_stdout(sys.stderr):
                result = handler(data)
    except BadInput as e:
        die(f"bad input: {e}", 2)
    real_stdout.write(json.dumps(result, separators=(",", ":")) + "\n")
    real_stdout.flush()
