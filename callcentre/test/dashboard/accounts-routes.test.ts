// The Accounts page and API (the owner's): adding owners and supervisors with a password shown once,
// changing them, resetting passwords, deleting them, never the last owner; and anyone's own password.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { hashPassword, verifyPassword } from "../../src/plugins/app/agent-passwords.js";
import { AccountsRepository } from "../../src/repositories/accounts-repository.js";
import { DASHBOARD_PASSWORD, testApp, testDatabase } from "../helpers.js";
import { get, postForm, postJson, signIn } from "./dashboard-helpers.js";

async function ownerApp(t: TestContext) {
  const db = await testDatabase(t);
  const { app } = await testApp(t, { db });
  return { app, db, accounts: new AccountsRepository(db), owner: await signIn(app) };
}

test("the owner adds a supervisor from the page: the generated password is shown once and signs them in", async (t) => {
  const { app, accounts, owner } = await ownerApp(t);
  const added = await postForm(app, owner, "/accounts", { id: "Sam", name: "Sam Lee", role: "supervisor", phone: "+61491570111", client: "", onDuty: "true", password: "" });
  assert.equal(added.statusCode, 200, added.body);
  const password = /<code class="password" data-password>([^<]+)<\/code>/.exec(added.body)?.[1];
  assert.ok(password && password.length >= 24, "a generated password is on the answer");
  const sam = await accounts.find("sam");
  assert.equal(sam?.role, "supervisor", "ids are lower-cased");
  assert.equal(sam?.phone, "+61491570111");
  assert.equal(sam?.client, null);
  assert.equal(sam?.onDuty, true);
  assert.ok(await verifyPassword(password, await accounts.passwordHash("sam")));
  const page = await get(app, owner, "/accounts");
  assert.match(page.body, /<tr data-account="sam">/);
  assert.doesNotMatch(page.body, new RegExp(password), "shown only once");
  const session = await signIn(app, password, "sam");
  assert.equal((await get(app, session, "/")).statusCode, 200);
});

test("the API: create with a chosen password, list, change, reset, delete; every write needs the CSRF token", async (t) => {
  const { app, accounts, owner } = await ownerApp(t);
  const noCsrf = await app.inject({ method: "POST", url: "/api/accounts", headers: { cookie: owner.cookie }, payload: { id: "sam", name: "Sam", role: "supervisor" } });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal(await accounts.find("sam"), undefined);

  const short = await postJson(app, owner, "/api/accounts", { id: "sam", name: "Sam", role: "supervisor", password: "short" });
  assert.equal(short.statusCode, 400);
  assert.match(short.json().message, /password: must be at least 12 characters/);
  const chosen = await postJson(app, owner, "/api/accounts", { id: "sam", name: "Sam", role: "supervisor", password: "sam's chosen password" });
  assert.equal(chosen.statusCode, 200, chosen.body);
  assert.equal(chosen.json().password, undefined, "a chosen password is not sent back");
  assert.equal(chosen.json().account.id, "sam");
  assert.equal(JSON.stringify(chosen.json()).includes("hash"), false);
  assert.equal((await postJson(app, owner, "/api/accounts", { id: "sam", name: "Sam again", role: "owner" })).statusCode, 409);
  assert.equal((await postJson(app, owner, "/api/accounts", { id: "bad id!", name: "x", role: "owner" })).statusCode, 400);

  const list = await get(app, owner, "/api/accounts");
  assert.deepEqual(list.json().accounts.map((a: { id: string }) => a.id), ["owner", "sam"]);

  const changed = await postJson(app, owner, "/api/accounts/sam", { name: "Sam Lee", phone: "+61491570111", onDuty: true });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal(changed.json().account.name, "Sam Lee");
  assert.equal(changed.json().account.onDuty, true);
  assert.equal((await postJson(app, owner, "/api/accounts/sam", { phone: "0491 570 111" })).statusCode, 400);

  const sam = await signIn(app, "sam's chosen password", "sam");
  const reset = await postJson(app, owner, "/api/accounts/sam/password");
  assert.equal(reset.statusCode, 200);
  assert.equal((await get(app, sam, "/api/live")).statusCode, 401, "a reset ends their sessions");
  const again = await signIn(app, reset.json().password, "sam");

  const deleted = await app.inject({ method: "DELETE", url: "/api/accounts/sam", headers: { cookie: owner.cookie, "x-csrf-token": owner.csrf } });
  assert.equal(deleted.statusCode, 200);
  assert.equal((await get(app, again, "/api/live")).statusCode, 401, "deleting ends their sessions");
  assert.equal((await postJson(app, owner, "/api/accounts/sam/delete")).statusCode, 404);
});

test("the last owner can be neither deleted nor made a supervisor, from the page or the API", async (t) => {
  const { app, accounts, owner } = await ownerApp(t);
  const page = await postForm(app, owner, "/api/accounts/owner/delete", { redirect: "/accounts" });
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, "/accounts?error=last-owner");
  const shown = await get(app, owner, "/accounts?error=last-owner");
  assert.match(shown.body, /That would leave no owner/);
  const demote = await postJson(app, owner, "/api/accounts/owner", { role: "supervisor" });
  assert.equal(demote.statusCode, 409);
  assert.equal((await accounts.find("owner"))?.role, "owner");
  // The page's row form: a hidden onDuty=false, then the ticked checkbox's true (the last wins).
  const form = await app.inject({
    method: "POST",
    url: "/api/accounts/owner",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: owner.cookie },
    payload: `_csrf=${encodeURIComponent(owner.csrf)}&redirect=%2Faccounts&name=The+Owner&role=owner&phone=&client=&onDuty=false&onDuty=true`,
  });
  assert.equal(form.statusCode, 303);
  assert.equal(form.headers.location, "/accounts?done=account-saved");
  assert.equal((await accounts.find("owner"))?.onDuty, true);
  assert.equal((await accounts.find("owner"))?.name, "The Owner");
});

