// Agents sign in as themselves, and the two roles keep to their own pages: every dashboard route
// refuses an agent's session, and the desk refuses the owner's. Over HTTP (inject).
import { test } from "node:test";
import assert from "node:assert/strict";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { DASHBOARD_PASSWORD, sid } from "../helpers.js";
import { get, postForm, postJson, signIn } from "../dashboard/dashboard-helpers.js";
import { AVA_PASSWORD, BOB_PASSWORD, deskApp, signInAgent, TEST_SCRYPT } from "./desk-helpers.js";

const OWNER_PAGES = ["/", "/live/fragment", "/calls", `/calls/${sid("CA", 1)}`, "/voicemail", "/messages", "/subscribers", "/metrics", "/flow", "/agents"];
const OWNER_API_GETS = ["/api/live", "/api/live/stream", "/api/calls", "/api/voicemails", "/api/callbacks", `/api/recordings/${sid("RE", 1)}/audio`, "/api/inbox", "/api/metrics", "/api/flow", "/api/agents"];
const OWNER_POSTS = [`/api/voicemails/${sid("RE", 1)}/handled`, "/api/messages/1/handled", "/api/agents/ava/password", "/agents/ava/password"];

test("an agent signs in with their id and password and lands on the desk; the session row names them", async (t) => {
  const { app, db } = await deskApp(t);
  const right = await postForm(app, undefined, "/login", { agent: "ava", password: AVA_PASSWORD, next: "/calls" });
  assert.equal(right.statusCode, 303);
  assert.equal(right.headers.location, "/desk", "an agent goes to the desk, not to the owner's page asked for");
  assert.match(String(right.headers["set-cookie"]), /^callcentre_session=[A-Za-z0-9_-]{43}; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  const rows = await db.query<{ agentId: string | null }>(`select agent_id as "agentId" from dashboard_sessions`);
  assert.deepEqual(rows, [{ agentId: "ava" }]);
  const owner = await postForm(app, undefined, "/login", { agent: "", password: DASHBOARD_PASSWORD, next: "/calls" });
  assert.equal(owner.statusCode, 303);
  assert.equal(owner.headers.location, "/calls", "an empty agent id is the owner's sign-in");
});

test("a wrong name, a wrong password and an agent without a password all get the same refusal", async (t) => {
  const { app, agents } = await deskApp(t);
  await agents.setPasswordHash("bob", null);
  const refusals = [
    { agent: "nobody", password: AVA_PASSWORD },
    { agent: "ava", password: "not ava's password" },
    { agent: "ava", password: BOB_PASSWORD },
    { agent: "bob", password: BOB_PASSWORD },
    { agent: "owner", password: AVA_PASSWORD },
  ];
  const bodies = new Set<string>();
  for (const form of refusals) {
    const response = await postForm(app, undefined, "/login", { ...form, next: "/desk" });
    assert.equal(response.statusCode, 401, JSON.stringify(form));
    assert.equal(response.headers["set-cookie"], undefined);
    assert.match(response.body, /That sign-in name and password do not match\./);
    // The page keeps what was typed in the id field; apart from that, every refusal is the same page.
    bodies.add(response.body.replace(`value="${form.agent}"`, 'value=""'));
  }
  assert.equal(bodies.size, 1, "the refusals cannot be told apart");
});

test("a new password for an agent ends the sessions opened with the old one", async (t) => {
  const { app, agents } = await deskApp(t);
  const session = await signInAgent(app, "ava", AVA_PASSWORD);
  assert.equal((await get(app, session, "/desk")).statusCode, 200);
  await agents.setPasswordHash("ava", await hashPassword("a brand new password", TEST_SCRYPT));
  const after = await get(app, session, "/desk");
  assert.equal(after.statusCode, 303);
  assert.equal(after.headers.location, "/login?next=%2Fdesk");
});

test("an agent's session is refused by every dashboard page (to the desk) and API (403)", async (t) => {
  const { app } = await deskApp(t);
  const session = await signInAgent(app, "ava", AVA_PASSWORD);
  for (const url of OWNER_PAGES) {
    const response = await get(app, session, url);
    assert.equal(response.statusCode, 303, url);
    assert.equal(response.headers.location, "/desk", url);
  }
  for (const url of OWNER_API_GETS) {
    const response = await get(app, session, url);
    assert.equal(response.statusCode, 403, url);
    assert.match(response.json().message, /the desk is at \/desk/, url);
  }
  for (const url of OWNER_POSTS) {
    const response = await postForm(app, session, url, { handled: "true" });
    assert.equal(response.statusCode, 403, url);
  }
  const json = await postJson(app, session, "/api/agents/bob/password");
  assert.equal(json.statusCode, 403, "an agent cannot set another agent's password");
  const logout = await postForm(app, session, "/logout", {});
  assert.equal(logout.statusCode, 303, "an agent signs out like the owner");
  assert.equal((await get(app, session, "/desk")).statusCode, 303, "and the session is over");
});

test("the owner's session is refused by the desk, with a clear message", async (t) => {
  const { app, port } = await deskApp(t);
  const owner = await signIn(app);
  const page = await get(app, owner, "/desk");
  assert.equal(page.statusCode, 403);
  assert.match(page.body, /the desk is for agents: sign out, then sign in with an agent id and its password/);
  for (const url of ["/desk/api/snapshot", "/desk/stream"]) {
    const response = await get(app, owner, url);
    assert.equal(response.statusCode, 403, url);
    assert.match(response.json().message, /the desk is for agents/);
  }
  const choose = await postJson(app, owner, "/desk/api/state", { state: "available" });
  assert.equal(choose.statusCode, 403);
  assert.deepEqual(port.choices, [], "nothing reached the ACD");
  assert.equal((await get(app, owner, "/agents")).statusCode, 200, "the owner keeps the dashboard");
});

test("without a session the desk redirects to sign-in and its API answers 401", async (t) => {
  const { app } = await deskApp(t);
  const page = await get(app, undefined, "/desk");
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, "/login?next=%2Fdesk");
  assert.equal((await get(app, undefined, "/desk/api/snapshot")).statusCode, 401);
  assert.equal((await postForm(app, undefined, "/desk/api/state", { state: "available" })).statusCode, 401);
  const login = await app.inject({ method: "GET", url: "/login?next=/desk" });
  assert.match(login.body, /<input id="user" name="user"/);
});
