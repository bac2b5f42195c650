// <Dial><Client> (docs/twilio-contract.md §2.5): a browser client registered as client:<identity>
// rings as an outbound-dial child leg, with its custom <Parameter>s; its url whisper and status
// callbacks work as <Number>'s; a client already on a call answers busy; an identity no client is
// registered as ends no-answer at once; <Number>s and <Client>s ring together.
import { test } from "node:test";
import assert from "node:assert/strict";
import { answerRinging } from "../../src/calls/handsets.js";
import { hangupByHandset } from "../../src/calls/placement.js";
import type { Call } from "../../src/calls/call.js";
import { elapsed, setup, type Harness } from "./harness.js";

const BOB = "+14155550122";

async function dialing(h: Harness, inner: string, from?: string): Promise<Call> {
  h.stub.twiml("/voice", inner);
  const call = h.call(from);
  await h.until(call, "dial");
  return call;
}

test("<Client> with <Identity> and <Parameter>s rings client:alice; the answered leg is bridged and the action gets the Dial parameters", async (t) => {
  const h = await setup(t);
  h.store.registerClient("alice");
  h.stub.twiml("/dialed", "<Hangup/>");
  const call = await dialing(
    h,
    '<Dial action="/dialed"><Client><Identity>alice</Identity><Parameter name="ticket" value="T-42"/>' +
      '<Parameter name="caller_name" value="Ada &amp; co"/></Client></Dial>',
  );
  const [leg] = h.legs(call);
  assert.ok(leg);
  assert.deepEqual([leg.to, leg.from, leg.direction, leg.status], ["client:alice", call.from, "outbound-dial", "ringing"]);
  assert.deepEqual(leg.customParameters, { ticket: "T-42", caller_name: "Ada & co" });
  const ringing = await h.until(leg, "ringing");
  assert.deepEqual(ringing.parameters, { ticket: "T-42", caller_name: "Ada & co" });
  assert.deepEqual(h.events(call, "dial")[0]?.numbers, ["client:alice"]);

  await h.advance(2000);
  assert.equal(answerRinging(h.engine, leg), true);
  await h.until(call, "bridged");
  await h.advance(30_000);
  hangupByHandset(h.engine, leg);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "completed");
  assert.equal(dialed.params.DialCallSid, leg.sid);
  assert.equal(dialed.params.DialCallDuration, "30");
});

test("an identity no client is registered as ends no-answer at once, without ringing", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/dialed", "<Hangup/>");
  const call = await dialing(h, '<Dial action="/dialed" timeout="20"><Client>nobody</Client></Dial>');
  const dialed = await h.stub.waitFor("/dialed");
  const leg = h.legs(call)[0] as Call;
  assert.equal(dialed.params.DialCallStatus, "no-answer");
  assert.equal(dialed.params.DialCallSid, leg.sid);
  assert.equal(leg.status, "no-answer");
  assert.deepEqual(h.events(leg, "ringing"), []);
  assert.match(String(h.events(leg, "warning")[0]?.message), /client:nobody is not registered/);
  assert.equal(elapsed(await h.until(call, "dial.result")), 0, "no ring timeout waited");
});

test("a client that unregisters is no longer reached; registering again makes it ring", async (t) => {
  const h = await setup(t);
  h.store.registerClient("alice");
  assert.equal(h.store.unregisterClient("alice"), true);
  assert.equal(h.store.unregisterClient("alice"), false, "already offline");
  const first = await dialing(h, "<Dial><Client>alice</Client></Dial>");
  await h.ended(first);
  assert.equal(h.legs(first)[0]?.status, "no-answer");
  h.store.registerClient("alice");
  const second = await dialing(h, "<Dial><Client>alice</Client></Dial>");
  assert.equal(h.legs(second)[0]?.status, "ringing");
});

