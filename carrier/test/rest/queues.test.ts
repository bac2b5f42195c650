// Queues and Members over loopback with twilio-node: create, fetch, list, update and delete a queue
// (FriendlyName unique, MaxSize 1 to 5000, only an empty queue deleted); queues made by <Enqueue>
// listed beside them; members by CallSid or Front, with their positions and waits; a member updated
// with a Url dequeued to that document.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Call } from "../../src/calls/call.js";
import { hangupByHandset, placeInbound } from "../../src/calls/placement.js";
import { rfc2822 } from "../../src/clock.js";
import { StubApp, flush } from "../engine/harness.js";
import { ACCOUNT_PATH, ACCOUNT_SID, startCarrier, until, type Carrier } from "./helpers.js";

const OURS = "+15005550006";
const CALLERS = ["+14155550101", "+14155550102", "+14155550103"];

async function stubApp(t: { after(fn: () => Promise<void>): void }): Promise<StubApp> {
  const stub = await StubApp.start();
  t.after(() => stub.close());
  return stub;
}

/** Resolves once the call's timeline has an event of this type. */
function timelineHas(call: Call, type: string, where: (event: Record<string, unknown>) => boolean = () => true): Promise<void> {
  const found = () => call.timeline.list().some((e) => e.type === type && where(e));
  if (found()) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = call.timeline.subscribe(() => {
      if (!found()) return;
      stop();
      resolve();
    });
  });
}

/** Callers who each call OURS and wait, in silence, in "support" (action /after-queue). */
async function waiting(carrier: Carrier, stub: StubApp, count: number): Promise<Call[]> {
  carrier.store.addNumber({ phoneNumber: OURS, voiceUrl: `${stub.url}/voice` });
  stub.twiml("/voice", '<Enqueue action="/after-queue" waitUrl="">support</Enqueue><Say>Unreachable</Say>');
  stub.twiml("/after-queue", "<Say>Thanks for calling</Say>");
  const calls: Call[] = [];
  for (const from of CALLERS.slice(0, count)) {
    const placed = placeInbound(carrier.engine, from, OURS);
    assert.ok("call" in placed);
    await timelineHas(placed.call, "enqueue");
    calls.push(placed.call);
    await carrier.clock.advance(10_000);
  }
  return calls;
}

test("a queue is created, fetched, listed, updated and deleted through the official client", async (t) => {
  const { client, clock, request } = await startCarrier(t);
  const created = await client.queues.create({ friendlyName: "support" });
  assert.match(created.sid, /^QU[0-9a-f]{32}$/);
  assert.equal(created.accountSid, ACCOUNT_SID);
  assert.equal(created.friendlyName, "support");
  assert.equal(created.maxSize, 1000, "Twilio's default MaxSize");
  assert.equal(created.currentSize, 0);
  assert.equal(created.averageWaitTime, 0);
  assert.equal(created.uri, `${ACCOUNT_PATH}/Queues/${created.sid}.json`);

  const raw = (await (await request(`${ACCOUNT_PATH}/Queues/${created.sid}.json`)).json()) as Record<string, unknown>;
  assert.equal(raw.date_created, rfc2822(clock.now()));
  assert.deepEqual(raw.subresource_uris, { members: `${ACCOUNT_PATH}/Queues/${created.sid}/Members.json` });

  await clock.advance(60_000);
  const updated = await client.queues(created.sid).update({ friendlyName: "sales", maxSize: 5000 });
  assert.equal(updated.friendlyName, "sales");
  assert.equal(updated.maxSize, 5000);
  assert.equal(updated.dateUpdated.getTime(), clock.now().getTime());
  assert.equal(updated.dateCreated.getTime(), clock.now().getTime() - 60_000);

  const other = await client.queues.create({ friendlyName: "billing", maxSize: 10 });
  assert.deepEqual((await client.queues.list()).map((q) => [q.friendlyName, q.maxSize]), [["billing", 10], ["sales", 5000]]);

  await client.queues(created.sid).remove();
  await assert.rejects(client.queues(created.sid).fetch(), { status: 404, code: 20404 });
  assert.deepEqual((await client.queues.list()).map((q) => q.sid), [other.sid]);
});

test("FriendlyName is required and unique in the account; MaxSize is 1 to 5000", async (t) => {
  const { client } = await startCarrier(t);
  const support = await client.queues.create({ friendlyName: "support" });
  await assert.rejects(client.queues.create({ friendlyName: "support" }), { status: 400, code: 20001 });
  await assert.rejects(client.queues.create({ friendlyName: "" }), { status: 400, code: 20001 });
  await assert.rejects(client.queues.create({ friendlyName: "big", maxSize: 5001 }), { status: 400, code: 20001 });
  await assert.rejects(client.queues.create({ friendlyName: "none", maxSize: 0 }), { status: 400, code: 20001 });
  await assert.rejects(client.queues.create({ friendlyName: "x".repeat(65) }), { status: 400, code: 20001 });
  const sales = await client.queues.create({ friendlyName: "sales", maxSize: 5000 });
  await assert.rejects(client.queues(sales.sid).update({ friendlyName: "support" }), { status: 400, code: 20001 });
  await assert.rejects(client.queues(sales.sid).update({ maxSize: 6000 }), { status: 400, code: 20001 });
  assert.equal((await client.queues(sales.sid).update({ friendlyName: "sales" })).friendlyName, "sales", "its own name is not taken");
  assert.deepEqual((await client.queues.list()).map((q) => q.sid), [sales.sid, support.sid]);
});

