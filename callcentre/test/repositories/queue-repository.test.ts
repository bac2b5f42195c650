// The ACD's state machine in Postgres (docs/queue.md): each transition, and the races between
// instances that share one database.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Database } from "../../src/db/database.js";
import { AgentsRepository, type AgentSpec } from "../../src/repositories/agents-repository.js";
import { DISPATCH_LOCK_KEY, QueueRepository } from "../../src/repositories/queue-repository.js";
import { sid, testDatabase } from "../helpers.js";

const t0 = new Date("2026-12-01T00:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const AGENTS: AgentSpec[] = [
  { id: "ava", name: "Ava Nguyen", client: "ava", departments: [{ department: "billing", level: "first-line" }] },
  { id: "noah", name: "Noah Williams", phone: "+61491570111", departments: [{ department: "billing", level: "first-line" }, { department: "faults", level: "overflow" }] },
  { id: "liam", name: "Liam Smith", phone: "+61491570120", client: "liam", departments: [{ department: "faults", level: "first-line" }] },
];

async function setup(t: Parameters<typeof testDatabase>[0]) {
  const db = await testDatabase(t);
  const agents = new AgentsRepository(db);
  const queue = new QueueRepository(db);
  await agents.sync(AGENTS, t0);
  const dispatch = (now: Date) => db.transaction((tx) => queue.with(tx).dispatch(() => now));
  const caller = (n: number, department: string, waitingSince: Date) =>
    queue.enqueue({ callSid: sid("CA", n), department, number: `+6149157000${n}`, enqueuedAt: waitingSince });
  return { db, agents, queue, dispatch, caller };
}

test("agents come from the flow offline; a change of the flow updates them and signs out those removed", async (t) => {
  const { agents } = await setup(t);
  const ava = await agents.get("ava");
  assert.equal(ava?.state, "offline");
  assert.equal(ava?.device, "client");
  assert.deepEqual((await agents.get("noah"))?.departments, [
    { department: "billing", level: "first-line" },
    { department: "faults", level: "overflow" },
  ]);
  assert.equal((await agents.get("liam"))?.device, null, "an agent with both a phone and a client chooses where offers ring");
  await agents.choose("ava", "available", null, at(1));
  await agents.sync([{ ...AGENTS[1]!, departments: [{ department: "faults", level: "first-line" }] }], at(2));
  assert.deepEqual((await agents.get("noah"))?.departments, [{ department: "faults", level: "first-line" }]);
  const removed = await agents.get("ava");
  assert.equal(removed?.inFlow, false);
  assert.equal(removed?.state, "offline");
  assert.equal(await agents.choose("ava", "available", null, at(3)), "not-in-flow");
  assert.deepEqual(
    (await agents.history("ava", t0, at(10))).map((c) => [c.state, c.reason]),
    [["available", null], ["offline", "removed from the flow"]],
  );
});

test("the longest-idle available agent gets the first caller in line; first-line before overflow", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  await agents.choose("noah", "available", null, at(1));
  await agents.choose("ava", "available", null, at(2));
  await agents.choose("liam", "available", null, at(3));
  const first = await caller(1, "billing", at(10));
  const second = await caller(2, "billing", at(11));
  assert.equal(await queue.position(first), 1);
  assert.equal(await queue.position(second), 2);
  const offers = await dispatch(at(12));
  assert.deepEqual(
    offers.map((o) => [o.entry.callSid, o.agent.id]),
    [
      [sid("CA", 1), "noah"],
      [sid("CA", 2), "ava"],
    ],
  );
  assert.equal(offers[0]?.offer.readyAt?.toISOString(), at(10).toISOString(), "the agent was idle before the caller came");
  assert.equal((await agents.get("noah"))?.state, "busy");
  assert.deepEqual(await dispatch(at(13)), [], "nobody is offered twice, no agent gets two offers");

  // Liam is first-line for faults; Noah, overflow for faults, is busy anyway.
  await caller(3, "faults", at(20));
  const faults = await dispatch(at(21));
  assert.deepEqual(faults.map((o) => o.agent.id), ["liam"]);
});

test("an overflow agent takes a caller only when no first-line agent is available", async (t) => {
  const { agents, dispatch, caller } = await setup(t);
  await agents.choose("noah", "available", null, at(1)); // overflow for faults, idle longest
  await agents.choose("liam", "available", null, at(5)); // first-line for faults
  await caller(1, "faults", at(10));
  await caller(2, "faults", at(11));
  const offers = await dispatch(at(12));
  assert.deepEqual(offers.map((o) => [o.entry.callSid, o.agent.id]), [
    [sid("CA", 1), "liam"],
    [sid("CA", 2), "noah"],
  ]);
});

