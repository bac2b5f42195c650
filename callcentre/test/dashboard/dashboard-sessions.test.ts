// How long a dashboard session lasts: until it is left unused for SESSION_IDLE_MS, until
// SESSION_MAX_AGE_MS after sign-in however busy it is, until its account's password changes (on every
// instance sharing the database), or until it signs out, which also ends its live event stream.
import assert from "node:assert/strict";
import { test } from "node:test";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from "../../src/plugins/app/dashboard-auth.js";
import { AccountsRepository } from "../../src/repositories/accounts-repository.js";
import { DASHBOARD_PASSWORD, OPEN_TIME, sid, signedPost, testApp, testDatabase, voiceParams, waitFor } from "../helpers.js";
import { get, postForm, signIn } from "./dashboard-helpers.js";
import { openLiveStream } from "./live-stream-client.js";

const NEW_PASSWORD = "a brand new dashboard password";
const HOUR = 3600_000;

/** A clock the test moves by hand. */
function handClock() {
  let now = OPEN_TIME.getTime();
  return { clock: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

test("a new password for the owner's account ends its sessions on every instance; DASHBOARD_PASSWORD only seeds it", async (t) => {
  const db = await testDatabase(t);
  const { app: before } = await testApp(t, { db });
  const session = await signIn(before);
  assert.equal((await get(before, session, "/api/live")).statusCode, 200);

  // Restarted with another DASHBOARD_PASSWORD: the account keeps its password, and its sessions live on.
  const changed = { dashboard: { password: NEW_PASSWORD, source: "environment" as const } };
  const { app: first } = await testApp(t, { db, config: changed });
  const { app: second } = await testApp(t, { db, config: changed });
  assert.equal((await get(first, session, "/api/live")).statusCode, 200);
  assert.equal((await postForm(first, undefined, "/login", { password: NEW_PASSWORD })).statusCode, 401, "the new DASHBOARD_PASSWORD is not the owner's");

  // The account's password is changed (Accounts page, CLI): its old sessions end on both instances.
  await new AccountsRepository(db).setPasswordHash("owner", await hashPassword(NEW_PASSWORD, { N: 1024, r: 8, p: 1 }), OPEN_TIME);
  assert.equal((await get(first, session, "/api/live")).statusCode, 401);
  assert.equal((await get(second, session, "/")).statusCode, 303, "a page goes to sign-in");
  assert.equal((await postForm(first, undefined, "/login", { password: DASHBOARD_PASSWORD })).statusCode, 401, "the old password is refused");

  const fresh = await signIn(first, NEW_PASSWORD);
  assert.equal((await get(second, fresh, "/api/live")).statusCode, 200);
  assert.equal((await get(first, fresh, "/api/live")).statusCode, 200);
});

test("a session ends after it is left unused, and at its absolute lifetime however busy it is", async (t) => {
  const { clock, advance } = handClock();
  const { app } = await testApp(t, { clock });
  assert.ok(SESSION_MAX_AGE_MS > SESSION_IDLE_MS);

  const idle = await signIn(app);
  advance(SESSION_IDLE_MS - 1);
  assert.equal((await get(app, idle, "/api/live")).statusCode, 200, "used just in time");
  advance(SESSION_IDLE_MS);
  assert.equal((await get(app, idle, "/api/live")).statusCode, 401, "unused for the idle time");

  const busy = await signIn(app);
  const signedInAt = clock().getTime();
  // Used every hour: the idle time never runs out, the absolute lifetime does.
  while (clock().getTime() + HOUR < signedInAt + SESSION_MAX_AGE_MS) {
    advance(HOUR);
    assert.equal((await get(app, busy, "/api/live")).statusCode, 200, `${(clock().getTime() - signedInAt) / HOUR} h after sign-in`);
  }
  advance(signedInAt + SESSION_MAX_AGE_MS - clock().getTime() - 1);
  assert.equal((await get(app, busy, "/api/live")).statusCode, 200, "a moment before the end");
  advance(1);
  assert.equal((await get(app, busy, "/api/live")).statusCode, 401, "at its absolute lifetime");
});

test("the cookie lasts as long as the session can, not beyond", async (t) => {
  const { app } = await testApp(t);
  const right = await postForm(app, undefined, "/login", { password: DASHBOARD_PASSWORD });
  assert.match(String(right.headers["set-cookie"]), new RegExp(`; Max-Age=${SESSION_MAX_AGE_MS / 1000};`));
});

test("signing out ends that session's live event stream at once, and no other", async (t) => {
  const { app } = await testApp(t);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const leaving = await signIn(app);
  const staying = await signIn(app);
  const leavingStream = await openLiveStream(t, app, leaving.cookie);
  const stayingStream = await openLiveStream(t, app, staying.cookie);
  await waitFor(() => leavingStream.events.length === 1 && stayingStream.events.length === 1, "both streams' first snapshot");

  assert.equal((await postForm(app, leaving, "/logout", {})).statusCode, 303);
  await waitFor(leavingStream.ended, "the signed-out session's stream to end");
  assert.equal((await openLiveStream(t, app, leaving.cookie)).status, 401, "and it cannot be opened again");

  assert.equal(stayingStream.ended(), false);
  assert.equal((await signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", 0x10)))).statusCode, 200);
  await waitFor(() => stayingStream.events.length === 2, "the other session's stream to carry the new call");
});

test("a live stream whose session has expired ends at its next event", async (t) => {
  const { clock, advance } = handClock();
  const { app } = await testApp(t, { clock });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const session = await signIn(app);
  const stream = await openLiveStream(t, app, session.cookie);
  await waitFor(() => stream.events.length === 1, "the first snapshot");
  advance(SESSION_IDLE_MS);
  assert.equal((await signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", 0x11)))).statusCode, 200);
  await waitFor(stream.ended, "the expired session's stream to end");
  assert.equal(stream.events.length, 1, "nothing more was sent to it");
});