test("a queue made by <Enqueue> is listed, with its members by position and their waits", async (t) => {
  const carrier = await startCarrier(t);
  const stub = await stubApp(t);
  const { client } = carrier;
  const [first, second, third] = await waiting(carrier, stub, 3);
  assert.ok(first && second && third);

  const [queue] = await client.queues.list();
  assert.ok(queue);
  assert.match(queue.sid, /^QU[0-9a-f]{32}$/);
  assert.equal(queue.friendlyName, "support");
  assert.equal(queue.maxSize, 1000);
  assert.equal(queue.currentSize, 3);
  // Waits now: 30, 20 and 10 seconds.
  assert.equal(queue.averageWaitTime, 20);

  const members = await client.queues(queue.sid).members.list();
  assert.deepEqual(
    members.map((m) => [m.callSid, m.position, m.waitTime, m.queueSid]),
    [
      [first.sid, 1, 30, queue.sid],
      [second.sid, 2, 20, queue.sid],
      [third.sid, 3, 10, queue.sid],
    ],
  );
  assert.equal(members[0]?.dateEnqueued.getTime(), carrier.clock.now().getTime() - 30_000);
  assert.equal(members[0]?.uri, `${ACCOUNT_PATH}/Queues/${queue.sid}/Members/${first.sid}.json`);

  const front = await client.queues(queue.sid).members("Front").fetch();
  assert.equal(front.callSid, first.sid);
  assert.equal((await client.queues(queue.sid).members(second.sid).fetch()).position, 2);

  hangupByHandset(carrier.engine, first);
  await until(carrier.store, "queue", () => (carrier.engine.queues.bySid(queue.sid)?.members.length ?? 0) === 2);
  assert.equal((await client.queues(queue.sid).members("Front").fetch()).callSid, second.sid);
  assert.equal((await client.queues(queue.sid).members(second.sid).fetch()).position, 1);
  await assert.rejects(client.queues(queue.sid).members(first.sid).fetch(), { status: 404, code: 20404 });

  // Only an empty queue can be deleted.
  await assert.rejects(client.queues(queue.sid).remove(), { status: 400, code: 20009 });
  assert.equal((await client.queues(queue.sid).fetch()).currentSize, 2);
});

test("updating a member with a Url dequeues it to that document; its Enqueue action is told QueueResult=redirected", async (t) => {
  const carrier = await startCarrier(t);
  const stub = await stubApp(t);
  const { client } = carrier;
  stub.twiml("/agent-ready", "<Say>An agent is ready for you</Say>");
  const [first, second] = await waiting(carrier, stub, 2);
  assert.ok(first && second);
  const [queue] = await client.queues.list();
  assert.ok(queue);

  await assert.rejects(client.queues(queue.sid).members(first.sid).update({ url: "" }), { status: 400, code: 20001 });
  await assert.rejects(client.queues(queue.sid).members(`CA${"0".repeat(32)}`).update({ url: `${stub.url}/agent-ready` }), { status: 404 });

  const dequeued = await client.queues(queue.sid).members("Front").update({ url: `${stub.url}/agent-ready`, method: "GET" });
  assert.equal(dequeued.callSid, first.sid);
  assert.equal(dequeued.position, 1);
  assert.equal(dequeued.waitTime, 20);
  // Out of the queue at once: the next caller is at the front.
  assert.deepEqual((await client.queues(queue.sid).members.list()).map((m) => [m.callSid, m.position]), [[second.sid, 1]]);

  const ready = await stub.waitFor("/agent-ready");
  assert.equal(ready.method, "GET");
  assert.equal(ready.params.CallSid, first.sid);
  await timelineHas(first, "say");
  assert.deepEqual(first.timeline.list().filter((e) => e.type === "say").map((e) => e.text), ["An agent is ready for you"]);

  const after = await stub.waitFor("/after-queue");
  assert.equal(after.params.CallSid, first.sid);
  assert.equal(after.params.QueueResult, "redirected");
  assert.equal(after.params.QueueSid, queue.sid);
  assert.equal(after.params.QueueTime, "20");
  await flush();
  assert.equal(first.timeline.list().filter((e) => e.type === "say" && e.text === "Thanks for calling").length, 0, "the action's answer is not run");
  assert.equal(second.activity, "queued");

  // The default Method is POST.
  await client.queues(queue.sid).members(second.sid).update({ url: `${stub.url}/agent-ready` });
  const again = await stub.waitFor("/agent-ready", 2);
  assert.equal(again.method, "POST");
  assert.equal(again.params.CallSid, second.sid);
  assert.equal((await client.queues(queue.sid).fetch()).currentSize, 0);
  await client.queues(queue.sid).remove();
});