test("a missed offer puts the caller back in their place and the agent last in line; maxNoAnswer in a row is a break", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  await agents.choose("ava", "available", null, at(1));
  await agents.choose("noah", "available", null, at(2));
  await caller(1, "billing", at(10));
  const [offer] = await dispatch(at(10));
  assert.equal(offer?.agent.id, "ava");
  await queue.offerCalling(offer.offer.id, sid("CA", 101));
  await caller(2, "billing", at(11));
  const [second] = await dispatch(at(11));
  assert.equal(second?.agent.id, "noah");
  assert.equal(second.entry.callSid, sid("CA", 2));

  const missed = await queue.miss(offer.offer.id, "missed", "no-answer", at(25), 2);
  assert.equal(missed?.agentState, "available");
  assert.equal(await queue.miss(offer.offer.id, "missed", "no-answer", at(26), 2), undefined, "a repeated callback changes nothing");
  const entry = await queue.openEntry(sid("CA", 1));
  assert.equal(entry?.status, "queued");
  assert.equal(await queue.position(entry!), 1, "the caller keeps their place");

  const [again] = await dispatch(at(26));
  assert.equal(again?.agent.id, "ava", "the only available agent");
  await queue.miss(again.offer.id, "declined", "declined", at(30), 2);
  const ava = await agents.get("ava");
  assert.equal(ava?.state, "break");
  assert.equal(ava?.reason, "missed");
  assert.equal(ava?.missedInRow, 2);
  assert.deepEqual(await dispatch(at(31)), [], "an agent on break is not offered calls");

  await agents.choose("ava", "available", null, at(40));
  assert.equal((await agents.get("ava"))?.missedInRow, 0, "back from break, the count starts again");
});

test("an offer made after a miss counts the wait from the caller's return to the line", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  await agents.choose("ava", "available", null, at(1));
  await agents.choose("noah", "available", null, at(2));
  await caller(1, "billing", at(10));
  const [first] = await dispatch(at(10));
  assert.equal(first?.agent.id, "ava");
  await queue.miss(first.offer.id, "missed", "no-answer", at(20), 3);
  const [second] = await dispatch(at(21));
  assert.equal(second?.agent.id, "noah", "idle since 2 s: longer than Ava, back at 20 s");
  assert.equal(second.offer.readyAt?.toISOString(), at(20).toISOString(), "not from 10 s: the caller was being offered to Ava until 20 s");
});

test("accept connects caller and agent; the agent's call ending starts a timed wrap-up that ends by itself", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  await agents.choose("ava", "available", null, at(1));
  await caller(1, "billing", at(10));
  const [offer] = await dispatch(at(10));
  await queue.offerCalling(offer!.offer.id, sid("CA", 101));
  const accepted = await queue.accept(offer!.offer.id, at(15));
  assert.equal(accepted?.entry.status, "connected");
  assert.equal(accepted?.entry.conference, `entry-${accepted?.entry.id}`);
  assert.equal(await queue.accept(offer!.offer.id, at(16)), undefined, "accepted once");
  assert.equal(await queue.miss(offer!.offer.id, "missed", "late", at(16), 3), undefined, "an accepted offer is not missed later");
  assert.deepEqual((await queue.agentWork("ava"))?.entry.id, accepted?.entry.id);

  await queue.agentCallEnded(sid("CA", 101), at(75), 30);
  const wrapping = await agents.get("ava");
  assert.equal(wrapping?.state, "wrap-up");
  assert.equal(wrapping?.wrapUntil?.toISOString(), at(105).toISOString());
  assert.equal((await queue.entry(accepted!.entry.id))?.status, "ended");

  await caller(2, "billing", at(80));
  assert.deepEqual(await dispatch(at(100)), [], "still wrapping up");
  const [next] = await dispatch(at(110));
  assert.equal(next?.agent.id, "ava");
  assert.equal(next.offer.readyAt?.toISOString(), at(105).toISOString(), "available from the end of the wrap-up");
  assert.deepEqual(
    (await agents.history("ava", t0, at(200))).map((c) => [c.state, c.at.toISOString()]),
    [
      ["available", at(1).toISOString()],
      ["busy", at(10).toISOString()],
      ["busy", at(15).toISOString()],
      ["wrap-up", at(75).toISOString()],
      ["available", at(105).toISOString()],
      ["busy", at(110).toISOString()],
    ],
  );
  const handle = await queue.recentHandleSeconds("billing", t0);
  assert.deepEqual(handle, [60 + 30], "talk from the connection to the end, plus the wrap-up");
});

