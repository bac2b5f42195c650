import { test } from "node:test";
import assert from "node:assert/strict";
import { CallsRepository, type CallReport, type CallStatus } from "../../src/repositories/calls-repository.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { ACCOUNT_SID, sid, testDatabase } from "../helpers.js";

const report = (status: CallStatus, extra: Partial<CallReport> = {}): CallReport => ({
  sid: sid("CA", 1),
  accountSid: ACCOUNT_SID,
  from: "+61491570001",
  to: "+61255501234",
  direction: "inbound",
  status,
  ...extra,
});
const t0 = new Date("2026-11-24T01:00:00Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

test("a call is stored once however often it is reported, keeping the first geography", async (t) => {
  const calls = new CallsRepository(await testDatabase(t));
  await calls.upsert(report("ringing", { fromCity: "SYDNEY" }), t0);
  await calls.upsert(report("in-progress", { fromCity: "MELBOURNE", fromCountry: "AU" }), later(5));
  const row = await calls.get(sid("CA", 1));
  assert.equal(row?.status, "in-progress");
  assert.equal(row?.fromCity, "SYDNEY");
  assert.equal(row?.fromCountry, "AU");
  assert.equal(row?.startedAt.toISOString(), t0.toISOString());
});

test("a status never moves back to an earlier state", async (t) => {
  const calls = new CallsRepository(await testDatabase(t));
  await calls.upsert(report("in-progress"), t0);
  await calls.upsert(report("ringing"), later(1));
  assert.equal((await calls.get(sid("CA", 1)))?.status, "in-progress");
  const callback = (status: CallStatus, sequenceNumber: number, at: Date, durationSeconds?: number) =>
    calls.applyStatusCallback({ ...report(status), sequenceNumber, reportedAt: at, durationSeconds, params: { CallStatus: status } }, at);
  assert.equal(await callback("completed", 3, later(60), 60), true);
  assert.equal(await callback("in-progress", 2, later(2)), true, "late, but new: recorded");
  const row = await calls.get(sid("CA", 1));
  assert.equal(row?.status, "completed");
  assert.equal(row?.durationSeconds, 60);
  assert.equal(row?.endedAt?.toISOString(), later(60).toISOString());
  assert.equal(row?.answeredAt?.toISOString(), later(2).toISOString(), "the late callback still tells when it was answered");
});

test("a repeated status callback is recorded once and changes nothing", async (t) => {
  const calls = new CallsRepository(await testDatabase(t));
  const completed = { ...report("completed"), sequenceNumber: 0, reportedAt: later(30), durationSeconds: 30, params: {} };
  assert.equal(await calls.applyStatusCallback(completed, later(31)), true);
  assert.equal(await calls.applyStatusCallback({ ...completed, durationSeconds: 99 }, later(40)), false);
  assert.deepEqual(await calls.statusCallbacks(sid("CA", 1)), [{ callStatus: "completed", sequenceNumber: 0 }]);
  assert.equal((await calls.get(sid("CA", 1)))?.durationSeconds, 30);
});

test("a callback for a call never seen creates it; a final status other than completed becomes the outcome", async (t) => {
  const calls = new CallsRepository(await testDatabase(t));
  await calls.applyStatusCallback({ ...report("busy"), sequenceNumber: 0, params: {} }, t0);
  const row = await calls.get(sid("CA", 1));
  assert.equal(row?.status, "busy");
  assert.equal(row?.outcome, "busy");
  assert.equal(row?.endedAt?.toISOString(), t0.toISOString());
});

test("steps are kept in order with their details", async (t) => {
  const calls = new CallsRepository(await testDatabase(t));
  await calls.upsert(report("ringing"), t0);
  await calls.addEvents(sid("CA", 1), [{ kind: "call.incoming" }, { kind: "menu.entered", node: "main", detail: { attempt: 1 } }], t0);
  await calls.addEvents(sid("CA", 1), [{ kind: "menu.input", node: "main", detail: { digits: "1" } }], later(3));
  const events = await calls.events(sid("CA", 1));
  assert.deepEqual(
    events.map((e) => [e.kind, e.node, e.detail]),
    [
      ["call.incoming", null, {}],
      ["menu.entered", "main", { attempt: 1 }],
      ["menu.input", "main", { digits: "1" }],
    ],
  );
  assert.equal(events[2]?.occurredAt.toISOString(), later(3).toISOString());
});

test("summary changes: the department and outcome are set, the answer time only once", async (t) => {
  const calls = new CallsRepository(await testDatabase(t));
  await calls.upsert(report("ringing"), t0);
  await calls.applySummary(sid("CA", 1), { answered: true }, t0);
  await calls.applySummary(sid("CA", 1), { department: "Sales", outcome: "answered", answered: true }, later(9));
  const row = await calls.get(sid("CA", 1));
  assert.equal(row?.department, "Sales");
  assert.equal(row?.outcome, "answered");
  assert.equal(row?.answeredAt?.toISOString(), t0.toISOString());
});

test("migrations apply once: running them again changes nothing", async (t) => {
  const db = await testDatabase(t);
  assert.deepEqual(await migrate(db), []);
  const versions = await db.query<{ version: number }>("select version from schema_migrations order by version");
  assert.deepEqual(versions.map((v) => v.version), readMigrations().map((m) => m.version));
  assert.ok(versions.length >= 2);
});

test("several calls' turns in one statement: new and known calls, summaries merged, steps in order", async (t) => {
  const calls = new CallsRepository(await testDatabase(t));
  const second = sid("CA", 2);
  await calls.recordTurns([{ report: report("ringing", { fromCity: "SYDNEY" }), change: {}, events: [{ kind: "call.incoming" }], at: t0 }]);
  await calls.recordTurns([
    {
      report: report("in-progress", { fromCity: "MELBOURNE" }),
      change: { department: "Sales", outcome: "answered", answered: true },
      events: [{ kind: "menu.input", node: "main-menu", detail: { digits: "3" } }, { kind: "transfer.started", node: "sales" }],
      at: later(10),
    },
    { report: report("ringing", { sid: second }), change: {}, events: [], at: later(11) },
  ]);
  const row = await calls.get(sid("CA", 1));
  assert.deepEqual(
    [row?.status, row?.fromCity, row?.department, row?.outcome, row?.answeredAt?.toISOString(), row?.startedAt.toISOString()],
    ["in-progress", "SYDNEY", "Sales", "answered", later(10).toISOString(), t0.toISOString()],
  );
  const steps = await calls.events(sid("CA", 1));
  assert.deepEqual(steps.map((e) => [e.kind, e.node, e.detail]), [
    ["call.incoming", null, {}],
    ["menu.input", "main-menu", { digits: "3" }],
    ["transfer.started", "sales", {}],
  ]);
  assert.equal((await calls.get(second))?.status, "ringing", "a call with no steps this turn is still recorded");
  await assert.rejects(
    calls.recordTurns([
      { report: report("ringing"), change: {}, events: [], at: t0 },
      { report: report("in-progress"), change: {}, events: [], at: t0 },
    ]),
    /one turn per call/,
  );
});
