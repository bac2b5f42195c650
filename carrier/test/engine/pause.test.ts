// <Pause> (docs/twilio-contract.md §2.3): silence for `length` seconds (default 1); it nests in <Gather>;
// as the first verb it delays answering the call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hangupByHandset } from "../../src/calls/placement.js";
import { sayMs } from "../../src/verbs/media.js";
import { elapsed, setup } from "./harness.js";

test("Pause waits `length` seconds before the next verb, and makes no request", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Say>Hello</Say><Pause length="3"/><Say>Three seconds later</Say>');
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(sayMs("Hello"));
  const pause = await h.until(call, "pause");
  assert.equal(pause.length, 3);
  await h.advance(2999);
  assert.equal(h.events(call, "say").length, 1, "still pausing");
  await h.advance(1);
  const after = await h.until(call, "say", undefined, 2);
  assert.equal(elapsed(after), sayMs("Hello") + 3000);
  await h.idle();
  assert.deepEqual(h.stub.requests.map((r) => r.path), ["/voice"]);
});

test("Pause defaults to one second", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Say>Hi</Say><Pause/><Say>Later</Say>");
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(sayMs("Hi"));
  const pause = await h.until(call, "pause");
  assert.equal(pause.length, 1);
  await h.settled(call);
  await h.advance(1000);
  const later = await h.until(call, "say", undefined, 2);
  assert.equal(elapsed(later), sayMs("Hi") + 1000);
});

test("Pause nests in Gather, and the Gather's timeout starts after it", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Gather timeout="2"><Pause length="4"/></Gather><Say>Nothing pressed</Say>');
  const call = h.call();
  await h.until(call, "pause");
  await h.settled(call);
  await h.advance(5999);
  assert.equal(h.events(call, "gather.timeout").length, 0);
  await h.advance(1);
  const timeout = await h.until(call, "gather.timeout");
  assert.equal(elapsed(timeout), 6000);
  await h.until(call, "say");
  assert.deepEqual(h.events(call, "twiml.warning"), [], "Pause is allowed inside Gather");
});

test("a caller who hangs up during a Pause ends the call; later verbs never run", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Say>Hi</Say><Pause length="10"/><Say>Never</Say>');
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(sayMs("Hi") + 2000);
  await h.until(call, "pause");
  hangupByHandset(h.engine, call);
  await h.ended(call);
  await h.advance(20_000);
  assert.equal(h.events(call, "say").length, 1);
  assert.equal(call.status, "completed");
});

test(
  "Pause as the first verb delays answering the call",
  async (t) => {
    const h = await setup(t);
    h.stub.twiml("/voice", '<Pause length="5"/><Say>Answered now</Say>');
    const call = h.call();
    await h.until(call, "pause");
    await h.settled(call);
    assert.equal(call.status, "ringing", "not answered during the leading Pause");
    assert.equal(call.answeredAt?.getTime(), undefined, "not answered");
    await h.advance(5000);
    await h.until(call, "say");
    assert.equal(call.status, "in-progress");
    assert.equal(call.answeredAt?.getTime(), Date.parse("2026-01-05T09:00:05Z"));
  },
);
