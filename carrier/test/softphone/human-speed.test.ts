// The softphone at human speed, in a real browser against a carrier on the manual clock: a person
// types a voicemail slowly and the recording waits for them (typing is speaking); a caller and an
// agent on two softphones, bridged by <Dial>, each read what the other says; and "My number" takes
// effect as it is typed, but only once it is a number the carrier takes. The person's clock
// (Playwright's, in the page) and the carrier's move together and only when the test moves them;
// every other wait is on a condition.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { buildCarrier } from "../../src/app.js";
import type { Call } from "../../src/calls/call.js";
import { ManualClock } from "../../src/clock.js";
import { E164 } from "../../src/numbering.js";
import { sayMs } from "../../src/verbs/media.js";
import { DESKTOP, WAIT, PageProblems, launchChromium, listen, screenshot, twimlApp } from "./browser.js";

const ACCOUNT_SID = `AC${"0".repeat(31)}2`;
const VOICEMAIL_LINE = "+15005550006";
const HELP_LINE = "+15005550007";
const CALLER = "+61491570001";
const AGENT = "+61491570002";
const GREETING = "Please leave a message after the beep.";
const MESSAGE = "Hi, this is Sam. My order has not arrived yet, please call me back this afternoon.";
const T0 = Date.parse("2026-01-05T09:00:00Z");

/** The app: a voicemail line with a 5 s silence timeout, and a help line that rings the agent. */
function stubApp(): Server {
  return twimlApp({
    "/voicemail": () => `<Say>${GREETING}</Say><Record action="/recorded" timeout="5" maxLength="120" finishOnKey="#"/>`,
    "/recorded": () => "<Say>Thanks, we got your message.</Say><Hangup/>",
    "/help": () => `<Dial timeout="30"><Number>${AGENT}</Number></Dial>`,
  });
}

