// The desk in a real browser (Debian's Chromium through playwright-core), under the dashboard's
// Content-Security-Policy: an agent signs in, goes available, and sees an offer appear without a
// reload, then the call with who is calling, then the wrap-up, whose note survives live updates.
// Screenshots at laptop (1366×768) and tablet (820×1180) sizes are kept in test-artifacts/desk/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Page } from "playwright-core";

import { collectPageErrors, launchChromium } from "@callcentre/testkit";

import { CallsRepository } from "../../src/repositories/calls-repository.js";
import { MessagesRepository } from "../../src/repositories/messages-repository.js";
import { ACCOUNT_SID, DASHBOARD_PASSWORD, OPEN_TIME, sid } from "../helpers.js";
import { AVA_PASSWORD, deskApp, offerCaller } from "./desk-helpers.js";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/desk/", import.meta.url));
const WAIT = { timeout: 15_000 };
const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 820, height: 1180 };

async function shoot(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [["laptop", LAPTOP], ["tablet", TABLET]] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
    // Nothing wider than the screen: the page never scrolls sideways.
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assert.equal(overflow, 0, `${name} at ${size} width scrolls sideways`);
  }
  await page.setViewportSize(LAPTOP);
}

test("an agent signs in, goes available, sees an offer arrive live, then the call and the wrap-up", async (t) => {
  const { app, db, port, queue } = await deskApp(t);
  const calls = new CallsRepository(db);
  const number = "+61491570001";
  const earlier = new Date(OPEN_TIME.getTime() - 2 * 86_400_000);
  await calls.upsert({ sid: sid("CA", 9), accountSid: ACCOUNT_SID, from: number, to: "+61255501234", direction: "inbound", status: "completed" }, earlier);
  await calls.upsert({ sid: sid("CA", 1), accountSid: ACCOUNT_SID, from: number, to: "+61255501234", direction: "inbound", status: "in-progress", callerName: "JANE CITIZEN" }, OPEN_TIME);
  await calls.addEvents(sid("CA", 1), [{ kind: "menu.option", node: "main-menu", detail: { label: "Billing", key: "1" } }], OPEN_TIME);
  await new MessagesRepository(db).add({ direction: "inbound", from: number, to: "+61255501234", body: "Is my bill ready? The last one was twice what I expected.", status: "received", kind: "inbox" }, earlier);

  await app.listen({ port: 0, host: "127.0.0.1" });
  // localhost is a secure context: the session cookie (Secure, as the public URL is https) is kept.
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport: LAPTOP });
  const problems: string[] = [];
  collectPageErrors(page, problems);
  mkdirSync(ARTIFACTS, { recursive: true });

  await page.goto(`${origin}/desk`);
  await page.getByLabel("Agent id").fill("ava");
  await page.getByLabel("Password").fill(AVA_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Ava Nguyen" }).waitFor(WAIT);
  await page.locator("body[data-desk-connected=true]").waitFor(WAIT);
  await shoot(page, "desk-offline");

  await page.getByRole("button", { name: "Available" }).click();
  await page.locator('[data-state="available"]').first().waitFor(WAIT);
  await page.locator("body[data-desk-connected=true]").waitFor(WAIT);
  // A mark on this very document: a reload would lose it.
  await page.evaluate("window.deskMark = 'kept'");

  // The ACD offers a caller to Ava and says so: the page shows it without a reload.
  const [offer] = await offerCaller(db, OPEN_TIME, { n: 1, number, waitedMs: 130_000 });
  assert.ok(offer);
  port.changed("ava");
  const offered = page.getByRole("alert").filter({ hasText: "Billing call from Sydney, waiting" });
  await offered.waitFor(WAIT);
  assert.match((await offered.textContent()) ?? "", /Billing call from Sydney, waiting \d+:\d\d — answer on your phone/);
  assert.equal(await page.evaluate<string>("window.deskMark"), "kept", "no reload");
  assert.equal(await page.getByRole("button", { name: "Offline" }).isDisabled(), true, "no change of state while a call rings");
  await shoot(page, "desk-offer");

  await queue.offerCalling(offer.offer.id, sid("CA", 0xa1));
  await queue.accept(offer.offer.id, OPEN_TIME);
  port.changed("ava");
  await page.getByRole("heading", { name: /On a call: Billing/ }).waitFor(WAIT);
  await page.getByText("JANE CITIZEN").waitFor(WAIT);
  await page.getByText("Chose: main menu · Billing (key 1)").waitFor(WAIT);
  assert.equal(await page.locator("#call-controls").count(), 1);
  await shoot(page, "desk-on-call");

  await queue.agentCallEnded(sid("CA", 0xa1), new Date(OPEN_TIME.getTime() + 60_000), 0);
  port.changed("ava");
  await page.getByRole("heading", { name: /Wrap-up: Billing call/ }).waitFor(WAIT);
  await page.getByLabel("Disposition").selectOption("follow-up");
  await page.getByLabel("Note").fill("Refund to be checked by accounts");
  // A live update while the agent types keeps what they typed.
  const updates = Number(await page.locator("body").getAttribute("data-desk-updates"));
  await db.query("update agents set reason = 'typing' where id = 'ava'");
  port.changed("ava");
  await page.locator(`body[data-desk-updates="${updates + 1}"]`).waitFor(WAIT);
  assert.equal(await page.getByLabel("Note").inputValue(), "Refund to be checked by accounts");
  await shoot(page, "desk-wrap-up");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Saved: Follow-up needed").waitFor(WAIT);
  const [row] = await db.query<{ disposition: string; note: string }>("select disposition, note from queue_entries where id = $1", [offer.entry.id]);
  assert.deepEqual(row, { disposition: "follow-up", note: "Refund to be checked by accounts" });
  await page.getByRole("button", { name: "Ready" }).click();
  await page.locator('[data-state="available"]').first().waitFor(WAIT);

  assert.deepEqual(problems, []);
});

test("the owner's Agents page sets a password and shows it once; the agent signs in with it", async (t) => {
  const { app } = await deskApp(t);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium(t);
  const owner = await browser.newPage({ viewport: LAPTOP });
  const problems: string[] = [];
  owner.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  mkdirSync(ARTIFACTS, { recursive: true });

  await owner.goto(`${origin}/agents`);
  await owner.getByLabel("Password").fill(DASHBOARD_PASSWORD);
  await owner.getByRole("button", { name: "Sign in" }).click();
  await owner.getByRole("heading", { name: "Agents" }).waitFor(WAIT);
  await owner.locator('tr[data-agent="bob"]').getByRole("button", { name: "Set password" }).click();
  const password = (await owner.locator("[data-password]").textContent(WAIT)) ?? "";
  assert.match(password, /^[A-Za-z0-9_-]{24}$/);
  await shoot(owner, "agents-password");

  const agent = await browser.newPage({ viewport: TABLET });
  await agent.goto(`${origin}/login`);
  await agent.getByLabel("Agent id").fill("bob");
  await agent.getByLabel("Password").fill(password);
  await agent.getByRole("button", { name: "Sign in" }).click();
  await agent.getByRole("heading", { name: "Bob Smith" }).waitFor(WAIT);
  await agent.getByLabel("Calls ring on").waitFor(WAIT);
  assert.deepEqual(problems, []);
});