test("an account cannot take an agent's id (sign-in names are looked up in accounts first)", async (t) => {
  const { app, owner } = await ownerApp(t);
  const agents = await get(app, owner, "/api/agents");
  const agentId = agents.json().agents[0]?.id as string | undefined;
  assert.ok(agentId, "the shipped flow has agents");
  const taken = await postJson(app, owner, "/api/accounts", { id: agentId, name: "x", role: "supervisor" });
  assert.equal(taken.statusCode, 409);
  assert.match(taken.json().message, /is an agent's id/);
});

test("anyone signed in to an account changes their own password: the current one is needed, this session goes on, others end", async (t) => {
  const { app, accounts, owner } = await ownerApp(t);
  const other = await signIn(app);
  const wrong = await postForm(app, owner, "/api/account/password", { redirect: "/account", current: "not it", password: "a new long password", confirm: "a new long password" });
  assert.equal(wrong.headers.location, "/account?error=wrong-password");
  const differ = await postJson(app, owner, "/api/account/password", { current: DASHBOARD_PASSWORD, password: "a new long password", confirm: "another" });
  assert.equal(differ.statusCode, 400);
  const changed = await postForm(app, owner, "/api/account/password", { redirect: "/account", current: DASHBOARD_PASSWORD, password: "a new long password", confirm: "a new long password" });
  assert.equal(changed.statusCode, 303);
  assert.equal(changed.headers.location, "/account?done=password-changed");
  const cookie = String(changed.headers["set-cookie"]).split(";")[0] ?? "";
  assert.equal((await get(app, { cookie, csrf: "" }, "/api/live")).statusCode, 200, "the fresh session works");
  assert.equal((await get(app, owner, "/api/live")).statusCode, 401, "the old cookie no longer does");
  assert.equal((await get(app, other, "/api/live")).statusCode, 401, "other sessions ended");
  assert.ok(await verifyPassword("a new long password", await accounts.passwordHash("owner")));
  const page = await get(app, { cookie, csrf: "" }, "/account");
  assert.match(page.body, /Change your password/);
});

test("a supervisor cannot open the Accounts page or API", async (t) => {
  const { app, owner } = await ownerApp(t);
  await postJson(app, owner, "/api/accounts", { id: "sam", name: "Sam", role: "supervisor", password: "sam's chosen password" });
  const sam = await signIn(app, "sam's chosen password", "sam");
  assert.equal((await get(app, sam, "/accounts")).statusCode, 403);
  assert.equal((await get(app, sam, "/api/accounts")).statusCode, 403);
  assert.equal((await postJson(app, sam, "/api/accounts", { id: "eve", name: "Eve", role: "owner" })).statusCode, 403);
  assert.equal((await postJson(app, sam, "/api/accounts/sam", { role: "owner" })).statusCode, 403, "nor promote themselves");
  assert.equal((await get(app, sam, "/account")).statusCode, 200, "their own account page is theirs");
});

test("a supervisor goes on and off duty from their own page: the alerts' recipients follow", async (t) => {
  const { app, accounts } = await ownerApp(t);
  await accounts.create({ id: "sam", name: "Sam Lee", role: "supervisor", phone: "+61491570111" }, await hashPassword("sam's long password", { N: 1024, r: 8, p: 1 }), new Date());
  const sam = await signIn(app, "sam's long password", "sam");
  const before = await get(app, sam, "/account");
  assert.match(before.body, /You are <strong>off duty<\/strong>/);
  assert.match(before.body, /<button type="submit" name="onDuty" value="true">Go on duty<\/button>/);

  const on = await postForm(app, sam, "/api/account/duty", { redirect: "/account", onDuty: "true" });
  assert.equal(on.statusCode, 303);
  assert.equal(on.headers.location, "/account?done=on-duty");
  assert.deepEqual((await accounts.onDuty()).map((a) => a.id), ["sam"]);
  const after = await get(app, sam, "/account?done=on-duty");
  assert.match(after.body, /You are <strong>on duty<\/strong>: the wallboard's threshold alerts are texted to \+61491570111/);
  assert.match(after.body, /Go off duty/);

  const off = await postJson(app, sam, "/api/account/duty", { onDuty: false });
  assert.equal(off.statusCode, 200, off.body);
  assert.deepEqual(off.json(), { ok: true, id: "sam", onDuty: false, phone: true });
  assert.deepEqual(await accounts.onDuty(), []);

  const bad = await postJson(app, sam, "/api/account/duty", { onDuty: "maybe" });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /onDuty/);
  const forged = await postForm(app, sam, "/api/account/duty", { onDuty: "true" }, "");
  assert.equal(forged.statusCode, 403, "without the session's CSRF token");
  assert.deepEqual(await accounts.onDuty(), [], "a refused request changes nothing");
});
