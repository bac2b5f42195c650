// <Reject> (docs/twilio-contract.md §2.8, §4): as the first verb the call is never answered: reason="busy"
// ends it busy, "rejected" (the default) no-answer; there is no in-progress status; later verbs are
// unreachable; the completed status callback carries the final status.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sayMs } from "../../src/verbs/media.js";
import { setup } from "./harness.js";

test('Reject reason="busy" ends the call busy without answering it', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Reject reason="busy"/><Say>Unreachable</Say>');
  const call = h.call();
  await h.ended(call);
  assert.equal(call.status, "busy");
  assert.equal(call.answeredAt, null);
  assert.deepEqual(h.statuses(call), ["ringing", "busy"], "never in-progress");
  assert.deepEqual(h.events(call, "say"), []);
  assert.equal((await h.until(call, "reject")).reason, "busy");
  const status = await h.stub.waitFor("/status");
  assert.equal(status.params.CallStatus, "busy");
  assert.equal(status.params.CallDuration, "0");
  await h.idle();
  assert.equal(h.stub.to("/status").length, 1, "only the completed event, for a busy call too");
});

test("Reject without a reason is rejected: the call ends no-answer", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Reject/>");
  const call = h.call();
  await h.ended(call);
  assert.equal(call.status, "no-answer");
  assert.deepEqual(h.statuses(call), ["ringing", "no-answer"]);
  assert.equal((await h.until(call, "reject")).reason, "rejected");
  const status = await h.stub.waitFor("/status");
  assert.equal(status.params.CallStatus, "no-answer");
});

test("Reject after an answering verb just ends the answered call", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Say>Sorry</Say><Reject reason="busy"/>');
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(sayMs("Sorry"));
  await h.ended(call);
  assert.equal(call.status, "completed");
  assert.deepEqual(h.statuses(call), ["ringing", "in-progress", "completed"]);
});
