#!/usr/bin/env node
// SDK sign: the provider's official npm SDK signs a request, whisper then verifies it.
// stdin : {"provider", "secret", "body", "url", "timestamp", "id"}
// stdout: {"sdk", "method":"POST", "url", "headers":{…}, "body"} | {"skip":…}
import { randomUUID } from "node:crypto";
import { formParams, looksLikeJson, need, run, sdk } from "./common.mjs";

const contentType = (body) => (looksLikeJson(body) ? "application/json" : "application/x-www-form-urlencoded");
const timestamp = (d) => (d.timestamp == null ? Math.floor(Date.now() / 1000) : Number(d.timestamp));
const messageId = (d) => d.id || `msg_${randomUUID().replaceAll("-", "")}`;

function signed(d, name, headers, url = d.url ?? null) {
  return { sdk: name, method: "POST", url, headers: { "Content-Type": contentType(d.body), ...headers }, body: d.body };
}

async function github(d) {
  const [{ sign }, name] = await sdk("@octokit/webhooks-methods");
  return signed(d, name, { "X-Hub-Signature-256": await sign(d.secret, d.body) });
}

async function stripe(d) {
  const [{ default: Stripe }, name] = await sdk("stripe");
  const header = Stripe.webhooks.generateTestHeaderString({ payload: d.body, secret: d.secret, timestamp: timestamp(d) });
  return signed(d, name, { "Stripe-Signature": header });
}

async function swh(d, pkg, prefix) {
  const [{ Webhook }, name] = await sdk(pkg);
  const [ts, id] = [timestamp(d), messageId(d)];
  const sig = new Webhook(d.secret).sign(id, new Date(ts * 1000), d.body);
  return signed(d, name, { [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(ts), [`${prefix}-signature`]: sig });
}

async function twilio(d) {
  const [{ default: twilio }, name] = await sdk("twilio");
  let url = need(d, "url", '"url" (Twilio signs the full URL)');
  let params = formParams(d.body);
  if (looksLikeJson(d.body)) {
    // JSON bodies: Twilio appends bodySHA256 to the URL and signs the URL alone.
    url += (url.includes("?") ? "&" : "?") + "bodySHA256=" + twilio.getExpectedBodyHash(d.body);
    params = {};
  }
  return signed(d, name, { "X-Twilio-Signature": twilio.getExpectedTwilioSignature(d.secret, url, params) }, url);
}

await run(
  {
    github,
    stripe,
    "standard-webhooks": (d) => swh(d, "standardwebhooks", "webhook"),
    svix: (d) => swh(d, "svix", "svix"),
    twilio,
  },
  "signs",
);
