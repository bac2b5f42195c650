// Accounts in a real browser (Debian's Chromium through playwright-core), under the dashboard's
// Content-Security-Policy: the owner signs in with a blank name, adds a supervisor on the Accounts
// page and reads the password shown once; the supervisor signs in with it, sees no Flow or Accounts
// in the navigation, and is refused the Accounts page; an agent signs in by the same form and lands
// on the desk, with their calls beside it. Screenshots at laptop and phone sizes are kept in
// test-artifacts/accounts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { chromiumPath } from "@callcentre/testkit";
import { DASHBOARD_PASSWORD } from "../helpers.js";
import { AVA_PASSWORD, deskApp } from "../desk/desk-helpers.js";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/accounts/", import.meta.url));
const WAIT = { timeout: 15_000 };
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

async function shoot(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [["laptop", LAPTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(LAPTOP);
}

async function signIn(page: Page, origin: string, user: string, password: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.getByLabel("Sign-in name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("the owner adds a supervisor on the Accounts page; each person signs in as themselves and sees only their pages", async (t) => {
  const { app } = await deskApp(t);
  await app.listen({ port: 0, host: "127.0.0.1" });
  // localhost is a secure context: the session cookie (Secure, as the public URL is https) is kept.
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  t.after(() => browser.close());
  const problems: string[] = [];
  const newPage = async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // The 403 page asked for on purpose below is reported as a failed load: that one is expected.
      if (message.type() === "error" && !/status of 403/.test(message.text())) {
        problems.push(`console error: ${message.text()} (${message.location().url})`);
      }
    });
    return page;
  };
  mkdirSync(ARTIFACTS, { recursive: true });

  const owner = await newPage();
  await signIn(owner, origin, "", DASHBOARD_PASSWORD);
  await owner.getByRole("heading", { name: "Live" }).waitFor(WAIT);
  await owner.getByRole("link", { name: "Accounts" }).click();
  await owner.getByRole("heading", { name: "Accounts", exact: true }).waitFor(WAIT);
  const form = owner.locator("form.account-new");
  await form.getByLabel("Sign-in name (id)").fill("sam");
  await form.getByLabel("Name", { exact: true }).fill("Sam Lee");
  await form.getByLabel("Phone").fill("+61491570111");
  await form.getByRole("button", { name: "Add account" }).click();
  const shown = owner.locator("[data-password]");
  await shown.waitFor(WAIT);
  const password = (await shown.textContent())?.trim() ?? "";
  assert.match(password, /^[A-Za-z0-9_-]{24}$/);
  await shoot(owner, "accounts-new-password");
  await owner.goto(`${origin}/accounts`);
  await owner.locator('tr[data-account="sam"]').waitFor(WAIT);
  assert.equal(await owner.locator("[data-password]").count(), 0, "the password is shown only once");
  await shoot(owner, "accounts");

  const sam = await newPage();
  await signIn(sam, origin, "sam", password);
  await sam.getByRole("heading", { name: "Live" }).waitFor(WAIT);
  const nav = (await sam.locator("header nav").innerText()).split("\n").map((s) => s.trim());
  assert.ok(nav.includes("Agents") && !nav.includes("Flow") && !nav.includes("Accounts"), nav.join(", "));
  const refused = await sam.goto(`${origin}/accounts`);
  assert.equal(refused?.status(), 403);
  await sam.getByRole("heading", { name: "Not allowed" }).waitFor(WAIT);

  const ava = await newPage();
  await signIn(ava, origin, "ava", AVA_PASSWORD);
  await ava.waitForURL(`${origin}/desk`, WAIT);
  await ava.goto(`${origin}/accounts`);
  await ava.waitForURL(`${origin}/desk`, WAIT);
  await ava.getByRole("link", { name: "My calls" }).click();
  await ava.getByRole("heading", { name: "My calls" }).waitFor(WAIT);
  await shoot(ava, "desk-my-calls");
  assert.deepEqual(problems, []);
});
