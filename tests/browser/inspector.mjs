// Drives a real headless Chromium against the inspector page for the
// integration test `browser` (tests/integration/browser.rs), which starts and
// restarts `whisper listen` and talks to this script over stdin/stdout, one
// JSON object per line:
//
//   argv:    <inspector URL> <receiver URL>
//   stdout:  {"step":"first", ...}         page is live, captures shown
//   stdin:   {"stopped":true}              the listener was stopped
//   stdout:  {"step":"reconnecting", ...}  the page noticed
//   stdin:   {"receiver":URL,"id":N}       restarted (same store, same inspector
//                                          port); capture N was posted meanwhile
//   stdout:  {"step":"done", ...}          the page showed N and a live capture
//
// On failure it prints {"error": "..."} and exits 1. With WHISPER_SCREENSHOT
// set to a path, it saves a screenshot of the page there (the README's).

import { createHmac } from "node:crypto";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const [inspector, firstReceiver] = process.argv.slice(2);
const TIMEOUT = 30_000;
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const log = [];

async function nextMessage() {
  const { value, done } = await lines.next();
  if (done) throw new Error("the test closed stdin");
  return JSON.parse(value);
}

async function post(receiver, path, { method = "POST", type, body, headers = {} }) {
  const response = await fetch(new URL(path, receiver), {
    method,
    headers: { ...(type ? { "Content-Type": type } : {}), ...headers },
    body,
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return (await response.json()).id;
}

// The listener knows these secrets (the test passes them with --secret):
// the Stripe event verifies, the GitHub one is signed with another key.
const STRIPE_SECRET = "whsec_whisperDemoSecret";
const WRONG_GITHUB_SECRET = "not-the-configured-secret";
const hmac = (key, text) => createHmac("sha256", key).update(text).digest("hex");

/** A few realistic webhooks: a Stripe-style event, a form post, a binary upload. */
async function postExamples(receiver) {
  const stripe = JSON.stringify({
    id: "evt_1QbW2xLkdIwHu7ix",
    object: "event",
    api_version: "2024-06-20",
    created: 1732540835,
    type: "invoice.paid",
    data: {
      object: {
        id: "in_1QbW2vLkdIwHu7ixq0T3",
        object: "invoice",
        amount_paid: 4900,
        currency: "eur",
        customer: "cus_R3kq9mXe2bTz",
        customer_email: "ada@example.com",
        lines: { object: "list", data: [{ description: "Pro plan × 1", amount: 4900 }] },
        paid: true,
        status: "paid",
      },
    },
    livemode: false,
  });
  const push = JSON.stringify({ ref: "refs/heads/main", after: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", pusher: { name: "ada" } });
  const now = Math.floor(Date.now() / 1000);
  const ids = {};
  ids.github = await post(receiver, "/hooks/github", {
    type: "application/json",
    headers: {
      "X-GitHub-Event": "push",
      "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "X-Hub-Signature-256": `sha256=${hmac(WRONG_GITHUB_SECRET, push)}`,
    },
    body: push,
  });
  ids.form = await post(receiver, "/hooks/twilio/sms", {
    type: "application/x-www-form-urlencoded",
    body: "MessageSid=SM4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d&From=%2B15551234567&To=%2B15557654321&Body=Running+10+minutes+late+%F0%9F%9A%B2&NumMedia=0",
  });
  const png = Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0xf3, 0xff,
    ...Array.from({ length: 72 }, (_, i) => (i * 37 + 11) % 256),
  ]);
  ids.binary = await post(receiver, "/uploads/avatar.png", { method: "PUT", type: "image/png", body: png });
  ids.stripe = await post(receiver, "/hooks/stripe?account=acct_1Nv0", {
    type: "application/json; charset=utf-8",
    headers: {
      "Stripe-Signature": `t=${now},v1=${hmac(STRIPE_SECRET, `${now}.${stripe}`)}`,
      "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    },
    body: stripe,
  });
  return ids;
}

const row = (page, id) => page.locator(`#list li[data-id="${id}"]`);

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.WHISPER_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.setDefaultTimeout(TIMEOUT);
    page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    await page.goto(inspector);
    await page.locator('#conn[data-state="live"]').waitFor();
    await page.evaluate(() => { window.__sameDocument = true; });

    // Live: each posted capture appears in the list.
    const ids = await postExamples(firstReceiver);
    for (const id of Object.values(ids)) await row(page, id).waitFor();

    await row(page, ids.stripe).click();
    await page.locator("#detail pre", { hasText: '"type": "invoice.paid"' }).waitFor();
    if (process.env.WHISPER_SCREENSHOT) {
      await page.mouse.move(1000, 700);
      await page.screenshot({ path: process.env.WHISPER_SCREENSHOT, animations: "disabled" });
    }

    // Request data is text, never markup.
    const hostile = await post(firstReceiver, "/hooks/<b>x</b>", {
      type: "text/html",
      body: '<img src=x onerror="window.__injected=1"><script>window.__injected=2</script>',
    });
    await row(page, hostile).click();
    await page.locator("#detail pre", { hasText: "<img src=x" }).waitFor();
    const injected = await page.evaluate(() => ({
      flag: window.__injected ?? null,
      elements: document.querySelectorAll("#detail img, #detail script, #list b").length,
    }));

    // The detail view: a form as a table, binary as hex, JSON pretty-printed.
    await row(page, ids.form).click();
    await page.locator("#detail td", { hasText: "Running 10 minutes late" }).waitFor();
    await row(page, ids.binary).click();
    await page.locator("#detail pre", { hasText: "89 50 4e 47 0d 0a 1a 0a" }).waitFor();
    await row(page, ids.stripe).click();
    await page.locator("#detail pre", { hasText: '"type": "invoice.paid"' }).waitFor();
    const detail = await page.locator("#detail").innerText();

    // The replay button sends the capture again, here to the receiver itself;
    // the result and the new delivery show up in place.
    await page.fill("#replay-to", firstReceiver);
    await page.click("#replay");
    await page.locator("#replay-result", { hasText: "answered 200" }).waitFor();
    const deliveries = page.locator("#detail table").last();
    await deliveries.locator("td", { hasText: "replay" }).waitFor();
    const replayed = await deliveries.innerText();

    // The filter box hides what does not match.
    await page.fill("#filter", "stripe");
    const visible = await page.locator("#list li:visible").count();
    await page.fill("#filter", "");

    // A narrow window stacks list and detail.
    await page.setViewportSize({ width: 420, height: 800 });
    const stacked = await page.evaluate(() => {
      const list = document.getElementById("list-pane").getBoundingClientRect();
      const detail = document.getElementById("detail").getBoundingClientRect();
      return detail.top >= list.bottom - 1 && detail.width > 300;
    });
    await page.setViewportSize({ width: 1280, height: 760 });

    say({ step: "first", ids, hostile, injected, detail, replayed, visible, stacked });

    // The listener goes away: the page says so.
    const stopped = await nextMessage();
    if (!stopped.stopped) throw new Error(`unexpected message ${JSON.stringify(stopped)}`);
    await page.locator('#conn[data-state="reconnecting"]').waitFor();
    say({ step: "reconnecting" });

    // It comes back on the same port: the page resumes by itself, gets what
    // was stored while it was away, then live captures again.
    const back = await nextMessage();
    await row(page, back.id).waitFor();
    await page.locator('#conn[data-reconnects="1"]').waitFor();
    const live = await post(back.receiver, "/hooks/after-restart", { type: "application/json", body: '{"again":true}' });
    await row(page, live).waitFor();
    const state = await page.evaluate(() => ({
      sameDocument: window.__sameDocument === true,
      connection: document.getElementById("conn").dataset.state,
      reconnects: Number(document.getElementById("conn").dataset.reconnects),
      rows: Array.from(document.querySelectorAll("#list li"), (li) => Number(li.dataset.id)),
    }));
    say({ step: "done", live, ...state, log });
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    say({ error: String(e && e.stack ? e.stack : e), log });
    process.exit(1);
  },
);
