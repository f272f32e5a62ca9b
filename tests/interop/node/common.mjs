// Shared plumbing for verify.mjs / sign.mjs: read one JSON object, print one JSON line.
import { readFileSync } from "node:fs";

const ALIASES = {
  standardwebhooks: "standard-webhooks",
  standard_webhooks: "standard-webhooks",
  "paddle-billing": "paddle",
  "twitch-eventsub": "twitch",
};
const KNOWN = new Set([
  "github", "stripe", "slack", "shopify", "standard-webhooks", "svix", "twilio", "square",
  "paddle", "discord", "zoom", "linear", "twitch", "mailgun", "gitlab", "intercom",
]);

export class BadInput extends Error {}

function die(msg, code) {
  process.stderr.write(`${process.argv[1]}: ${msg}\n`);
  process.exit(code);
}

function readInput() {
  let data;
  try {
    data = JSON.parse(readFileSync(0, "utf8"));
  } catch (e) {
    throw new BadInput(`stdin is not one JSON object: ${e.message}`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new BadInput("stdin must be a JSON object");
  const p = String(data.provider ?? "").trim().toLowerCase().replaceAll(" ", "-");
  data.provider = ALIASES[p] ?? p;
  if (!KNOWN.has(data.provider)) throw new BadInput(`unknown provider ${JSON.stringify(data.provider)}`);
  if (typeof data.secret !== "string" || !data.secret) throw new BadInput('missing "secret"');
  if (typeof data.body !== "string" && data.body_base64 == null) throw new BadInput('missing "body"');
  return data;
}

/** The exact body bytes: body_base64 wins; "body" must agree with it. */
export function rawBody(d) {
  if (d.body_base64 != null) {
    const raw = Buffer.from(d.body_base64, "base64");
    if (d.body != null && raw.toString("utf8") !== d.body) throw new BadInput('"body" and "body_base64" disagree');
    return raw;
  }
  return Buffer.from(d.body, "utf8");
}

export function lowerHeaders(d) {
  const h = d.headers ?? {};
  if (typeof h !== "object" || Array.isArray(h)) throw new BadInput('"headers" must be an object');
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

export function need(d, key, what) {
  if (d[key] == null || d[key] === "") throw new BadInput(`missing ${what ?? key}`);
  return d[key];
}

/** Import an SDK; a missing package is a broken install, not a failed check. */
export async function sdk(pkg, subpath = "") {
  let mod;
  try {
    mod = await import(pkg + subpath);
  } catch (e) {
    if (e.code === "ERR_MODULE_NOT_FOUND") die(`npm package '${pkg}' is not installed (${e.message}); run tests/interop/install.sh`, 3);
    throw e;
  }
  const { version } = JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), "utf8"));
  return [mod, `${pkg} ${version}`];
}

/** Form body -> {key: value | [values]} (twilio-node sorts and signs every value of an array). */
export function formParams(text) {
  const params = {};
  for (const [k, v] of new URLSearchParams(text)) {
    params[k] = Object.hasOwn(params, k) ? [].concat(params[k], v) : v;
  }
  return params;
}

export function looksLikeJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Dispatch to handlers[provider]; the handler resolves to the result object to print. */
export async function run(handlers, kind) {
  // SDK chatter (loggers, console.log) must never reach our one-line stdout.
  for (const level of ["log", "info", "debug", "warn"]) console[level] = (...a) => console.error(...a);
  let result;
  try {
    const data = readInput();
    const handler = handlers[data.provider];
    result = handler ? await handler(data) : { skip: `no node SDK ${kind} ${data.provider}` };
  } catch (e) {
    if (e instanceof BadInput) die(`bad input: ${e.message}`, 2);
    throw e;
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}
