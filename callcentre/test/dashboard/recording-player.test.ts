// The recording players in a real browser (Debian's Chromium through playwright-core), under the
// dashboard's Content-Security-Policy: a voicemail whose recording Twilio no longer has (the local
// carrier restarted) says so instead of sitting at 0:00, and one that is there plays. No page logs a
// CSP violation or any other error. A screenshot is kept in test-artifacts/dashboard/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "@callcentre/testkit";

import { ACCOUNT_SID, DASHBOARD_PASSWORD, sid, signedPost, testApp, voiceParams } from "../helpers.js";
import { silence } from "./wav.js";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/dashboard/", import.meta.url));
const GONE = sid("RE", 0x404);
const KEPT = sid("RE", 0x200);
const WAIT = { timeout: 15_000 };

/** What these tests use of an <audio> element (the call centre's types have no DOM). */
interface AudioElement {
  muted: boolean;
  ended: boolean;
  error: { code: number } | null;
  play(): Promise<void>;
  addEventListener(type: "ended", listener: () => void, options: { once: boolean }): void;
}

test("a recording that is no longer available says so in its player; one that is there plays; no CSP violation", async (t) => {
  // Twilio's media URLs: one recording gone (404, as after a carrier restart), one there.
  const media = createServer((req, res) => {
    if (req.url?.includes(KEPT)) {
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

  const { app } = await testApp(t, { config: { twilioApiBaseUrl: api } });
  for (const [n, recordingSid] of [[1, GONE], [2, KEPT]] as const) {
    const recordingUrl = `${api}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
    const params = voiceParams(sid("CA", n), { From: `+6149157000${n}`, RecordingUrl: recordingUrl, RecordingSid: recordingSid, RecordingDuration: "1" });
    assert.equal((await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", params)).statusCode, 200);
  }
  await app.listen({ port: 0, host: "127.0.0.1" });
  // localhost is a secure context: the session cookie (Secure, as the public URL is https) is kept.
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;

  const browser = await launchChromium(t, ["--autoplay-policy=no-user-gesture-required"]);
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // The recording that is gone is answered 404 on purpose; the browser reports that as an error.
    if (message.type() === "error" && !message.location().url.endsWith(`/api/recordings/${GONE}/audio`)) {
      problems.push(`console error: ${message.text()} (${message.location().url})`);
    }
  });

  await page.goto(`${origin}/voicemail`);
  await page.getByLabel("Password").fill(DASHBOARD_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Voicemail" }).waitFor(WAIT);

  const gone = page.locator(`article[data-recording="${GONE}"]`);
  await gone.locator("audio").evaluate((audio: AudioElement) => {
    audio.muted = true;
    void audio.play().catch(() => undefined);
  });
  await gone.getByRole("status").getByText("This recording is no longer available").waitFor(WAIT);
  assert.equal(await gone.locator("audio").isVisible(), false, "no silent 0:00 player left");
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "voicemail-recording-gone.png"), fullPage: true });

  const kept = page.locator(`article[data-recording="${KEPT}"]`);
  const played = await kept.locator("audio").evaluate(async (audio: AudioElement) => {
    audio.muted = true;
    await audio.play();
    await new Promise<void>((resolve) => (audio.ended ? resolve() : audio.addEventListener("ended", () => resolve(), { once: true })));
    return { ended: audio.ended, error: audio.error?.code ?? null };
  });
  assert.deepEqual(played, { ended: true, error: null });
  assert.equal(await kept.getByRole("status").count(), 0);

  // The same on the call's own page.
  await page.goto(`${origin}/calls/${sid("CA", 1)}`);
  await page.locator("audio").evaluate((audio: AudioElement) => void audio.play().catch(() => undefined));
  await page.getByRole("status").getByText("This recording is no longer available").waitFor(WAIT);

  assert.deepEqual(problems, []);
});
