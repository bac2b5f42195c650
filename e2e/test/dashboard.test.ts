// The dashboard in a real browser (Debian's Chromium through playwright-core), against the call
// centre and the carrier as two processes: sign in, watch a call arrive live while the carrier places
// it, play a voicemail, reply to a text and see it reach the handset, and check the day's metrics
// against the calls made, and follow a caller through Billing's line to an agent. A screenshot of
// every page is kept in test-artifacts/dashboard/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { chromiumPath } from "@callcentre/testkit";
import { said, startSystem } from "./system.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/dashboard/", import.meta.url));
const CALLER = "+61255500100";
const TEXTER = "+61491570156";
const WAIT = { timeout: 15_000 };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 768, height: 1024 };
/** What the pages must never show people: the identifiers stored for steps, outcomes, statuses. */
const INTERNAL = /\b(?:call|menu|transfer|voicemail|callback|hours)\.[a-z-]+\b|voicemail-offered|closed-holiday|\bnone\b|in-progress|no-answer|outbound-api|outbound-dial|\binbound\b/;

test("the dashboard, in Chromium, follows the calls and texts the carrier carries", async (t) => {
  const { carrier, centreUrl, dataDir } = await startSystem(t);
  const password = readFileSync(join(dataDir, "dashboard-password"), "utf8").trim();
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
  });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // The refused sign-in is answered 401 on purpose; the browser reports that as an error.
    if (message.type() === "error" && !message.location().url.endsWith("/login")) problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  const shot = (name: string, target: Page = page) => target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  /** The page's visible text: people's words, never the stored identifiers. */
  const words = async () => {
    const text = await page.locator("main").innerText();
    assert.doesNotMatch(text, INTERNAL, text);
    return text;
  };

  await t.test("signing in: a wrong password is refused, the right one opens the Live page", async () => {
    await page.goto(`${centreUrl}/`);
    assert.equal(new URL(page.url()).pathname, "/login");
    await shot("login");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That password is not right.").waitFor(WAIT);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Live" }).waitFor(WAIT);
    await page.locator("body[data-live-connected=true]").waitFor(WAIT);
  });

  let salesCall = "";
  await t.test("a call appears live while the carrier places it, waits for Sales, then talks to the agent", async () => {
    assert.equal(await page.locator("tr[data-call]").count(), 0);
    salesCall = await carrier.placeCall(CALLER);
    await page.locator(`tr[data-call="${salesCall}"]`).waitFor(WAIT);
    await carrier.settled(salesCall);
    await carrier.press(salesCall, "3");
    const queue = page.locator('section.queue[data-department="Sales"]');
    await queue.waitFor(WAIT);
    assert.match(await queue.innerText(), /Sales\s+1 waiting/);
    assert.match(await queue.innerText(), new RegExp(`\\${CALLER} waiting \\d+:\\d\\d`));
    // Once the caller's wait has ticked on from the snapshot, "longest wait now" still shows the same.
    const wait = queue.locator(".ticker");
    const first = await wait.innerText();
    await page.waitForFunction((shown) => document.querySelector("section.queue .ticker")?.textContent !== shown, first, WAIT);
    const [longest, caller] = await page.evaluate(() => [document.querySelector('[data-metric="longest"]')?.textContent, document.querySelector("section.queue .ticker")?.textContent]);
    assert.equal(longest, caller, "longest wait now = the longest wait listed");
    assert.match(await page.locator(`tr[data-call="${salesCall}"]`).innerText(), /Ringing the department: Sales/);
    await words();
    await shot("live-waiting");
    const [isla] = (await carrier.phoneCalls("+61491570130")).calls;
    await carrier.answer(isla?.sid ?? "");
    await page.locator(`tr[data-call="${salesCall}"] .state.talking`).getByText("talking to Isla Taylor").waitFor(WAIT);
    assert.equal(await queue.count(), 0, "nobody waits once the agent answers");
    await carrier.advance(42);
    await carrier.hangup(isla?.sid ?? "");
    await page.locator(`tr[data-call="${salesCall}"]`).waitFor({ state: "detached", ...WAIT });
    await shot("live");
  });

  let recordingSid = "";
  await t.test("a voicemail left on the Faults line is listed with its transcription and plays in the page", async () => {
    const sid = await carrier.placeCall(CALLER);
    await carrier.settled(sid);
    await carrier.press(sid, "2");
    await carrier.advance(25);
    await carrier.settled(sid);
    await carrier.say(sid, "Hi this is Sam at 12 Smith Street the power has been out since lunchtime");
    await carrier.press(sid, "#");
    await page.getByRole("link", { name: "Voicemail" }).click();
    const card = page.locator("article.voicemail").first();
    await card.waitFor(WAIT);
    // The transcription arrives a moment after the recording: reload until it is there.
    for (let i = 0; i < 50 && !/power has been out/i.test(await card.locator(".transcription").innerText()); i++) {
      await page.waitForTimeout(100);
      await page.reload();
    }
    assert.match(await card.locator(".transcription").innerText(), /power has been out since lunchtime/i);
    recordingSid = (await card.getAttribute("data-recording")) ?? "";
    const played = await card.locator("audio").evaluate(async (audio: HTMLAudioElement) => {
      audio.muted = true;
      await audio.play();
      await new Promise((resolve) => (audio.ended ? resolve(null) : audio.addEventListener("ended", resolve, { once: true })));
      return { duration: audio.duration, ended: audio.ended, error: audio.error?.code ?? null };
    });
    assert.equal(played.error, null);
    assert.ok(played.ended && played.duration > 1, JSON.stringify(played));
    await words();
    await shot("voicemail");
    // Call back: the customer's phone rings, and the call starts with who is calling.
    await card.getByRole("button", { name: "Call back" }).click();
    await page.getByText("Calling the customer back now.").waitFor(WAIT);
    const ringing = (await carrier.phoneCalls(CALLER)).calls.find((c) => c.status === "ringing");
    assert.ok(ringing, "the customer's phone rings");
    await carrier.answer(ringing.sid);
    const back = await carrier.settled(ringing.sid);
    assert.deepEqual(said(back).slice(0, 2), ["This is Bluegum Energy returning your call.", "Connecting you to our faults team."]);
    await carrier.hangup(ringing.sid);
    await card.getByRole("button", { name: "Mark handled" }).click();
    await page.getByText("Marked as handled.").waitFor(WAIT);
    assert.equal(await page.locator(`article[data-recording="${recordingSid}"]`).count(), 0);
  });

  await t.test("a text lands in the inbox; the reply typed on the page arrives on the handset", async () => {
    await carrier.text(TEXTER, "Hello, my bill looks wrong this month");
    await carrier.messages(TEXTER, 1); // the acknowledgement
    await page.getByRole("link", { name: "Messages" }).click();
    const item = page.locator("ul.inbox li").filter({ hasText: "my bill looks wrong" });
    await item.waitFor(WAIT);
    await words();
    await shot("messages");
    await item.getByRole("link", { name: TEXTER }).click();
    await page.getByLabel("Reply").fill("Hi! We have checked your bill and corrected it. Sorry about that.");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Reply sent.").waitFor(WAIT);
    const { messages } = await carrier.messages(TEXTER, 2);
    assert.ok(
      messages.some((m) => m.body === "Hi! We have checked your bill and corrected it. Sorry about that." && m.from === "+61255501234"),
      JSON.stringify(messages),
    );
    await words();
    await shot("conversation");
  });

  await t.test("the day's metrics match the calls and texts made", async () => {
    await page.getByRole("link", { name: "Metrics" }).click();
    const metric = (key: string) => page.locator(`[data-metric="${key}"]`).innerText();
    await page.locator('[data-metric="voicemails"]').getByText("1").waitFor(WAIT);
    assert.equal(await metric("calls"), "2");
    assert.equal(await metric("offered"), "2", "one call to Sales, one to Faults");
    assert.equal(await metric("answered"), "1");
    assert.equal(await metric("deflected"), "1", "Faults did not answer: on to voicemail");
    assert.equal(await metric("abandoned"), "0");
    assert.match(await metric("service-level"), /^100\.0 %$/, "answered within 20 s of the carrier's instant answer");
    assert.equal(await metric("sms-in"), "1");
    assert.equal(await metric("sms-out"), "2", "the acknowledgement and the reply");
    assert.equal(await page.locator("svg.chart rect[data-count='2']").count(), 1, "both calls in the same hour");
    await words();
    await shot("metrics");
  });

  await t.test("the call log, a call's page, subscribers and the flow", async () => {
    await page.getByRole("link", { name: "Calls", exact: true }).click();
    assert.match(await words(), /3 calls;/, "two received, one placed back");
    await shot("calls");
    await page.goto(`${centreUrl}/calls/${salesCall}`);
    assert.match(await page.locator("ol.steps").innerText(), /^\d\d:\d\d:\d\d Agent answered: Sales · Isla Taylor$/m);
    await words();
    await shot("call");
    await page.getByRole("link", { name: "Subscribers" }).click();
    await page.getByRole("heading", { name: "Subscribers" }).waitFor(WAIT);
    await shot("subscribers");
    await page.getByRole("link", { name: "Flow" }).click();
    assert.equal(await page.locator("svg g.node[data-node='main-menu']").count(), 1);
    await shot("flow");
  });

  await t.test("Billing's line live: the caller first in line, the offer ringing for Noah, then Noah on the call and in wrap-up", async () => {
    await page.goto(`${centreUrl}/`);
    await page.locator("body[data-live-connected=true]").waitFor(WAIT);
    /** The owner changes an agent's state, as a supervisor would (POST /api/agents/<id>/state). */
    const setState = (id: string, state: string, reason?: string) =>
      page.evaluate(
        async ([id, state, reason]) => {
          const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";
          const response = await fetch(`/api/agents/${id}/state`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-csrf-token": csrf },
            body: JSON.stringify(reason ? { state, reason } : { state }),
          });
          return response.status;
        },
        [id, state, reason] as const,
      );
    assert.equal(await setState("ava", "break", "lunch"), 200);
    const line = page.locator('section.line[data-line="billing"]');
    await line.locator('li[data-state="break"]').getByText("Ava Nguyen (lunch)").waitFor(WAIT);

    // Ava is on a break, so she is signed in: the caller waits in the line.
    const sid = await carrier.placeCall(CALLER);
    await carrier.settled(sid);
    await carrier.press(sid, "1");
    await carrier.press(sid, "2");
    const place = line.locator("li[data-entry]");
    await place.waitFor(WAIT);
    assert.match(await line.locator("h3").innerText(), /^Billing\s+1 waiting$/);
    assert.match(await place.innerText(), new RegExp(`^\\${CALLER} waiting \\d+:\\d\\d$`));
    // The line's longest wait ticks with its caller's.
    const first = await place.locator(".ticker").innerText();
    await page.waitForFunction((shown) => document.querySelector("section.line li[data-entry] .ticker")?.textContent !== shown, first, WAIT);
    const [longest, caller] = await page.evaluate(() => [
      document.querySelector('section.line [data-metric="line-longest"]')?.textContent,
      document.querySelector("section.line li[data-entry] .ticker")?.textContent,
    ]);
    assert.equal(longest, caller);
    assert.equal(await page.locator('section.queue[data-department="Billing"]').count(), 0, "a line's caller is listed once, in the line");
    await words();
    await shot("live-line-waiting");

    // Noah is ready: the ACD offers him the caller; his phone rings.
    assert.equal(await setState("noah", "available"), 200);
    await place.getByText("offered to Noah Williams").waitFor(WAIT);
    const noahRow = page.locator('tr[data-agent="noah"]');
    assert.match(await noahRow.innerText(), new RegExp(`busy \\(offered\\)[\\s\\S]*ringing: Billing · \\${CALLER} since \\d+:\\d\\d`));
    await shot("live-line-offered");
    const offer = (await carrier.phoneCalls("+61491570111")).calls.findLast((c) => c.status === "ringing");
    assert.ok(offer, "Noah's phone rings");
    await carrier.answer(offer.sid);
    await carrier.settled(offer.sid);
    await carrier.press(offer.sid, "1");
    // The caller hears the recording notice (on the carrier's clock), then joins Noah.
    for (let i = 0; i < 20 && (await carrier.settled(sid)).activity !== "bridged"; i++);
    assert.equal((await carrier.call(sid)).activity, "bridged");
    await noahRow.getByText("busy (on a call)").waitFor(WAIT);
    await line.getByText("Nobody in line.").waitFor(WAIT);
    assert.match(await noahRow.innerText(), new RegExp(`Billing · \\${CALLER} since \\d+:\\d\\d`));
    await words();
    await shot("live-agents");
    await page.setViewportSize(PHONE);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the Live page with a line is ${overflow}px wider than a phone`);
    await shot("phone-live-line");
    await page.setViewportSize(TABLET);
    const tabletOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(tabletOverflow <= 0, `the Live page with a line is ${tabletOverflow}px wider than a tablet`);
    await shot("tablet-live-line");
    await page.setViewportSize(DESKTOP);

    // They talk, then the caller hangs up: Noah wraps up, and the call's page shows who answered.
    await carrier.advance(20);
    await carrier.hangup(sid);
    await noahRow.getByText("wrap-up").waitFor(WAIT);
    await page.goto(`${centreUrl}/calls/${sid}`);
    assert.match(await page.locator("main table").first().innerText(), /Billing\t0:\d\d\tanswered\tNoah Williams/);
    await words();
    await shot("call-line");

    // The day's figures for the line: one caller offered, answered within the service level.
    await page.getByRole("link", { name: "Metrics" }).click();
    const row = page.locator('table.line-metrics tr[data-line="billing"]');
    assert.match(await row.innerText(), /^Billing\t1\t1\t0\t0\t0\t100\.0 %\t0\.0 %\t\d+\.\d s\t0\t0:00\t0 \/ 0 \/ 0\t— \(0\)$/);
    await words();
    await shot("metrics-lines");
  });

  await t.test("every page fits a phone-sized screen", async () => {
    await page.setViewportSize(PHONE);
    for (const path of ["/", "/calls", "/voicemail", "/messages", "/subscribers", "/metrics", "/reports", "/flow"]) {
      await page.goto(`${centreUrl}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the screen`);
      await shot(`phone${path === "/" ? "-live" : path.replace("/", "-")}`);
    }
  });

  await t.test("signing out ends the session", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Password").waitFor(WAIT);
    await page.goto(`${centreUrl}/calls`);
    assert.equal(new URL(page.url()).pathname, "/login");
  });

  assert.deepEqual(problems, []);
});
