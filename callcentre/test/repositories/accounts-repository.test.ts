// Accounts: made, changed and deleted; the first owner made once however many instances start; the
// last owner can be neither deleted nor made a supervisor, even by two owners at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AccountsRepository } from "../../src/repositories/accounts-repository.js";
import { testDatabase } from "../helpers.js";

const NOW = new Date("2026-11-24T01:00:00Z");
const LATER = new Date("2026-11-24T02:00:00Z");
const HASH = "scrypt$1024$8$1$c2FsdA$a2V5";

test("an account is created once, listed, found, changed and deleted", async (t) => {
  const accounts = new AccountsRepository(await testDatabase(t));
  const made = await accounts.create({ id: "sam", name: "Sam Lee", role: "supervisor", phone: "+61491570111" }, HASH, NOW);
  assert.notEqual(made, "exists");
  assert.deepEqual(await accounts.create({ id: "sam", name: "Another Sam", role: "owner" }, HASH, NOW), "exists");
  assert.equal((await accounts.find("sam"))?.name, "Sam Lee");
  assert.equal(await accounts.passwordHash("sam"), HASH);
  assert.equal(await accounts.passwordHash("nobody"), undefined);

  const changed = await accounts.update("sam", { name: "Samantha Lee", client: "sam", onDuty: true }, LATER);
  assert.ok(typeof changed === "object");
  assert.equal(changed.name, "Samantha Lee");
  assert.equal(changed.phone, "+61491570111", "what is not given stays");
  assert.equal(changed.client, "sam");
  assert.equal(changed.onDuty, true);
  assert.equal(changed.updatedAt.toISOString(), LATER.toISOString());
  assert.deepEqual((await accounts.onDuty()).map((a) => a.id), ["sam"]);
  const cleared = await accounts.update("sam", { phone: null }, LATER);
  assert.ok(typeof cleared === "object");
  assert.equal(cleared.phone, null, "null clears a field");

  assert.ok(await accounts.setPasswordHash("sam", "scrypt$1024$8$1$b3RoZXI$a2V5", LATER));
  assert.equal(await accounts.setPasswordHash("nobody", HASH, LATER), false);
  assert.equal(await accounts.update("nobody", { name: "x" }, LATER), "not-found");
  assert.deepEqual((await accounts.list()).map((a) => a.id), ["sam"]);
  assert.equal(typeof (await accounts.delete("sam")), "object");
  assert.equal(await accounts.delete("sam"), "not-found");
  assert.deepEqual(await accounts.list(), []);
});

test("the first owner is made only when there is no owner, once, however many instances start together", async (t) => {
  const db = await testDatabase(t);
  const accounts = new AccountsRepository(db);
  let hashed = 0;
  const hash = async () => {
    hashed++;
    return HASH;
  };
  const made = await Promise.all(Array.from({ length: 4 }, () => new AccountsRepository(db).ensureOwner("Owner", hash, NOW)));
  assert.equal(made.filter(Boolean).length, 1, "exactly one instance made it");
  const owner = await accounts.find("owner");
  assert.equal(owner?.role, "owner");
  assert.equal(await accounts.passwordHash("owner"), HASH);

  // Later starts find the owner: nothing is hashed, and a changed password stays the account's.
  await accounts.setPasswordHash("owner", "scrypt$1024$8$1$bmV3$a2V5", LATER);
  hashed = 0;
  assert.equal(await accounts.ensureOwner("Owner", hash, LATER), false);
  assert.equal(hashed, 0);
  assert.equal(await accounts.passwordHash("owner"), "scrypt$1024$8$1$bmV3$a2V5");
});

test("the last owner can be neither deleted nor made a supervisor; with two owners, one can go", async (t) => {
  const accounts = new AccountsRepository(await testDatabase(t));
  await accounts.create({ id: "olga", name: "Olga", role: "owner" }, HASH, NOW);
  assert.equal(await accounts.delete("olga"), "last-owner");
  assert.equal(await accounts.update("olga", { role: "supervisor" }, LATER), "last-owner");
  assert.equal((await accounts.find("olga"))?.role, "owner", "nothing changed");
  assert.equal(typeof (await accounts.update("olga", { name: "Olga K" }, LATER)), "object", "other changes are fine");

  await accounts.create({ id: "omar", name: "Omar", role: "owner" }, HASH, NOW);
  const demoted = await accounts.update("olga", { role: "supervisor" }, LATER);
  assert.ok(typeof demoted === "object" && demoted.role === "supervisor");
  assert.equal(await accounts.delete("omar"), "last-owner", "Omar is the last owner now");
});

test("two owners deleting each other at once: one succeeds, the other is refused", async (t) => {
  const accounts = new AccountsRepository(await testDatabase(t));
  await accounts.create({ id: "olga", name: "Olga", role: "owner" }, HASH, NOW);
  await accounts.create({ id: "omar", name: "Omar", role: "owner" }, HASH, NOW);
  const results = await Promise.all([accounts.delete("olga"), accounts.update("omar", { role: "supervisor" }, LATER)]);
  assert.equal(results.filter((r) => r === "last-owner").length, 1, JSON.stringify(results));
  assert.equal((await accounts.list()).filter((a) => a.role === "owner").length, 1);
});