test("a client already on a call answers busy: DialCallStatus=busy", async (t) => {
  const h = await setup(t);
  h.store.registerClient("alice", "answer");
  h.stub.twiml("/dialed", "<Hangup/>");
  const first = await dialing(h, "<Dial><Client>alice</Client></Dial>");
  await h.until(first, "bridged");
  const second = await dialing(h, '<Dial action="/dialed"><Client>alice</Client></Dial>', "+14155550199");
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "busy");
  const leg = h.legs(second)[0] as Call;
  assert.equal(leg.status, "busy");
  assert.equal(h.events(leg, "declined")[0]?.reason, "on another call");
  assert.equal(h.legs(first)[0]?.status, "in-progress", "the first call goes on");

  // Once the first call is over, alice takes calls again.
  hangupByHandset(h.engine, first);
  await h.ended(first);
  const third = await dialing(h, "<Dial><Client>alice</Client></Dial>", "+14155550188");
  await h.until(third, "bridged");
});

test("<Number>s and <Client>s ring at once; a client answering cancels the number", async (t) => {
  const h = await setup(t);
  h.store.registerClient("alice");
  h.stub.twiml("/dialed", "<Hangup/>");
  const call = await dialing(h, `<Dial action="/dialed"><Number>${BOB}</Number><Client>alice</Client></Dial>`);
  const [bob, alice] = h.legs(call);
  assert.ok(bob && alice);
  assert.deepEqual([bob.to, bob.status, alice.to, alice.status], [BOB, "ringing", "client:alice", "ringing"]);
  assert.deepEqual(h.events(call, "dial")[0]?.numbers, [BOB, "client:alice"]);
  await h.advance(1000);
  answerRinging(h.engine, alice);
  await h.until(call, "bridged");
  assert.equal(bob.status, "canceled");
  assert.equal(call.bridgedWith?.sid, alice.sid);
});

test("<Client url> whispers to the client before the bridge, and its status callback reports ringing and answered", async (t) => {
  const h = await setup(t);
  h.store.registerClient("alice", "answer");
  h.stub.twiml("/whisper", '<Gather numDigits="1" action="/accept"><Say>Ticket T-42. Press 1</Say></Gather><Hangup/>');
  h.stub.twiml("/accept", "");
  h.stub.route("/agent-status", { status: 204, body: "" });
  const call = await dialing(
    h,
    '<Dial><Client url="/whisper" method="POST" statusCallback="/agent-status" statusCallbackEvent="ringing answered completed">' +
      "alice</Client></Dial>",
  );
  const leg = h.legs(call)[0] as Call;
  const whisper = await h.stub.waitFor("/whisper");
  assert.equal(whisper.params.CallSid, leg.sid);
  assert.equal(whisper.params.To, "client:alice");
  await h.until(leg, "gather");
  assert.deepEqual(h.events(call, "bridged"), [], "not bridged during the whisper");
  await h.press(leg, "1");
  await h.until(call, "bridged");
  const statuses = () => h.stub.to("/agent-status").map((r) => r.params.CallStatus);
  await h.stub.waitFor("/agent-status", 2);
  assert.deepEqual(statuses(), ["ringing", "in-progress"]);
  assert.ok(h.stub.to("/agent-status").every((r) => r.params.To === "client:alice" && r.params.CallSid === leg.sid));
  hangupByHandset(h.engine, call);
  await h.stub.waitFor("/agent-status", 3);
  assert.deepEqual(statuses(), ["ringing", "in-progress", "completed"]);
});

test("a client's behaviour decides like a number's: busy declines, no-answer lets the Dial time out", async (t) => {
  const h = await setup(t);
  h.store.registerClient("busy_agent", "busy");
  h.store.registerClient("away_agent", "no-answer");
  h.stub.twiml("/dialed", "<Hangup/>");
  await dialing(h, '<Dial action="/dialed"><Client>busy_agent</Client></Dial>');
  assert.equal((await h.stub.waitFor("/dialed")).params.DialCallStatus, "busy");
  const call = await dialing(h, '<Dial action="/dialed" timeout="15"><Client>away_agent</Client></Dial>', "+14155550199");
  await h.advance(15_000);
  assert.equal((await h.stub.waitFor("/dialed", 2)).params.DialCallStatus, "no-answer");
  assert.equal(h.legs(call)[0]?.status, "no-answer");
});
