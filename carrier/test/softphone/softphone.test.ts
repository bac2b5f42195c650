// The softphone in a real browser (Debian's Chromium through playwright-core) against a real
// carrier on the real clock and a tiny TwiML app: call a menu and press 1, text the app, answer a
// call that rings on the handset and speak to it, then read the call's timeline on calls.html.
// Every wait is on a condition (Playwright's auto-waiting locators), never a fixed sleep.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { buildCarrier } from "../../src/app.js";
import { RealClock } from "../../src/clock.js";
import { DESKTOP, PHONE, WAIT, PageProblems, launchChromium, listen, screenshot, xml, twimlApp } from "./browser.js";

const ACCOUNT_SID = `AC${"0".repeat(31)}1`;
const AUTH_TOKEN = "softphone-test-token";
const APP_NUMBER = "+15005550006";
const MY_NUMBER = "+61491570001";
/** The TwiML app behind +15005550006: a one-key menu, an SMS echo and a speech question. */
function stubApp(): Server {
  return twimlApp({
    "/voice": () => `<Gather numDigits="1" action="/pressed"><Say>Press 1 for sales.</Say></Gather>`,
    "/pressed": (form) => `<Say>You pressed ${xml(form.get("Digits") ?? "")}.</Say><Hangup/>`,
    "/sms": (form) => `<Message>Got: ${xml(form.get("Body") ?? "")}</Message>`,
    "/outbound": () => `<Gather input="speech" action="/heard" speechTimeout="5"><Say>Who is calling?</Say></Gather>`,
    "/heard": (form) => `<Say>Nice to meet you, ${xml(form.get("SpeechResult") ?? "")}.</Say><Hangup/>`,
  });
}

