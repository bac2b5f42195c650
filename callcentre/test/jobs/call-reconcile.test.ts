// Calls whose final status callback never came: looked up through the REST API once they have been
// quiet for CALL_RECONCILE_AFTER_SECONDS, and closed with what Twilio says. Twilio's REST API is a
// local stand-in (GET Calls/{Sid}.json) that the test tells what to answer; time is a hand clock.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { QUEUES } from "../../src/jobs/jobs.js";
import type { Clock } from "../../src/lib/clock.js";
import { ACCOUNT_SID, AUTH_TOKEN, OPEN_TIME, sid, signedPost, testApp, testDatabase, voiceParams } from "../helpers.js";

const rfc2822 = (date: Date) => date.toUTCString().replace("GMT", "+0000");
const BOUND_MS = 300_000;

type Answer = { status: string; duration?: number; endTime?: Date } | { error: number; code?: number };

/** Twilio's Calls/{Sid} resource on loopback: answers what `answers` says, 404 for calls it does not know. */
async function fakeCallsApi(t: TestContext) {
  const answers = new Map<string, Answer>();
  const fetched: string[] = [];
  const server = createServer((req, res) => {
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(req.url ?? "");
    res.setHeader("content-type", "application/json");
    if (req.method !== "GET" || !match || match[1] !== ACCOUNT_SID) {
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 20404, message: "The requested resource was not found", status: 404 }));
      return;
    }
    const callSid = match[2] ?? "";
    fetched.push(callSid);
    const answer = answers.get(callSid) ?? { error: 404, code: 20404 };
    if ("error" in answer) {
      res.statusCode = answer.error;
      res.end(JSON.stringify({ code: answer.code ?? 20500, message: `HTTP ${answer.error}`, more_info: `https://www.twilio.com/docs/errors/${answer.code ?? 20500}`, status: answer.error }));
      return;
    }
    res.end(
      JSON.stringify({
        sid: callSid,
        account_sid: ACCOUNT_SID,
        from: "+61491570001",
        to: "+61255501234",
        direction: "inbound",
        status: answer.status,
        duration: answer.duration === undefined ? null : String(answer.duration),
        start_time: rfc2822(OPEN_TIME),
        end_time: answer.endTime ? rfc2822(answer.endTime) : null,
        api_version: "2010-04-01",
        uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${callSid}.json`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, answers, fetched, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function handClock(start: Date) {
  let now = start.getTime();
  const clock: Clock = () => new Date(now);
  return { clock, advance: (ms: number) => (now += ms) };
}

async function setup(t: TestContext, options: { logLines?: string[] } = {}) {
  const api = await fakeCallsApi(t);
  const { clock, advance } = handClock(OPEN_TIME);
  const { app, db } = await testApp(t, { clock, config: { twilioApiBaseUrl: api.url, calls: { reconcileAfterMs: BOUND_MS } }, ...options });
  /** A call that reached the main menu at the current time, and was not heard of again. */
  const callAt = async (n: number, path: string[] = []) => {
    const callSid = sid("CA", 0xf00 + n);
    await signedPost(app, "/twilio/voice/incoming", voiceParams(callSid, { CallStatus: "ringing" }));
    for (const digits of path) await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", voiceParams(callSid, { Digits: digits }));
    return callSid;
  };
  const live = async () => (await app.dashboard.live()).calls.map((c) => c.sid);
  const steps = async (callSid: string) => (await app.repositories.calls.events(callSid)).filter((e) => e.kind === "call.reconciled");
  return { app, db, api, clock, advance, callAt, live, steps };
}

test("a call whose final callback never came is closed with Twilio's status, end time and duration", async (t) => {
  const { app, api, advance, callAt, live, steps } = await setup(t);
  const quiet = await callAt(1);
  const waiting = await callAt(2, ["3"]); // transferred to Sales: the agents' phones ring
  advance(BOUND_MS - 1_000);
  const recent = await callAt(3);
  advance(1_000);
  const ended = new Date(OPEN_TIME.getTime() + 95_000);
  api.answers.set(quiet, { status: "completed", duration: 95, endTime: ended });
  api.answers.set(waiting, { status: "completed", duration: 40, endTime: new Date(OPEN_TIME.getTime() + 40_000) });
  assert.deepEqual((await live()).sort(), [quiet, waiting, recent].sort());

  assert.deepEqual(await app.reconciler.run(), { checked: 2, closed: 2 });
  assert.deepEqual(api.fetched.sort(), [quiet, waiting].sort(), "a call heard of within the bound is not looked up");
  const call = await app.repositories.calls.get(quiet);
  assert.deepEqual([call?.status, call?.durationSeconds, call?.endedAt?.toISOString()], ["completed", 95, ended.toISOString()]);
  assert.deepEqual((await steps(quiet)).map((e) => e.detail), [{ status: "completed", source: "rest" }]);
  // The status callback's bookkeeping: the caller left while the agents rang.
  const [visit] = await app.repositories.transfers.forCall(waiting);
  assert.deepEqual([visit?.result, visit?.endedAt?.toISOString()], ["abandoned", "2026-11-24T01:00:40.000Z"]);
  assert.equal((await app.repositories.calls.get(waiting))?.outcome, "abandoned");
  assert.deepEqual(await live(), [recent], "the Live page no longer shows them");

  // Twilio's own callback arriving late after all changes nothing more.
  const late = await signedPost(app, "/twilio/voice/status", voiceParams(quiet, { CallStatus: "completed", CallDuration: "95", SequenceNumber: "3" }));
  assert.equal(late.statusCode, 204);
  assert.equal((await app.repositories.calls.get(quiet))?.durationSeconds, 95);
  assert.equal((await steps(quiet)).length, 1);
});

test("a call Twilio does not know (404) is closed as unknown, ending when it was last heard of", async (t) => {
  const { app, advance, callAt, live, steps } = await setup(t);
  const ghost = await callAt(1, ["3"]);
  advance(BOUND_MS + 30_000);
  assert.deepEqual(await app.reconciler.run(), { checked: 1, closed: 1 });
  const call = await app.repositories.calls.get(ghost);
  assert.deepEqual([call?.status, call?.outcome, call?.endedAt?.toISOString(), call?.durationSeconds], ["unknown", "abandoned", OPEN_TIME.toISOString(), null]);
  assert.deepEqual((await steps(ghost)).map((e) => e.detail), [{ status: "unknown", reason: "not found at Twilio (20404)", source: "rest" }]);
  assert.deepEqual(await live(), []);
  assert.equal((await app.dashboard.searchCalls({ status: "unknown", page: 1 })).total, 1, "the call log can be filtered on it");
});

test("a call still in progress at Twilio stays open and is asked about again later, not every minute", async (t) => {
  const { app, api, advance, callAt, live } = await setup(t);
  const talking = await callAt(1);
  api.answers.set(talking, { status: "in-progress" });
  advance(BOUND_MS);
  assert.deepEqual(await app.reconciler.run(), { checked: 1, closed: 0 });
  assert.deepEqual(await live(), [talking]);
  advance(60_000);
  assert.deepEqual(await app.reconciler.run(), { checked: 0, closed: 0 }, "next check after the bound");
  advance(BOUND_MS);
  assert.deepEqual(await app.reconciler.run(), { checked: 1, closed: 0 });
  advance(BOUND_MS);
  assert.deepEqual(await app.reconciler.run(), { checked: 0, closed: 0 }, "then after twice the bound");
  advance(BOUND_MS);
  api.answers.set(talking, { status: "no-answer", duration: 0 });
  assert.deepEqual(await app.reconciler.run(), { checked: 1, closed: 1 });
  assert.deepEqual([(await app.repositories.calls.get(talking))?.status, api.fetched.length], ["no-answer", 3]);
});

test("no answer from the REST API (5xx, connection refused) leaves the call open, with a warning that holds no secret", async (t) => {
  const logLines: string[] = [];
  const { app, api, advance, callAt, live } = await setup(t, { logLines });
  const call = await callAt(1);
  api.answers.set(call, { error: 503, code: 20500 });
  advance(BOUND_MS);
  assert.deepEqual(await app.reconciler.run(), { checked: 1, closed: 0 });
  assert.deepEqual(await live(), [call]);
  await api.close(); // refused from now on
  advance(BOUND_MS);
  assert.deepEqual(await app.reconciler.run(), { checked: 1, closed: 0 });
  assert.deepEqual(await live(), [call]);
  const warnings = logLines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.msg.startsWith("call reconciliation: the REST API did not answer"));
  assert.equal(warnings.length, 2);
  assert.ok(warnings.every((entry) => entry.level === 40));
  const log = logLines.join("\n");
  assert.ok(!log.includes(AUTH_TOKEN) && !log.includes(Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")), "the token is never logged");
});

test("two instances reconciling at once look each call up once and close it once", async (t) => {
  const api = await fakeCallsApi(t);
  const db = await testDatabase(t);
  const { clock, advance } = handClock(OPEN_TIME);
  const config = { twilioApiBaseUrl: api.url, calls: { reconcileAfterMs: BOUND_MS } };
  const one = await testApp(t, { db, clock, config });
  const two = await testApp(t, { db, clock, config });
  const sids = Array.from({ length: 30 }, (_, i) => sid("CA", 0xa00 + i));
  for (const callSid of sids) {
    await signedPost(one.app, "/twilio/voice/incoming", voiceParams(callSid, { CallStatus: "ringing" }));
    api.answers.set(callSid, { status: "completed", duration: 12, endTime: new Date(OPEN_TIME.getTime() + 12_000) });
  }
  advance(BOUND_MS);
  // Both instances' runners, and the pg-boss job of each, at the same time.
  await one.app.jobs.enqueue([{ name: QUEUES.callReconcile, data: {} }]);
  const [a, b] = await Promise.all([one.app.reconciler.run(), two.app.reconciler.run(), one.app.workers.drain(), two.app.workers.drain()]);
  assert.equal(api.fetched.length, 30, "each call looked up once");
  assert.equal(new Set(api.fetched).size, 30);
  assert.ok(a.closed + b.closed <= 30);
  for (const callSid of sids) {
    assert.equal((await one.app.repositories.calls.get(callSid))?.status, "completed");
    assert.equal((await one.app.repositories.calls.events(callSid)).filter((e) => e.kind === "call.reconciled").length, 1);
  }
});
