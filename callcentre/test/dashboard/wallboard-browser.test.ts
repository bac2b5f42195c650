// The wallboard in Chromium (playwright-core, Debian's chromium): a supervisor watches callers wait in
// Billing's line, the longest wait breaching its threshold (red, and said in words), a new caller
// appearing through the event stream without a reload, and the board at desk, TV and phone sizes,
// with no script error or CSP violation. Screenshots are kept in test-artifacts/wallboard/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { chromiumPath } from "@callcentre/testkit";
import { parseFlow } from "../../src/flows/load-flow.js";
import { DASHBOARD_PASSWORD, sid, testApp } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/wallboard/", import.meta.url));
const WAIT = { timeout: 15_000 };

/** A tile's parts, read in the page (strings: the call centre's types have no DOM). */
async function tile(page: Page, measure: string) {
  const el = page.locator(`[data-tile="${measure}"]`);
  return {
    level: await el.getAttribute("data-level"),
    value: await el.locator(".wb-value").innerText(),
    why: (await el.locator(".wb-why").count()) > 0 ? (await el.locator(".wb-why").innerText()).replace(/\u00a0/g, " ") : "",
  };
}

const overflow = (page: Page) => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");

test("wallboard: a caller waits past Billing's limit, the tile turns red and says why, a new caller appears live; desk, TV and phone", async (t) => {
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now });
  const { queue, agents } = app.repositories;
  const driver = new CallDriver(app, clock);
  const joins = async (from: string) => queue.enqueue({ callSid: await driver.call(from), department: "billing", number: from, enqueuedAt: clock.now() });
  // Ava takes the first caller after 12 s; Noah is at lunch; two callers wait, the first 2:30.
  await agents.choose("ava", "available", null, clock.now());
  await agents.choose("noah", "break", "lunch", clock.now());
  await joins("+61491570401");
  clock.advance(12);
  const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  assert.ok(offer);
  await queue.offerCalling(offer.offer.id, sid("CA", 0x8401));
  assert.ok(await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now())));
  await joins("+61491570402");
  clock.advance(110);
  await joins("+61491570403");
  clock.advance(40);

  await app.listen({ port: 0, host: "127.0.0.1" });
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()} (${message.location().url})`);
  });

  await page.goto(`${origin}/wallboard/billing`);
  await page.getByLabel("Password").fill(DASHBOARD_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('[data-tile="waiting"]').waitFor(WAIT);
  await page.waitForSelector("body[data-live-connected=true]", WAIT);

  assert.deepEqual(await tile(page, "waiting"), { level: "ok", value: "2", why: "" });
  const longest = await tile(page, "longest-wait");
  assert.equal(longest.level, "breached");
  assert.match(longest.value, /^2:\d\d$/, "ticking from 2:30 on the server's clock");
  assert.equal(longest.why, "Breached · over the 2:00 limit");
  assert.deepEqual(await tile(page, "service-level"), { level: "ok", value: "100.0 %", why: "" });
  assert.deepEqual(await tile(page, "calls"), { level: "ok", value: "1", why: "" });
  assert.equal(await page.locator(".wb-dept h2 .wb-alarm").innerText(), "1 limit breached");
  assert.match(await page.locator('[data-state="busy"]').innerText(), /^1\s+busy\s*Ava Nguyen \(on a call\) 2:\d\d$/);
  assert.match(await page.locator('[data-state="break"]').innerText(), /^1\s+break\s*Noah .* \(lunch\) \d+:\d\d$/);

  // A third caller joins: the stream's next event brings them onto the board, without a reload.
  await joins("+61491570404");
  app.live.changed();
  await page.waitForSelector('[data-tile="waiting"] .wb-value:text-is("3")', WAIT);

  mkdirSync(ARTIFACTS, { recursive: true });
  assert.ok((await overflow(page)) <= 0, "no sideways scrolling on a desk");
  await page.screenshot({ path: join(ARTIFACTS, "desktop-1366x768.png"), fullPage: true });

  // A 1080p TV: TV mode by itself at 1920 px; no links, and the figures far larger.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${origin}/wallboard/billing`);
  await page.locator('[data-tile="waiting"]').waitFor(WAIT);
  assert.equal(await page.locator(".wb-links").isVisible(), false, "no navigation on the TV");
  const valueSize = await page.evaluate<number>(`parseFloat(getComputedStyle(document.querySelector('[data-tile="waiting"] .wb-value')).fontSize)`);
  assert.ok(valueSize >= 70, `the TV's figures are ${valueSize}px high`);
  assert.ok((await overflow(page)) <= 0, "no sideways scrolling on the TV");
  const board = await page.locator("#wallboard").boundingBox();
  assert.ok(board && board.height <= 1080, `the board fits the TV's screen (${board?.height}px)`);
  await page.screenshot({ path: join(ARTIFACTS, "tv-1920x1080.png") });
  await page.goto(`${origin}/wallboard?tv=1`);
  await page.locator('[data-tile="waiting"]').waitFor(WAIT);
  await page.screenshot({ path: join(ARTIFACTS, "tv-all-1920x1080.png") });

  // A phone: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${origin}/wallboard/billing`);
  await page.locator('[data-tile="waiting"]').waitFor(WAIT);
  assert.ok((await overflow(page)) <= 0, "no sideways scrolling on a phone");
  const lefts = await page.evaluate<number[]>(`[...document.querySelectorAll(".wb-tile")].map((el) => Math.round(el.getBoundingClientRect().left))`);
  assert.equal(new Set(lefts).size, 1, `one column: ${lefts.join(", ")}`);
  await page.screenshot({ path: join(ARTIFACTS, "phone-390x844.png"), fullPage: true });

  assert.deepEqual(problems, []);
});

