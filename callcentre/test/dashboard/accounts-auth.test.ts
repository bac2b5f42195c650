// Owners and supervisors sign in as themselves (their account's id and password); a blank name is the
// first owner's. A session belongs to its account: a new password, or deleting the account, ends it.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { roleAllows, sessionActor, sessionRole } from "../../src/plugins/app/dashboard-auth.js";
import { AccountsRepository } from "../../src/repositories/accounts-repository.js";
import { DASHBOARD_PASSWORD, OPEN_TIME, testApp, testDatabase } from "../helpers.js";
import { get, postForm, signIn } from "./dashboard-helpers.js";

const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };
const SAM_PASSWORD = "sam's own long password";

async function withSupervisor(t: TestContext) {
  const db = await testDatabase(t);
  const accounts = new AccountsRepository(db);
  await accounts.create({ id: "sam", name: "Sam Lee", role: "supervisor" }, await hashPassword(SAM_PASSWORD, TEST_SCRYPT), OPEN_TIME);
  const { app } = await testApp(t, { db });
  return { app, db, accounts };
}

test("the first start makes the owner's account from the first-run password; a blank name signs in as it", async (t) => {
  const { app, db, accounts } = await withSupervisor(t);
  assert.equal((await accounts.find("owner"))?.role, "owner");
  const blank = await postForm(app, undefined, "/login", { password: DASHBOARD_PASSWORD, next: "/calls" });
  assert.equal(blank.statusCode, 303);
  assert.equal(blank.headers.location, "/calls");
  const named = await postForm(app, undefined, "/login", { user: "owner", password: DASHBOARD_PASSWORD, next: "/calls" });
  assert.equal(named.statusCode, 303);
  const rows = await db.query<{ accountId: string | null; agentId: string | null }>(`select account_id as "accountId", agent_id as "agentId" from dashboard_sessions`);
  assert.deepEqual(rows, [{ accountId: "owner", agentId: null }, { accountId: "owner", agentId: null }]);
});

test("a supervisor signs in with their account id and password; a wrong one gets the same refusal as an unknown name", async (t) => {
  const { app, db } = await withSupervisor(t);
  const right = await postForm(app, undefined, "/login", { user: "sam", password: SAM_PASSWORD, next: "/desk" });
  assert.equal(right.statusCode, 303);
  assert.equal(right.headers.location, "/", "an account has no desk: it goes to the Live page");
  const [row] = await db.query<{ accountId: string }>(`select account_id as "accountId" from dashboard_sessions`);
  assert.equal(row?.accountId, "sam");
  const bodies = new Set<string>();
  for (const form of [
    { user: "sam", password: DASHBOARD_PASSWORD },
    { user: "nobody", password: SAM_PASSWORD },
  ]) {
    const refused = await postForm(app, undefined, "/login", form);
    assert.equal(refused.statusCode, 401);
    assert.match(refused.body, /That sign-in name and password do not match\./);
    bodies.add(refused.body.replace(`value="${form.user}"`, 'value=""'));
  }
  assert.equal(bodies.size, 1);
});

test("a new password for an account, or deleting it, ends its sessions", async (t) => {
  const { app, accounts } = await withSupervisor(t);
  const first = await signIn(app, SAM_PASSWORD, "sam");
  await accounts.setPasswordHash("sam", await hashPassword("another long password", TEST_SCRYPT), OPEN_TIME);
  assert.equal((await get(app, first, "/api/live")).statusCode, 401);
  const second = await signIn(app, "another long password", "sam");
  await accounts.delete("sam");
  assert.equal((await get(app, second, "/api/live")).statusCode, 401);
});

test("roles: the owner may do all a supervisor may; agents only their own; the actor is who signed in", () => {
  const owner = { accountId: "owner", accountRole: "owner" as const, agentId: null };
  const supervisor = { accountId: "sam", accountRole: "supervisor" as const, agentId: null };
  const agent = { accountId: null, accountRole: null, agentId: "ava" };
  assert.deepEqual([sessionRole(owner), sessionRole(supervisor), sessionRole(agent)], ["owner", "supervisor", "agent"]);
  assert.deepEqual([sessionActor(owner), sessionActor(supervisor), sessionActor(agent)], ["owner", "sam", "ava"]);
  const needed = ["owner", "supervisor", "agent", "any"] as const;
  assert.deepEqual(needed.map((n) => roleAllows("owner", n)), [true, true, false, true]);
  assert.deepEqual(needed.map((n) => roleAllows("supervisor", n)), [false, true, false, true]);
  assert.deepEqual(needed.map((n) => roleAllows("agent", n)), [false, false, true, true]);
});

test("a supervisor opens the live views and the agents, not the owner's configuration; the navigation shows only theirs", async (t) => {
  const { app } = await withSupervisor(t);
  const sam = await signIn(app, SAM_PASSWORD, "sam");
  const live = await get(app, sam, "/");
  assert.equal(live.statusCode, 200);
  assert.match(live.body, /<a href="\/agents">Agents<\/a>/);
  assert.doesNotMatch(live.body, /href="\/flow"|href="\/accounts"/, "no links to the owner's pages");
  assert.match(live.body, /data-signed-in-as="sam"/);
  const agents = await get(app, sam, "/agents");
  assert.equal(agents.statusCode, 200);
  assert.doesNotMatch(agents.body, /Set password/);
  for (const url of ["/flow", "/api/flow"]) {
    const refused = await get(app, sam, url);
    assert.equal(refused.statusCode, 403, url);
    assert.match(refused.body, /only an owner may do this/);
  }
  const owner = await signIn(app);
  const ownerLive = await get(app, owner, "/");
  assert.match(ownerLive.body, /href="\/flow"/);
  assert.match(ownerLive.body, /href="\/accounts"/);
});
