// The ACD's webhooks racing each other (docs/queue.md, "Several instances, one database"): two
// requests about one offer, in flight at once, as two instances (or one) receive them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase, type Database } from "../../src/db/database.js";
import { voicePaths } from "../../src/flows/paths.js";
import { sid, signedPost, testApp, testDatabaseUrl, voiceParams } from "../helpers.js";

/** Resolves once `count` lock requests on this database's connections are waiting. */
async function waiters(db: Database, count: number): Promise<void> {
  for (;;) {
    const rows = await db.query(`select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database()`);
    if (rows.length >= count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("an agent who presses 1 and hangs up at once goes to wrap-up: the miss that lost the race does not leave them busy", async (t) => {
  // Connections enough for the app (pg-boss's among them), two transactions waiting, and this test's own.
  const db = await openDatabase({ url: await testDatabaseUrl(t), maxConnections: 12 });
  t.after(() => db.close());
  const { app } = await testApp(t, { db });
  await app.ready();
  const { queue, agents } = app.repositories;
  const now = new Date();
  const callerSid = sid("CA", 1);
  const agentCallSid = sid("CA", 2);
  await queue.enqueue({ callSid: callerSid, department: "billing", number: "+61491570001", called: "+61255501234", enqueuedAt: now });
  await agents.choose("noah", "available", null, now);
  const [made] = await db.transaction((tx) => queue.with(tx).dispatch(now));
  assert.ok(made);
  await queue.offerCalling(made.offer.id, agentCallSid);

  // The caller's place is locked (as by another transition) while the two requests arrive: the key
  // first, then the agent's call's final status (Twilio sends it when the agent hangs up, at once).
  let release = () => {};
  let held = () => {};
  const holding = new Promise<void>((resolve) => (held = resolve));
  const blocker = db.transaction(async (tx) => {
    await tx.query("select 1 from queue_entries where id = $1 for update", [made.entry.id]);
    held();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await holding;
  const key = signedPost(app, voicePaths.offerAccept(made.offer.id), voiceParams(agentCallSid, { Direction: "outbound-api", Digits: "1" }));
  await waiters(db, 1);
  const status = signedPost(app, voicePaths.offerStatus(made.offer.id), voiceParams(agentCallSid, { Direction: "outbound-api", CallStatus: "completed" }));
  await waiters(db, 2);
  release();
  await blocker;
  assert.equal((await key).statusCode, 200);
  assert.equal((await status).statusCode, 204);

  // The key won: the offer was accepted. The agent's call has ended, so the conversation has too.
  assert.equal((await queue.offer(made.offer.id))?.status, "accepted");
  const noah = await agents.get("noah");
  assert.equal(noah?.state, "wrap-up", `Noah is ${noah?.state} (${noah?.reason}) with no call`);
  assert.equal((await queue.entry(made.entry.id))?.status, "ended");
});