test("a wrap-up of 0 lasts until the agent says ready; busy agents cannot choose a state", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  await agents.choose("ava", "available", null, at(1));
  await caller(1, "billing", at(10));
  const [offer] = await dispatch(at(10));
  assert.equal(await agents.choose("ava", "break", "lunch", at(11)), "busy");
  await queue.offerCalling(offer!.offer.id, sid("CA", 101));
  await queue.accept(offer!.offer.id, at(12));
  await queue.agentCallEnded(sid("CA", 101), at(20), 0);
  await caller(2, "billing", at(21));
  assert.deepEqual(await dispatch(at(9999)), []);
  const ready = await agents.choose("ava", "available", null, at(10_000));
  assert.equal(typeof ready === "object" && ready.state, "available");
  assert.equal((await dispatch(at(10_001))).length, 1);
});

test("a caller who hangs up while an offer rings cancels it; the agent is available again, with no miss", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  await agents.choose("ava", "available", null, at(1));
  await caller(1, "billing", at(10));
  const [offer] = await dispatch(at(10));
  await queue.offerCalling(offer!.offer.id, sid("CA", 101));
  const gone = await queue.callerGone(sid("CA", 1), at(14));
  assert.equal(gone?.ringingAgentCallSid, sid("CA", 101));
  assert.equal((await queue.entry(offer!.entry.id))?.status, "abandoned");
  assert.equal((await queue.offer(offer!.offer.id))?.status, "canceled");
  const ava = await agents.get("ava");
  assert.equal(ava?.state, "available");
  assert.equal(ava?.missedInRow, 0);
  assert.equal(await queue.accept(offer!.offer.id, at(15)), undefined, "too late to accept");
  assert.equal(await queue.callerGone(sid("CA", 1), at(16)), undefined, "a repeated status callback changes nothing");
});

test("a call back keeps the caller's place; an unanswered customer is retried, then the request fails", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  const first = await caller(1, "billing", at(10));
  await caller(2, "billing", at(20));
  assert.equal(await queue.toCallback(sid("CA", 1)), true);
  const callback = await queue.openEntry(sid("CA", 1), "callback");
  assert.equal(callback?.id, first.id);
  assert.equal(await queue.position(callback!), 1, "still first in line");
  assert.equal(await queue.waiting("billing"), 2);

  await agents.choose("ava", "available", null, at(30));
  const [offer] = await dispatch(at(30));
  assert.equal(offer?.entry.kind, "callback");
  assert.equal(offer.entry.enqueuedAt.toISOString(), at(10).toISOString(), "with the original wait");
  await queue.offerCalling(offer.offer.id, sid("CA", 101));
  await queue.accept(offer.offer.id, at(35));
  await queue.callbackDialled(first.id, sid("CA", 201));
  assert.equal(await queue.callbackUnanswered(first.id, at(60), 2, 120), "queued");
  const retry = await queue.entry(first.id);
  assert.equal(retry?.notBefore?.toISOString(), at(180).toISOString());
  await queue.agentCallEnded(sid("CA", 101), at(61), 0);
  await agents.choose("ava", "available", null, at(62));
  const [next] = await dispatch(at(62));
  assert.equal(next?.entry.callSid, sid("CA", 2), "the call back waits for its retry time; the next caller goes first");
  await queue.offerCalling(next.offer.id, sid("CA", 102));
  await queue.miss(next.offer.id, "missed", "no-answer", at(70), 5);
  await agents.choose("noah", "available", null, at(71));
  const retried = await dispatch(at(200));
  assert.deepEqual(retried.map((o) => o.entry.callSid).sort(), [sid("CA", 1), sid("CA", 2)].sort());
  const again = retried.find((o) => o.entry.callSid === sid("CA", 1))!;
  await queue.offerCalling(again.offer.id, sid("CA", 103));
  await queue.accept(again.offer.id, at(201));
  await queue.callbackDialled(first.id, sid("CA", 202));
  assert.equal(await queue.callbackUnanswered(first.id, at(230), 2, 120), "failed");
  assert.equal((await queue.entry(first.id))?.outcome, "unreachable");
});

test("leaving the line (voicemail, past the maximum wait) is refused while an offer rings", async (t) => {
  const { agents, queue, dispatch, caller } = await setup(t);
  await caller(1, "billing", at(10));
  await caller(2, "billing", at(11));
  assert.equal(await queue.leave(sid("CA", 2), "voicemail", at(12)), true);
  await agents.choose("ava", "available", null, at(13));
  await dispatch(at(13));
  assert.equal(await queue.leave(sid("CA", 1), "max-wait", at(14)), false);
  assert.equal(await queue.toCallback(sid("CA", 1)), false);
  assert.deepEqual(await queue.staffing("billing"), { signedIn: 1, working: 1, available: 0 });
});

