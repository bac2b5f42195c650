// <Hangup> (docs/twilio-contract.md §2.8): ends the call; later verbs are unreachable; as the first verb
// the call is still answered, so it ends `completed`; any action URL may return it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sayMs } from "../../src/verbs/media.js";
import { elapsed, setup } from "./harness.js";

test("Hangup ends the call as completed; verbs after it never run", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Say>Goodbye</Say><Hangup/><Say>Unreachable</Say>");
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(sayMs("Goodbye"));
  await h.ended(call);
  const hangup = await h.until(call, "hangup");
  assert.equal(elapsed(hangup), sayMs("Goodbye"));
  assert.equal(call.status, "completed");
  assert.deepEqual(h.events(call, "say").map((e) => e.text), ["Goodbye"]);
  const status = await h.stub.waitFor("/status");
  assert.equal(status.params.CallStatus, "completed");
  assert.equal(status.params.CallDuration, String(Math.round(sayMs("Goodbye") / 1000)));
});

test("Hangup as the first verb still answers the call", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Hangup/>");
  const call = h.call();
  await h.ended(call);
  assert.deepEqual(h.statuses(call), ["ringing", "in-progress", "completed"]);
  assert.equal(call.status, "completed");
  assert.ok(call.answeredAt, "answered (and billed)");
  const status = await h.stub.waitFor("/status");
  assert.equal(status.params.CallStatus, "completed");
  assert.equal(status.params.CallDuration, "0");
});

test("an action URL may return Hangup", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Gather action="/menu" numDigits="1"/>');
  h.stub.twiml("/menu", "<Hangup/><Say>Unreachable</Say>");
  const call = h.call();
  await h.until(call, "gather");
  await h.settled(call);
  await h.press(call, "9");
  await h.ended(call);
  assert.equal(call.status, "completed");
  assert.deepEqual(h.events(call, "say"), []);
  await h.idle();
  assert.deepEqual(h.stub.requests.map((r) => r.path), ["/voice", "/menu", "/status"]);
});
