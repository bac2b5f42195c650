// Every page of the dashboard in Chromium (playwright-core, Debian's chromium), as each role sees it:
// the owner opens every page of the navigation, a supervisor every page but the owner's, and an
// agent's sign-in is sent back to the desk from the reports and the wallboard. Each page is taken at
// desktop, TV and phone sizes, with no script error; screenshots are kept in test-artifacts/pages/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath } from "@callcentre/testkit";
import { NAV } from "../../src/dashboard/views/layout.js";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { DASHBOARD_PASSWORD, sid, testApp } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/pages/", import.meta.url));
const WAIT = { timeout: 15_000 };
const SIZES = [
  { name: "desktop", width: 1366, height: 768 },
  { name: "tv", width: 1920, height: 1080 },
  { name: "phone", width: 390, height: 844 },
] as const;
const SCRYPT = { N: 1024, r: 8, p: 1 };
const SUPERVISOR_PASSWORD = "sam supervises the floor";
const AGENT_PASSWORD = "ava answers the phones";

/** A page that reports its script errors and failed requests into `problems`. */
async function watchedPage(browser: Browser, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: SIZES[0].width, height: SIZES[0].height } });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  return page;
}

async function signIn(page: Page, origin: string, user: string, password: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel(/Sign-in name/).fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState("load");
}

const slug = (path: string) => (path === "/" ? "live" : path.slice(1).replace(/\W+/g, "-"));

test("every page at desktop, TV and phone sizes: the owner sees all, a supervisor all but the owner's, an agent only the desk", async (t) => {
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now });
  const { queue, agents, accounts } = app.repositories;
  // A conversation in Billing and a caller waiting, so the live views have something to show.
  const driver = new CallDriver(app, clock);
  await agents.choose("ava", "available", null, clock.now());
  await queue.enqueue({ callSid: await driver.call("+61491570601"), department: "billing", number: "+61491570601", enqueuedAt: clock.now() });
  clock.advance(15);
  const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  assert.ok(offer);
  await queue.offerCalling(offer.offer.id, sid("CA", 0x8601));
  assert.ok(await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now())));
  await queue.enqueue({ callSid: await driver.call("+61491570602"), department: "billing", number: "+61491570602", enqueuedAt: clock.now() });
  clock.advance(70);

  const made = await accounts.create({ id: "sam", name: "Sam Supervisor", role: "supervisor" }, await hashPassword(SUPERVISOR_PASSWORD, SCRYPT), clock.now());
  assert.notEqual(made, "exists");
  await agents.setPasswordHash("noah", await hashPassword(AGENT_PASSWORD, SCRYPT));

  await app.listen({ port: 0, host: "127.0.0.1" });
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  t.after(() => browser.close());
  mkdirSync(ARTIFACTS, { recursive: true });

  const tour = async (who: string, user: string, password: string, paths: readonly string[]) => {
    const problems: string[] = [];
    const page = await watchedPage(browser, problems);
    await signIn(page, origin, user, password);
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const path of paths) {
        const response = await page.goto(`${origin}${path}`);
        assert.equal(response?.status(), 200, `${who} opens ${path}`);
        assert.equal(new URL(page.url()).pathname, path, `${who} stays on ${path}`);
        await page.locator("main, #wallboard").first().waitFor(WAIT);
        await page.screenshot({ path: join(ARTIFACTS, `${who}-${slug(path)}-${size.name}-${size.width}x${size.height}.png`), fullPage: size.name !== "tv" });
      }
    }
    assert.deepEqual(problems, [], `${who}: no script errors`);
    return page;
  };

  // The owner: every page of the navigation, and the navigation shows them all.
  const ownerPages = NAV.map((item) => item.path);
  const owner = await tour("owner", "", DASHBOARD_PASSWORD, ownerPages);
  await owner.goto(`${origin}/calls`);
  const ownerLinks = await owner.locator("nav a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  for (const path of ownerPages) assert.ok(ownerLinks.includes(path), `the owner's navigation links to ${path}`);

  // A supervisor: every page but the owner's; the navigation hides those, and opening one is refused.
  const supervisorPages = NAV.filter((item) => item.role === "supervisor").map((item) => item.path);
  const supervisor = await tour("supervisor", "sam", SUPERVISOR_PASSWORD, supervisorPages);
  const navLinks = await supervisor.locator("nav a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  for (const item of NAV) assert.equal(navLinks.includes(item.path), item.role === "supervisor", `a supervisor's navigation and ${item.path}`);
  for (const item of NAV.filter((i) => i.role === "owner")) {
    const refused = await supervisor.goto(`${origin}${item.path}`);
    assert.equal(refused?.status(), 403, `a supervisor cannot open ${item.path}`);
    await supervisor.screenshot({ path: join(ARTIFACTS, `supervisor-refused-${slug(item.path)}.png`) });
  }

  // An agent: the reports, the wallboard and the Live page send them to their desk.
  const problems: string[] = [];
  const agent = await watchedPage(browser, problems);
  await signIn(agent, origin, "noah", AGENT_PASSWORD);
  assert.equal(new URL(agent.url()).pathname, "/desk");
  for (const path of ["/reports", "/wallboard", "/", "/accounts"]) {
    await agent.goto(`${origin}${path}`);
    assert.equal(new URL(agent.url()).pathname, "/desk", `an agent opening ${path} is sent to the desk`);
  }
  const api = await agent.request.get(`${origin}/api/reports?from=2026-11-01&to=2026-11-30`);
  assert.equal(api.status(), 403, "nor can an agent read the reports through the API");
  for (const size of SIZES) {
    await agent.setViewportSize({ width: size.width, height: size.height });
    await agent.goto(`${origin}/desk`);
    await agent.locator("main").first().waitFor(WAIT);
    await agent.screenshot({ path: join(ARTIFACTS, `agent-desk-${size.name}-${size.width}x${size.height}.png`), fullPage: size.name !== "tv" });
  }
  assert.deepEqual(problems, [], "agent: no script errors");
});
