// Supervising in a real browser (Debian's Chromium through playwright-core), on calls the carrier
// carries: Sam, a supervisor whose account says where his phone rings, signs in, watches a caller wait
// on Billing's wallboard, and once Ava has taken the call listens in, whispers and barges from the Live
// page (his handset is the carrier's), then leaves; and takes Noah, on break after missed calls, off
// his break.
// Screenshots at desktop, TV and phone sizes are kept in test-artifacts/monitoring/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectPageErrors, launchChromium } from "@callcentre/testkit";
import { AVA, CALLER, deskOf, inConversation, joinLine, ringing, startAcdSystem, waitFor } from "./acd-system.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/monitoring/", import.meta.url));
const WAIT = { timeout: 15_000 };
const DESKTOP = { width: 1366, height: 768 };
const TV = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };
const SUPERVISOR = "+61491570190";

test("a supervisor watches a caller wait, then listens, whispers and barges from the Live page, in Chromium", async (t) => {
  const system = await startAcdSystem(t);
  const { carrier, centreUrl, owner } = system;
  const password = "sam's long password";
  await owner.post("/api/accounts", { id: "sam", name: "Sam Lee", role: "supervisor", phone: SUPERVISOR, password });
  const ava = await deskOf(system, "ava");
  await ava.state("available");
  await owner.setState("noah", "break", "missed");
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launchChromium(t);
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  const problems: string[] = [];
  collectPageErrors(page, problems);
  const shot = async (name: string) => {
    for (const [size, viewport] of [["desktop", DESKTOP], ["tv", TV], ["phone", PHONE]] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize(DESKTOP);
  };

  await page.goto(`${centreUrl}/login?next=/wallboard/billing`);
  await page.getByLabel("Sign-in name").fill("sam");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${centreUrl}/wallboard/billing`, WAIT);
  await page.locator('body[data-live-connected="true"]').waitFor(WAIT);

  // A caller waits in Billing's line (Ava's phone rings with the offer): the wallboard counts them.
  const caller = await system.toBilling(CALLER);
  await joinLine(carrier, caller);
  await page.locator('[data-tile="waiting"] .wb-value').getByText("1", { exact: true }).waitFor(WAIT);
  await shot("wallboard-caller-waiting");

  // The Live page: Sam's phone is where monitoring rings, from his account.
  await page.goto(`${centreUrl}/`);
  await page.locator('body[data-live-connected="true"]').waitFor(WAIT);
  assert.equal(await page.getByLabel("Ring me at").inputValue(), SUPERVISOR);
  // Local mode: the carrier's softphone can be Sam's phone.
  const softphone = `${new URL("/", carrier.url).toString()}?number=${encodeURIComponent(SUPERVISOR)}`;
  assert.equal(await page.locator("#monitor-softphone").getAttribute("href"), softphone);
  await page.locator('section.line[data-line="billing"] ol.line-callers li').first().waitFor(WAIT);
  await shot("live-caller-waiting");

  // Ava takes the call: her row on the page offers Listen, Whisper and Barge.
  const offer = await ringing(carrier, AVA);
  await carrier.answer(offer.sid);
  await carrier.settled(offer.sid);
  await carrier.press(offer.sid, "1");
  await inConversation(carrier, caller);
  const avaRow = page.locator('tr[data-agent="ava"]');
  await avaRow.getByRole("button", { name: "Listen" }).waitFor(WAIT);

  // Listen: the supervisor's phone rings; answered, the page says so.
  await avaRow.getByRole("button", { name: "Listen" }).click();
  await avaRow.getByText("Your phone is ringing").waitFor(WAIT);
  const supervisorCall = await ringing(carrier, SUPERVISOR);
  await carrier.answer(supervisorCall.sid);
  await avaRow.getByText("You are listening").waitFor(WAIT);
  await page.locator("#live-notice").getByText("Listening in").waitFor(WAIT);
  await shot("listening");

  await avaRow.getByRole("button", { name: "Whisper" }).click();
  await avaRow.getByText("You are whispering").waitFor(WAIT);
  await shot("whispering");
  await avaRow.getByRole("button", { name: "Barge" }).click();
  await avaRow.getByText("You are in the call").waitFor(WAIT);
  await shot("barging");
  const monitorSteps = async () => (await owner.events(caller)).filter((e) => e.kind.startsWith("monitor.")).map((e) => [e.kind, e.detail.by]);
  assert.deepEqual(await monitorSteps(), [
    ["monitor.listen", "sam"],
    ["monitor.whisper", "sam"],
    ["monitor.barge", "sam"],
  ]);

  await avaRow.getByRole("button", { name: "Leave" }).click();
  await avaRow.getByRole("button", { name: "Listen" }).waitFor(WAIT);
  await waitFor("the supervisor's call to end", async () => ((await carrier.call(supervisorCall.sid)).status === "completed" ? true : undefined));
  assert.deepEqual((await monitorSteps()).at(-1), ["monitor.left", "sam"]);

  // Noah is on break after missed calls: the supervisor makes him available again.
  const noahRow = page.locator('tr[data-agent="noah"]');
  await noahRow.getByRole("button", { name: "Make available" }).click();
  await noahRow.locator(".state.available").waitFor(WAIT);
  assert.equal((await owner.agent("noah"))?.state, "available");
  await shot("agent-made-available");

  await carrier.hangup(offer.sid);
  await carrier.hangup(caller);
  assert.deepEqual(problems, []);
});