// Two lines, for the board of all departments: Billing's service level breached, Faults near its
// limit of waiting callers.
const TWO_LINES = `company: Bluegum Energy
greeting: Hello.
timezone: Australia/Sydney
start: main
agents:
  ava: { name: Ava Nguyen, client: ava, departments: [billing] }
  noah: { name: Noah Williams, phone: "+61491570111", departments: [billing, { department: faults, level: overflow }] }
  liam: { name: Liam Smith, phone: "+61491570120", departments: [faults] }
  mia: { name: Mia Jones, phone: "+61491570122", departments: [faults] }
nodes:
  main:
    type: menu
    prompt: For billing press 1, for faults press 2.
    options:
      - { key: "1", label: Billing, goto: billing }
      - { key: "2", label: Faults, goto: faults }
  billing:
    type: department
    name: Billing
    queue:
      whenNobody: hangup
      thresholds: { serviceLevelBelow: 80, longestWaitOver: 120, alert: none }
  faults:
    type: department
    name: Faults
    queue:
      whenNobody: hangup
      thresholds: { waitingOver: 2, longestWaitOver: 300, alert: none }
`;

test("wallboard: every line on one board, one red and one amber, on a TV and a phone", async (t) => {
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now, flow: parseFlow(TWO_LINES, "two-lines.yaml") });
  const { queue, agents } = app.repositories;
  const driver = new CallDriver(app, clock);
  const joins = async (department: string, from: string) => queue.enqueue({ callSid: await driver.call(from), department, number: from, enqueuedAt: clock.now() });
  await agents.choose("ava", "available", null, clock.now());
  await agents.choose("noah", "break", "training", clock.now());
  await agents.choose("mia", "break", "lunch", clock.now());
  // Billing: Ava answers after 25 s (outside 20 s), then a caller waits; Faults: two callers wait, nobody to take them.
  await joins("billing", "+61491570421");
  await joins("faults", "+61491570431");
  clock.advance(10);
  await joins("faults", "+61491570432");
  clock.advance(15);
  const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  assert.equal(offer?.agent.id, "ava");
  await queue.offerCalling(offer.offer.id, sid("CA", 0x8421));
  assert.ok(await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now())));
  await joins("billing", "+61491570422");
  clock.advance(45);

  await app.listen({ port: 0, host: "127.0.0.1" });
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  await page.goto(`${origin}/wallboard?tv=1`);
  await page.getByLabel("Password").fill(DASHBOARD_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('[data-department="faults"] [data-tile="waiting"]').waitFor(WAIT);

  const billing = page.locator('[data-department="billing"]');
  const faults = page.locator('[data-department="faults"]');
  assert.equal(await billing.locator('[data-tile="service-level"]').getAttribute("data-level"), "breached");
  assert.equal(await billing.locator('[data-tile="service-level"] .wb-value').innerText(), "0.0 %");
  assert.equal(await billing.locator('[data-tile="service-level"] .wb-why').innerText(), "Breached · below the 80\u00a0% target", "80 % never split across lines");
  assert.equal(await billing.locator("h2 .wb-alarm").innerText(), "2 limits breached", "the last 30 minutes and today");
  assert.equal(await faults.locator('[data-tile="waiting"]').getAttribute("data-level"), "near");
  assert.equal(await faults.locator('[data-tile="waiting"] .wb-why').innerText(), "Warning · near the 2 callers limit");
  assert.equal(await faults.locator("h2 .wb-near").innerText(), "near a limit");
  assert.match(await faults.locator('[data-state="break"]').innerText(), /Mia Jones \(lunch\).*\n?.*Noah Williams \(training\)/s);

  mkdirSync(ARTIFACTS, { recursive: true });
  assert.ok((await overflow(page)) <= 0, "no sideways scrolling on the TV");
  const bottom = await page.evaluate<number>(`document.querySelector("#wallboard").getBoundingClientRect().bottom`);
  assert.ok(bottom <= 1080, `two lines fit the TV's screen (the board ends at ${bottom}px)`);
  await page.screenshot({ path: join(ARTIFACTS, "tv-two-lines-1920x1080.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${origin}/wallboard`);
  await page.locator('[data-department="faults"]').waitFor(WAIT);
  assert.ok((await overflow(page)) <= 0, "no sideways scrolling on a phone");
  await page.screenshot({ path: join(ARTIFACTS, "phone-two-lines-390x844.png"), fullPage: true });
  assert.deepEqual(problems, []);
});