async function race(db: Database, runs: number, work: (i: number) => Promise<unknown>) {
  await Promise.all(Array.from({ length: runs }, (_, i) => work(i)));
  return db;
}

test("instances dispatching at once never offer a caller twice nor give an agent two offers", async (t) => {
  const { db, agents, queue, caller } = await setup(t);
  const more: AgentSpec[] = Array.from({ length: 8 }, (_, i) => ({ id: `agent-${i}`, name: `Agent ${i}`, phone: `+6149157020${i}`, departments: [{ department: "billing", level: "first-line" as const }] }));
  await agents.sync([...AGENTS, ...more], t0);
  for (const agent of more) await agents.choose(agent.id, "available", null, at(1));
  for (let n = 1; n <= 12; n++) await caller(n, "billing", at(10 + n));
  // Four "instances": each its own connection and transaction, all at once, several rounds.
  const made: { entry: number; agent: string }[] = [];
  await race(db, 16, async (i) => {
    const offers = await db.transaction((tx) => queue.with(tx).dispatch(at(30 + (i % 4))));
    made.push(...offers.map((o) => ({ entry: o.entry.id, agent: o.agent.id })));
  });
  assert.equal(made.length, 8, "one offer per available agent");
  assert.equal(new Set(made.map((m) => m.entry)).size, 8, "no caller offered twice");
  assert.equal(new Set(made.map((m) => m.agent)).size, 8, "no agent given two offers");
  const offered = await db.query<{ n: number }>(`select count(*)::int as n from queue_entries where status = 'offered'`);
  assert.equal(offered[0]?.n, 8);
  // First come, first served: the eight who came first.
  const entries = await db.query<{ call_sid: string }>(`select call_sid from queue_entries where status = 'offered' order by enqueued_at`);
  assert.deepEqual(entries.map((e) => e.call_sid), Array.from({ length: 8 }, (_, i) => sid("CA", i + 1)));
});

test("an offer is timed once the dispatch holds the lock, never before a change it was decided on", async (t) => {
  const { db, agents, queue, caller } = await setup(t);
  await caller(1, "billing", at(1));
  // Another instance's dispatch holds the lock when this one starts, at 5 s.
  let now = at(5);
  let release = () => {};
  let held = () => {};
  const holding = new Promise<void>((resolve) => (held = resolve));
  const other = db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [DISPATCH_LOCK_KEY]);
    held();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await holding;
  const dispatching = db.transaction((tx) => queue.with(tx).dispatch(() => now));
  const waiting = async () =>
    (await db.query(`select 1 from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`)).length > 0;
  while (!(await waiting())) await new Promise((resolve) => setImmediate(resolve));
  // While it waits, Ava becomes available at 6 s (another instance's request, committed at once).
  now = at(6);
  await agents.choose("ava", "available", null, at(6));
  release();
  await other;
  const [offer] = await dispatching;
  assert.equal(offer?.agent.id, "ava");
  assert.deepEqual([offer?.offer.readyAt, offer?.offer.createdAt], [at(6), at(6)], "offered when it was decided, not before Ava was available");
  assert.deepEqual(
    (await agents.history("ava", t0, at(10))).map((c) => [c.state, c.at.getTime()]),
    [["available", at(6).getTime()], ["busy", at(6).getTime()]],
    "the agent's history in time order",
  );
});

test("a caller hanging up while the agent accepts: exactly one of the two wins", async (t) => {
  const { db, agents, queue, caller } = await setup(t);
  for (let round = 0; round < 10; round++) {
    await agents.choose("ava", "available", null, at(round * 100));
    await caller(round + 1, "billing", at(round * 100 + 1));
    const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(at(round * 100 + 2)));
    await queue.offerCalling(offer!.offer.id, sid("CA", 100 + round));
    const [accepted, gone] = await Promise.all([
      db.transaction((tx) => queue.with(tx).accept(offer!.offer.id, at(round * 100 + 3))),
      db.transaction((tx) => queue.with(tx).callerGone(sid("CA", round + 1), at(round * 100 + 3))),
    ]);
    const entry = await queue.entry(offer!.entry.id);
    const ava = await agents.get("ava");
    if (accepted) {
      // The accept came first; the hang-up then ended the conversation.
      assert.equal(entry?.status, "ended");
      assert.equal(ava?.state, "busy", "the agent's call ending starts the wrap-up");
      await queue.agentCallEnded(sid("CA", 100 + round), at(round * 100 + 4), 0);
    } else {
      assert.equal(gone?.ringingAgentCallSid, sid("CA", 100 + round));
      assert.equal(entry?.status, "abandoned");
      assert.equal(ava?.state, "available");
    }
  }
});
