// The agent's desk in a real browser (Debian's Chromium through playwright-core) driving a call the
// carrier carries: Ava signs in and goes available, a caller joins Billing's line, the offer appears on
// her desk live, she accepts in her phone (the carrier's client handset: the softphone in local mode),
// then from the desk puts the caller on hold and back, pauses the recording while a card number is
// read, hangs up, and wraps up with a disposition and a note before saying she is ready. Screenshots at
// laptop and tablet sizes are kept in test-artifacts/desk-call/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectPageErrors, launchChromium } from "@callcentre/testkit";

import { AVA, CALLER, inConversation, joinLine, ringing, startAcdSystem, waitFor } from "./acd-system.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/desk-call/", import.meta.url));
const WAIT = { timeout: 15_000 };
const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 820, height: 1180 };

test("the desk, in Chromium, drives a call through the carrier: offer, hold, recording paused, hang up, wrap-up", async (t) => {
  const system = await startAcdSystem(t);
  const { carrier, centreUrl, owner } = system;
  const { password } = await owner.post<{ password: string }>("/api/agents/ava/password", {});
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launchChromium(t);
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  const problems: string[] = [];
  collectPageErrors(page, problems);
  const shot = async (name: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `${name}-laptop.png`), fullPage: true });
    await page.setViewportSize(TABLET);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-tablet.png`), fullPage: true });
    await page.setViewportSize(LAPTOP);
  };
  const controls = page.locator("#call-controls");

  await page.goto(`${centreUrl}/login`);
  await page.getByLabel("Agent id").fill("ava");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${centreUrl}/desk`, WAIT);
  // Local mode: the desk links to the carrier's softphone as Ava's handset.
  assert.equal(await page.locator("a[data-softphone]").getAttribute("href"), `${new URL("/", carrier.url).toString()}?client=ava`);
  await page.getByRole("button", { name: "Available", exact: true }).click();
  await page.locator('[data-state="available"]').first().waitFor(WAIT);

  // A caller joins the line: the offer appears on the desk, live.
  const caller = await system.toBilling(CALLER);
  await joinLine(carrier, caller);
  const offer = await ringing(carrier, AVA);
  await page.getByText(/Billing call from Sydney, waiting/).waitFor(WAIT);
  await shot("offer");

  // Ava answers in her softphone and presses 1 after the whisper.
  await carrier.answer(offer.sid);
  await carrier.settled(offer.sid);
  await carrier.press(offer.sid, "1");
  await page.getByRole("heading", { name: /On a call: Billing/ }).waitFor(WAIT);
  await inConversation(carrier, caller);
  await controls.getByRole("button", { name: "Hold" }).waitFor(WAIT);
  await shot("on-call");

  await controls.getByRole("button", { name: "Hold" }).click();
  await page.locator('#call-controls[data-held="true"]').waitFor(WAIT).catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message}: ${page.url()} ${(await page.content()).slice(0, 1500)}`);
  });
  const events = async () => (await owner.events(caller)).map((e) => e.kind);
  await waitFor("the hold on the call's steps", async () => ((await events()).includes("call.held") ? true : undefined));
  await controls.getByRole("button", { name: "Resume" }).click();
  await page.locator('#call-controls[data-held="false"]').waitFor(WAIT);

  await controls.getByRole("button", { name: "Pause recording" }).click();
  await page.locator('#call-controls[data-recording="paused"]').waitFor(WAIT);
  await page.getByText("Recording paused: resume it once the card details are given.").waitFor(WAIT);
  await shot("recording-paused");
  await controls.getByRole("button", { name: "Resume recording" }).click();
  await page.locator('#call-controls[data-recording="on"]').waitFor(WAIT);
  assert.deepEqual(
    (await events()).filter((kind) => /^(call\.(held|resumed)|recording\.(paused|resumed))$/.test(kind)),
    ["call.held", "call.resumed", "recording.paused", "recording.resumed"],
  );

  // Ava hangs up: the caller hears the survey; Ava wraps up.
  await controls.getByRole("button", { name: "Hang up" }).click();
  await page.getByRole("heading", { name: /Wrap-up: Billing call from/ }).waitFor(WAIT);
  await waitFor("Ava's call to end", async () => ((await carrier.call(offer.sid)).status === "completed" ? true : undefined));
  await page.getByLabel("Disposition").selectOption("follow-up");
  await page.getByLabel("Note").fill("Wants a payment plan; call back Friday.");
  await shot("wrap-up");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Saved.").waitFor(WAIT);
  await page.getByRole("button", { name: "Ready" }).click();
  await page.locator('[data-state="available"]').first().waitFor(WAIT);
  await carrier.hangup(caller);

  const { agents } = await owner.get<{ agents: { id: string; state: string }[] }>("/api/agents");
  assert.equal(agents.find((a) => a.id === "ava")?.state, "available");
  assert.deepEqual(problems, []);
});