test("the softphone at human speed", { timeout: 60_000 }, async (t) => {
  const stub = stubApp();
  const open: { browser?: Browser; carrier?: FastifyInstance } = {};
  const problems = new PageProblems();
  t.after(async () => {
    for (const problem of await problems.list()) t.diagnostic(problem);
    await open.browser?.close();
    await open.carrier?.close();
    stub.closeAllConnections();
    await new Promise<void>((resolve) => stub.close(() => resolve()));
  });
  const stubUrl = await listen(stub);
  const clock = new ManualClock(new Date(T0));
  const { app, store, engine } = await buildCarrier({ accountSid: ACCOUNT_SID, authToken: "human-speed-token", publicUrl: "http://127.0.0.1", clock, logger: false });
  open.carrier = app;
  const carrierUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  store.addNumber({ phoneNumber: VOICEMAIL_LINE, voiceUrl: `${stubUrl}/voicemail` });
  store.addNumber({ phoneNumber: HELP_LINE, voiceUrl: `${stubUrl}/help` });
  const browser = await launchChromium();
  open.browser = browser;

  /** A softphone in a browser profile of its own; `personClock` puts the page's time in the test's hands. */
  const softphone = async (personClock = false): Promise<Page> => {
    const context = await browser.newContext({ viewport: DESKTOP });
    if (personClock) await context.clock.install({ time: new Date(T0) });
    const page = await context.newPage();
    problems.watch(page);
    await page.goto(`${carrierUrl}/`);
    await page.locator("body[data-ready=true]").waitFor(WAIT);
    if (personClock) await page.clock.pauseAt(new Date(T0 + 3_600_000));
    return page;
  };
  const callFrom = (number: string): Call => {
    const call = [...engine.calls.values()].find((c) => c.from === number && c.direction === "inbound" && !c.isEnded);
    assert.ok(call, `no call from ${number}`);
    return call;
  };

  await t.test("a voicemail typed slowly is recorded whole: typing keeps the recording open", async () => {
    const page = await softphone(true);
    const transcript = page.getByTestId("transcript");
    await page.getByTestId("to-number").fill(VOICEMAIL_LINE);
    await page.getByTestId("call-button").click();
    await transcript.getByText(GREETING).waitFor(WAIT);
    await clock.advance(sayMs(GREETING));
    await transcript.locator('[data-type="record"]').waitFor(WAIT);
    await page.getByTestId("call-activity").filter({ hasText: "recording" }).waitFor(WAIT);
    const call = callFrom(CALLER);

    // A word every 3 s, for far longer than the 5 s of silence that ends a recording.
    const say = page.getByTestId("say-input");
    const words = MESSAGE.split(" ");
    for (const [i, word] of words.entries()) {
      const reported = page.waitForResponse((r) => r.url().endsWith(`/calls/${call.sid}/typing`), WAIT);
      await say.pressSequentially(i === 0 ? word : ` ${word}`);
      assert.deepEqual(await (await reported).json(), { accepted: true }, "the softphone said the person is typing, and the recording heard it");
      await page.clock.runFor(3000);
      await clock.advance(3000);
      assert.equal(call.activity, "recording", `the recording is still open after “${word}”`);
    }
    assert.ok(words.length * 3 > 5 * 4, "the typing took several silence timeouts");
    await screenshot(page, "softphone-voicemail-typing");
    await say.press("Enter");
    await transcript.locator('[data-type="caller.speech"]', { hasText: MESSAGE }).waitFor(WAIT);
    assert.equal(await transcript.getByText("nobody heard this").count(), 0);

    // Then the person is quiet: 5 s of silence end the recording, with every word in it.
    await clock.advance(5000);
    const recorded = transcript.locator('[data-type="recorded"]');
    await recorded.waitFor(WAIT);
    assert.ok((await recorded.textContent())?.includes(MESSAGE), await recorded.textContent() ?? "");
    await transcript.getByText("Thanks, we got your message.").waitFor(WAIT);
    assert.equal(await transcript.locator('[data-type="record.empty"]').count(), 0);
    const typing = call.timeline.list().filter((e) => e.type === "caller.typing");
    assert.equal(typing.length, 1, "one burst of typing on the timeline, not a report a keystroke");
    await screenshot(page, "softphone-voicemail");
    await page.context().close();
  });

  await t.test("a caller and an agent bridged by <Dial> read each other's words; My number applies as it is typed", async () => {
    const caller = await softphone();
    const agent = await softphone();

    // The agent types their number; it takes effect without leaving the field.
    const mine = agent.getByTestId("my-number");
    await mine.selectText();
    await mine.pressSequentially(AGENT);
    await caller.getByTestId("to-number").fill(HELP_LINE);
    await caller.getByTestId("call-button").click();
    const ringing = agent.getByTestId("incoming-call").filter({ hasText: CALLER });
    await ringing.waitFor(WAIT);
    assert.equal(await agent.evaluate("document.activeElement?.dataset.testid"), "my-number", "no blur was needed");
    await ringing.getByTestId("answer-button").click();

    const callerLines = caller.getByTestId("transcript");
    const agentLines = agent.getByTestId("transcript");
    await callerLines.locator('[data-type="bridged"]').waitFor(WAIT);
    await agentLines.locator('[data-type="bridged"]').waitFor(WAIT);

    await caller.getByTestId("say-input").fill("Hello, is this the help desk?");
    await caller.getByTestId("say-button").click();
    await agentLines.locator('[data-type="heard"]', { hasText: "Hello, is this the help desk?" }).waitFor(WAIT);
    await agent.getByTestId("say-input").fill("Yes, how can I help?");
    await agent.getByTestId("say-input").press("Enter");
    await callerLines.locator('[data-type="heard"]', { hasText: "Yes, how can I help?" }).waitFor(WAIT);
    assert.ok((await callerLines.locator('[data-type="heard"]').textContent())?.includes(AGENT), "who said it");
    assert.ok((await agentLines.locator('[data-type="heard"]').textContent())?.includes(CALLER), "who said it");
    for (const page of [caller, agent]) {
      assert.equal(await page.getByTestId("transcript").getByText("nobody heard this").count(), 0);
      assert.equal(await page.getByTestId("notice").isVisible(), false, "no “nobody heard that” notice");
    }
    await screenshot(caller, "softphone-bridged-caller");
    await screenshot(agent, "softphone-bridged-agent");

    await agent.getByTestId("hangup-button").click();
    await callerLines.getByText("The other person has left the call").waitFor(WAIT);
    await caller.getByTestId("call-activity").filter({ hasText: "call ended" }).waitFor(WAIT);
  });

  await t.test("My number typed a key at a time, slower than the page waits: only numbers the carrier takes reach it", async () => {
    // The agent above types fast, but on a loaded machine a key can come a moment after the page
    // gave up waiting, and the page applies what is there: a partial number. Here every key does.
    const page = await softphone(true);
    /** The numbers the page asked the carrier about (a handset's events and messages), in order. */
    const followed = new Set<string>();
    page.on("request", (request) => {
      const number = /\/_carrier\/phones\/([^/]+)\//.exec(request.url())?.[1];
      if (number) followed.add(decodeURIComponent(number));
    });
    const mine = page.getByTestId("my-number");
    /** A key, then a pause longer than the page waits after the last key. */
    const typeSlowly = async (key: string) => {
      await mine.pressSequentially(key);
      await page.clock.runFor(1000);
    };
    await mine.selectText();
    const keys = [...AGENT];
    const last = keys.pop() ?? "";
    for (const key of keys) await typeSlowly(key);
    const whole = page.waitForRequest((r) => r.url().endsWith(`/phones/${encodeURIComponent(AGENT)}/events`), WAIT);
    await typeSlowly(last);
    await whole;
    const asked = [...followed];
    assert.deepEqual(
      asked.filter((number) => !E164.test(number)),
      [],
      `the page asked the carrier about numbers it refuses: ${asked.join(", ")}`,
    );
    assert.equal(asked.at(-1), AGENT);
    assert.equal(await mine.getAttribute("aria-invalid"), "false");
    // The fields say the same as the carrier to the browser's own validation.
    for (const field of ["my-number", "to-number", "sms-to"]) {
      assert.equal(`^${await page.getByTestId(field).getAttribute("pattern")}$`, E164.source, field);
    }
    await page.context().close();
  });

  assert.deepEqual(await problems.list(), []);
});
