#!/usr/bin/env node
// SDK verify: whisper signed a request, the provider's official npm SDK checks it.
// stdin : {"provider", "secret", "method", "url", "headers", "body", "body_base64"}
// stdout: {"ok":true,"sdk":…} | {"ok":false,"sdk":…,"error":…} | {"skip":…}
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { BadInput, formParams, lowerHeaders, need, rawBody, run, sdk } from "./common.mjs";

const result = (name, passed, error) => (passed ? { ok: true, sdk: name } : { ok: false, sdk: name, error });

/** Run an SDK call that throws on a bad signature (and may resolve to false). */
async function checked(name, call) {
  try {
    const passed = await call();
    return result(name, passed !== false, "SDK returned false");
  } catch (e) {
    if (e instanceof BadInput) throw e;
    return result(name, false, `${e.constructor?.name ?? e.name}: ${e.message.trim()}`);
  }
}

async function github(d) {
  const [{ verify }, name] = await sdk("@octokit/webhooks-methods");
  const sig = lowerHeaders(d)["x-hub-signature-256"] ?? "";
  const body = rawBody(d).toString("utf8");
  return checked(name, () => verify(d.secret, body, sig));
}

async function stripe(d) {
  const [{ default: Stripe }, name] = await sdk("stripe");
  const header = lowerHeaders(d)["stripe-signature"];
  const body = rawBody(d);
  return checked(name, () => Stripe.webhooks.signature.verifyHeader(body, header, d.secret, 300));
}

async function standardWebhooks(d) {
  const [{ Webhook }, name] = await sdk("standardwebhooks");
  const [body, h] = [rawBody(d).toString("utf8"), lowerHeaders(d)];
  return checked(name, () => new Webhook(d.secret).verify(body, h, { jsonParse: false }));
}

async function svix(d) {
  const [{ Webhook }, name] = await sdk("svix");
  const [body, h] = [rawBody(d).toString("utf8"), lowerHeaders(d)];
  // svix-node's verify() always JSON.parses the body after a match: non-JSON bodies fail here.
  return checked(name, () => new Webhook(d.secret).verify(body, h));
}

async function twilio(d) {
  const [{ default: twilio }, name] = await sdk("twilio");
  const url = need(d, "url", '"url" (Twilio signs the full URL)');
  const sig = lowerHeaders(d)["x-twilio-signature"] ?? "";
  const body = rawBody(d).toString("utf8");
  if (new URL(url).searchParams.has("bodySHA256")) {
    return checked(name, () => twilio.validateRequestWithBody(d.secret, sig, url, body));
  }
  return checked(name, () => twilio.validateRequest(d.secret, sig, url, formParams(body)));
}

async function square(d) {
  const [{ WebhooksHelper }, name] = await sdk("square");
  const notificationUrl = need(d, "url", '"url" (Square signs the notification URL)');
  const signatureHeader = lowerHeaders(d)["x-square-hmacsha256-signature"] ?? "";
  const requestBody = rawBody(d).toString("utf8");
  return checked(name, () =>
    WebhooksHelper.verifySignature({ requestBody, signatureHeader, signatureKey: d.secret, notificationUrl }));
}

async function paddle(d) {
  const [{ Paddle }, name] = await sdk("@paddle/paddle-node-sdk");
  const header = lowerHeaders(d)["paddle-signature"] ?? "";
  const body = rawBody(d).toString("utf8");
  // The API key is never used for webhook checks; isSignatureValid applies the 5 s window.
  return checked(name, () => new Paddle("interop-unused").webhooks.isSignatureValid(body, d.secret, header));
}

async function discord(d) {
  const [{ verifyKey }, name] = await sdk("discord-interactions");
  const h = lowerHeaders(d); // for discord the "secret" is the application's public key (hex)
  const [sig, ts] = [h["x-signature-ed25519"] ?? "", h["x-signature-timestamp"] ?? ""];
  return checked(name, () => verifyKey(rawBody(d), sig, ts, d.secret));
}

async function linear(d) {
  const [{ LinearWebhookClient }, name] = await sdk("@linear/sdk", "/webhooks");
  const sig = lowerHeaders(d)["linear-signature"] ?? "";
  // verify() also requires a numeric body.webhookTimestamp (ms) within 60 s of now.
  return checked(name, () => new LinearWebhookClient(d.secret).verify(rawBody(d), sig));
}

// Headers @shopify/shopify-api insists on besides the HMAC; filled in when whisper omits them,
// so that the check is about the signature. Events webhooks use the un-prefixed names.
const SHOPIFY_DEFAULTS = {
  webhooks: {
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": "interop-test.myshopify.com",
    "x-shopify-api-version": "2025-07",
    "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
  },
  events: {
    "shopify-topic": "orders/create",
    "shopify-shop-domain": "interop-test.myshopify.com",
    "shopify-api-version": "2025-07",
    "shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    "shopify-event-id": "0c8c61a2-5b5b-4a55-9d2c-0d6bd3c1c5d4",
  },
};

async function shopify(d) {
  // The adapter import has side effects only (it installs the Node request converter);
  // without it webhooks.validate() throws "Missing adapter implementation".
  await sdk("@shopify/shopify-api", "/adapters/node");
  const [{ shopifyApi, ApiVersion, LogSeverity }, name] = await sdk("@shopify/shopify-api");
  const headers = lowerHeaders(d);
  const kind = "shopify-hmac-sha256" in headers ? "events" : "webhooks";
  const filled = Object.keys(SHOPIFY_DEFAULTS[kind]).filter((k) => !headers[k]);
  for (const k of filled) headers[k] = SHOPIFY_DEFAULTS[kind][k];
  if (filled.length) console.error(`shopify: filled in headers whisper did not send: ${filled.join(", ")}`);

  const rawRequest = new IncomingMessage(new Socket());
  rawRequest.method = d.method ?? "POST";
  rawRequest.url = d.url ? new URL(d.url).pathname + new URL(d.url).search : "/webhooks";
  rawRequest.headers = headers;
  const api = shopifyApi({
    apiKey: "interop-test-key",
    apiSecretKey: d.secret,
    hostName: "interop.example.com",
    apiVersion: Object.values(ApiVersion).filter((v) => v !== "unstable").sort().at(-1),
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Error, log: (_sev, msg) => console.error(msg) },
  });
  const rawBodyText = rawBody(d).toString("utf8");
  const out = await api.webhooks.validate({ rawBody: rawBodyText, rawRequest });
  const why = [out.reason, out.missingHeaders?.join(",")].filter(Boolean).join(": ");
  return result(name, out.valid, `webhooks.validate: ${why}`);
}

await run(
  { github, stripe, "standard-webhooks": standardWebhooks, svix, twilio, square, paddle, discord, linear, shopify },
  "verifies",
);