test("the softphone calls a menu, texts, answers a call and shows timelines", { timeout: 40_000 }, async (t) => {
  // One hook, in order: the browser first (its event streams would hold the carrier open), then
  // the carrier, then the app it calls.
  const stub = stubApp();
  const open: { browser?: Browser; carrier?: FastifyInstance } = {};
  const problems = new PageProblems();
  t.after(async () => {
    // Shown with the results when a step failed before the final check.
    for (const problem of await problems.list()) t.diagnostic(problem);
    await open.browser?.close();
    await open.carrier?.close();
    stub.closeAllConnections();
    await new Promise<void>((resolve) => stub.close(() => resolve()));
  });
  const stubUrl = await listen(stub);

  const { app, store } = await buildCarrier({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    publicUrl: "http://127.0.0.1",
    clock: new RealClock(),
    logger: false,
  });
  open.carrier = app;
  const carrierUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  store.addNumber({ phoneNumber: APP_NUMBER, voiceUrl: `${stubUrl}/voice`, smsUrl: `${stubUrl}/sms` });

  const browser = await launchChromium();
  open.browser = browser;
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  problems.watch(page);

  await page.goto(`${carrierUrl}/`);
  await page.locator("body[data-ready=true]").waitFor(WAIT);
  assert.equal(await page.getByTestId("my-number").inputValue(), MY_NUMBER);
  assert.equal(await page.getByTestId("to-number").inputValue(), "+61255501234");
  const transcript = page.getByTestId("transcript");
  const status = page.getByTestId("call-status");

  await t.test("calls the menu and presses 1", async () => {
    await page.getByTestId("to-number").fill(APP_NUMBER);
    await page.getByTestId("call-button").click();
    await transcript.getByText("Press 1 for sales.").waitFor(WAIT);
    await page.getByTestId("call-activity").filter({ hasText: "in menu" }).waitFor(WAIT);
    assert.equal(await page.getByTestId("hangup-button").isEnabled(), true);
    await page.getByTestId("key-1").click();
    await transcript.getByText("You pressed 1.").waitFor(WAIT);
    await status.filter({ hasText: /^completed$/ }).waitFor(WAIT);
    await page.getByTestId("call-activity").filter({ hasText: "call ended" }).waitFor(WAIT);
    assert.equal(await page.getByTestId("call-button").isEnabled(), true);
    assert.equal(await page.getByTestId("hangup-button").isEnabled(), false);
    // The key went to the call, not into the number to call.
    assert.equal(await page.getByTestId("to-number").inputValue(), APP_NUMBER);
    // Keys pressed after the call ended (a second press, a late answer) do not start a new number.
    await page.getByTestId("key-1").click();
    await page.keyboard.press("2");
    assert.equal(await page.getByTestId("to-number").inputValue(), APP_NUMBER);
    assert.equal(await page.getByTestId("dialpad").getAttribute("data-mode"), "ended");
    await page.getByTestId("notice").filter({ hasText: "The call has ended" }).waitFor(WAIT);
    await screenshot(page, "softphone-after-call");
    await transcript.locator('[data-type="caller.digits"]', { hasText: "pressed 1" }).waitFor(WAIT);
    // The number is remembered for next time.
    assert.equal(await page.evaluate("localStorage.getItem('softphone.toNumber')"), APP_NUMBER);
  });

  await t.test("texts the app and gets its reply", async () => {
    await page.getByTestId("sms-to").fill(APP_NUMBER);
    await page.getByTestId("sms-body").fill("hello");
    await page.getByTestId("sms-send").click();
    const thread = page.getByTestId("sms-thread");
    await thread.locator('[data-direction="out"]', { hasText: "hello" }).waitFor(WAIT);
    await thread.locator('[data-direction="in"]', { hasText: "Got: hello" }).waitFor(WAIT);
    assert.equal(await page.getByTestId("sms-body").inputValue(), "");
  });

  await screenshot(page, "softphone");
  await page.setViewportSize(PHONE);
  await screenshot(page, "softphone-phone");
  await page.setViewportSize(DESKTOP);

  await t.test("answers a call ringing on the handset and speaks to it", async () => {
    const created = await fetch(`${carrierUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}` },
      body: new URLSearchParams({ To: MY_NUMBER, From: APP_NUMBER, Url: `${stubUrl}/outbound` }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const ringing = page.getByTestId("incoming-call").filter({ hasText: APP_NUMBER });
    await ringing.waitFor(WAIT);
    await screenshot(page, "softphone-ringing");
    await ringing.getByTestId("answer-button").click();
    await ringing.waitFor({ ...WAIT, state: "detached" });
    await transcript.getByText("Who is calling?").waitFor(WAIT);
    await page.getByTestId("call-listening").waitFor(WAIT);
    await page.getByTestId("say-input").fill("Alice");
    await page.getByTestId("say-button").click();
    await transcript.locator('[data-type="caller.speech"]', { hasText: "Alice" }).waitFor(WAIT);
    await transcript.getByText("Nice to meet you, Alice.").waitFor(WAIT);
    await status.filter({ hasText: /^completed$/ }).waitFor(WAIT);
  });

  await t.test("dials with the keypad and hangs up from the page", async () => {
    // Turning to the number to call is dialling again.
    await page.getByTestId("to-number").fill("");
    assert.equal(await page.getByTestId("dialpad").getAttribute("data-mode"), "dial");
    for (const key of ["0", ..."15005550006"]) await page.getByTestId(`key-${key}`).click();
    assert.equal(await page.getByTestId("to-number").inputValue(), APP_NUMBER);
    await page.getByTestId("call-button").click();
    await transcript.getByText("Press 1 for sales.").waitFor(WAIT);
    await page.getByTestId("hangup-button").click();
    await transcript.locator('[data-type="hangup"]', { hasText: "Hung up" }).waitFor(WAIT);
    await status.filter({ hasText: /^completed$/ }).waitFor(WAIT);
    assert.equal(await page.getByTestId("say-input").isDisabled(), true);
  });

  await t.test("calls.html lists the call and shows its timeline", async () => {
    await page.getByTestId("calls-link").click();
    await page.getByTestId("call-row").nth(2).waitFor(WAIT);
    assert.equal(await page.getByTestId("call-row").count(), 3);
    // Newest first: the menu call answered with 1 is the oldest.
    const row = page.getByTestId("call-row").last();
    assert.ok((await row.textContent())?.includes(`${MY_NUMBER} → ${APP_NUMBER}`));
    await row.getByTestId("call-open").click();
    const timeline = page.getByTestId("timeline-body");
    await timeline.locator('[data-type="say"]', { hasText: "Press 1 for sales." }).waitFor(WAIT);
    await timeline.locator('[data-type="gather.digits"]', { hasText: "digits=1" }).waitFor(WAIT);
    await timeline.locator('[data-type="say"]', { hasText: "You pressed 1." }).waitFor(WAIT);
    await timeline.locator('[data-type="status"]', { hasText: "completed" }).waitFor(WAIT);
    await page.getByTestId("call-summary").filter({ hasText: "completed" }).waitFor(WAIT);
    const seqs = await timeline.locator("tr td:first-child").allTextContents();
    assert.deepEqual(
      seqs.map(Number),
      seqs.map((_, i) => i),
    );
    await screenshot(page, "calls");
    await page.setViewportSize(PHONE);
    await screenshot(page, "calls-phone");
    await page.getByTestId("softphone-link").click();
    await page.locator("body[data-ready=true]").waitFor(WAIT);
  });

  assert.deepEqual(await problems.list(), []);
});
