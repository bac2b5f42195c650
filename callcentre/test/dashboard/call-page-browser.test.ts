// A call's page in Chromium (playwright-core, Debian's chromium): the recording of the caller's
// conversation with an agent and the caller's spoken survey comment both play in the page, through
// the call centre's own audio routes, and the page fits a laptop and a phone. The line's rows are made
// through the real repositories; Twilio's media URLs are a local server. Screenshots are kept in
// test-artifacts/dashboard/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { collectPageErrors, launchChromium } from "@callcentre/testkit";

import { ACCOUNT_SID, DASHBOARD_PASSWORD, sid, testApp } from "../helpers.js";
import { silence } from "./wav.js";
import { CallDriver, HandClock } from "./call-driver.js";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/dashboard/", import.meta.url));
const WAIT = { timeout: 15_000 };
const CONVERSATION = sid("RE", 0x8001);
const COMMENT = sid("RE", 0x8002);

/** What these tests use of an <audio> element (the call centre's types have no DOM). */
interface AudioElement {
  muted: boolean;
  ended: boolean;
  error: { code: number } | null;
  play(): Promise<void>;
  addEventListener(type: "ended", listener: () => void, options: { once: boolean }): void;
}

test("a call's page plays the conversation's recording and the survey's comment, and fits a laptop and a phone", async (t) => {
  const asked: string[] = [];
  const media = createServer((req, res) => {
    asked.push(req.url ?? "");
    if (req.url?.endsWith(`${CONVERSATION}.wav`) || req.url?.endsWith(`${COMMENT}.wav`)) {
      res.writeHead(200, { "content-type": "audio/x-wav" });
      res.end(silence());
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: 20404, message: "The requested resource was not found", status: 404 }));
  });
  await new Promise<void>((resolve) => media.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => media.close(() => resolve())));
  const api = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  const recordingUrl = (recordingSid: string) => `${api}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;

  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: api } });
  const { queue, agents, recordings, surveys } = app.repositories;
  await agents.choose("ava", "available", null, clock.now());
  const callSid = await new CallDriver(app, clock).call("+61491570501");
  const entry = await queue.enqueue({ callSid, department: "billing", number: "+61491570501", enqueuedAt: clock.now() });
  clock.advance(9);
  const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  assert.ok(offer);
  await queue.offerCalling(offer.offer.id, sid("CA", 0x8101));
  const accepted = await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now()));
  assert.ok(accepted);
  clock.advance(125);
  await queue.agentCallEnded(sid("CA", 0x8101), clock.now(), 30);
  await recordings.saveConversation({ sid: CONVERSATION, callSid, entryId: entry.id, department: "Billing", url: recordingUrl(CONVERSATION), status: "completed", durationSeconds: 125 });
  await surveys.scored(accepted.entry, 5, clock.now());
  await surveys.comment(entry.id, recordingUrl(COMMENT), 6);

  await app.listen({ port: 0, host: "127.0.0.1" });
  // localhost is a secure context: the session cookie (Secure, as the public URL is https) is kept.
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium(t, ["--autoplay-policy=no-user-gesture-required"]);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  collectPageErrors(page, problems);

  await page.goto(`${origin}/calls/${callSid}`);
  await page.getByLabel("Password").fill(DASHBOARD_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Recordings" }).waitFor(WAIT);

  const conversation = page.locator('article.recording[data-recording-kind="conversation"]');
  assert.equal(await conversation.locator("p").innerText(), "Conversation with an agent · 2:05 · Billing");
  const survey = page.locator(`article.survey[data-survey="${entry.id}"]`);
  assert.match(await survey.innerText(), /^5 out of 5 · Billing · Ava Nguyen · 2026-11-24 12:02:14\n+Comment \(0:06\): open the recording$/);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "call-conversation.png"), fullPage: true });

  for (const audio of [conversation.locator("audio"), survey.locator("audio")]) {
    const played = await audio.evaluate(async (element: AudioElement) => {
      element.muted = true;
      await element.play();
      await new Promise<void>((resolve) => (element.ended ? resolve() : element.addEventListener("ended", () => resolve(), { once: true })));
      return { ended: element.ended, error: element.error?.code ?? null };
    });
    assert.deepEqual(played, { ended: true, error: null });
  }
  assert.ok(asked.some((url) => url.endsWith(`/Recordings/${CONVERSATION}.wav`)));
  assert.ok(asked.some((url) => url.endsWith(`/Recordings/${COMMENT}.wav`)));

  await page.setViewportSize({ width: 390, height: 844 });
  // A string: the call centre's types have no DOM.
  const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
  assert.ok(overflow <= 0, `the call's page is ${overflow}px wider than a phone`);
  await page.screenshot({ path: join(ARTIFACTS, "phone-call-conversation.png"), fullPage: true });
  assert.deepEqual(problems, []);
});
