// <Dial> with <Number> nouns (docs/twilio-contract.md §2.5–2.6, §4.2): every Number rings at once as an
// outbound-dial child leg; the first to answer is bridged and the rest are canceled; the action gets
// DialCallStatus, DialCallSid and DialCallDuration; without an action the call falls through; the
// caller hanging up ends everything; hangupOnStar drops the callee.
import { test } from "node:test";
import assert from "node:assert/strict";
import { answerRinging, rejectRinging } from "../../src/calls/handsets.js";
import { sayMs } from "../../src/verbs/media.js";
import { hangupByHandset } from "../../src/calls/placement.js";
import type { HandsetBehaviour } from "../../src/store.js";
import { CALLER, elapsed, setup, type Harness } from "./harness.js";
import type { Call } from "../../src/calls/call.js";

const ALICE = "+14155550111";
const BOB = "+14155550122";

/** Places a call whose /voice document is `inner` and returns it once the Dial has started. */
async function dialing(h: Harness, inner: string): Promise<Call> {
  h.stub.twiml("/voice", inner);
  const call = h.call();
  await h.until(call, "dial");
  return call;
}

test("several Numbers ring at once; the first to answer is bridged, the others are canceled", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/dialed", "<Say>Call over</Say>");
  const call = await dialing(h, `<Dial action="/dialed"><Number>${ALICE}</Number><Number>${BOB}</Number></Dial><Say>Unreachable</Say>`);
  const [alice, bob] = h.legs(call);
  assert.ok(alice && bob);
  assert.deepEqual([alice.to, bob.to, alice.status, bob.status], [ALICE, BOB, "ringing", "ringing"]);
  assert.equal(call.status, "in-progress");
  await h.advance(3000);
  assert.equal(answerRinging(h.engine, bob), true);
  await h.until(call, "bridged");
  assert.equal(alice.status, "canceled");
  assert.equal(alice.isEnded, true);

  await h.advance(42_000);
  hangupByHandset(h.engine, bob);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "completed");
  assert.equal(dialed.params.DialCallSid, bob.sid);
  assert.equal(dialed.params.DialCallDuration, "42");
  assert.equal(dialed.params.CallSid, call.sid);
  assert.equal(dialed.params.CallStatus, "in-progress");
  const over = await h.until(call, "say");
  assert.equal(over.text, "Call over");
  assert.equal(elapsed(over), 45_000);
  assert.equal(bob.status, "completed");
});

for (const [behaviour, status] of [["busy", "busy"], ["fail", "failed"]] as [HandsetBehaviour, string][]) {
  test(`a handset that is ${behaviour} gives DialCallStatus=${status}`, async (t) => {
    const h = await setup(t);
    h.store.handset(ALICE).behaviour = behaviour;
    h.stub.twiml("/dialed", "<Hangup/>");
    const call = await dialing(h, `<Dial action="/dialed">${ALICE}</Dial>`);
    const dialed = await h.stub.waitFor("/dialed");
    assert.equal(dialed.params.DialCallStatus, status);
    assert.equal(dialed.params.DialCallDuration, undefined, "never bridged");
    assert.equal(h.legs(call)[0]?.status, status);
  });
}

test("nobody answering within timeout gives DialCallStatus=no-answer with the DialCallSid", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/dialed", "<Hangup/>");
  const call = await dialing(h, `<Dial action="/dialed" timeout="10">${ALICE}</Dial>`);
  const [leg] = h.legs(call);
  await h.advance(9999);
  assert.equal(leg?.status, "ringing");
  await h.advance(1);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "no-answer");
  assert.equal(dialed.params.DialCallSid, leg?.sid);
  assert.equal(dialed.params.DialCallDuration, undefined);
  assert.equal(leg?.status, "no-answer");
});

test("without action the call falls through to the next verb after the bridge", async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  const call = await dialing(h, `<Dial>${ALICE}</Dial><Say>After the call</Say>`);
  await h.until(call, "bridged");
  await h.advance(10_000);
  hangupByHandset(h.engine, h.legs(call)[0] as Call);
  const after = await h.until(call, "say");
  assert.equal(after.text, "After the call");
  assert.equal(elapsed(after), 10_000);
  await h.idle();
  assert.deepEqual(h.stub.requests.map((r) => r.path), ["/voice"]);
});

test("timeLimit ends the bridge", async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  h.stub.twiml("/dialed", "<Hangup/>");
  const call = await dialing(h, `<Dial action="/dialed" timeLimit="60">${ALICE}</Dial>`);
  await h.until(call, "bridged");
  await h.advance(60_000);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "completed");
  assert.equal(dialed.params.DialCallDuration, "60");
  assert.equal(h.legs(call)[0]?.status, "completed");
});

test("the caller hanging up ends the bridge, the callee's leg and the session", async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  h.stub.twiml("/dialed", "<Say>Must not run</Say>");
  const call = await dialing(h, `<Dial action="/dialed">${ALICE}</Dial><Say>Unreachable</Say>`);
  await h.until(call, "bridged");
  await h.advance(5000);
  hangupByHandset(h.engine, call);
  await h.ended(call);
  await h.idle();
  assert.equal(call.status, "completed");
  assert.equal(h.legs(call)[0]?.status, "completed");
  assert.deepEqual(h.events(call, "say"), []);
});

test(
  "the caller hanging up while the legs ring cancels them",
  async (t) => {
    const h = await setup(t);
    const call = await dialing(h, `<Dial><Number>${ALICE}</Number><Number>${BOB}</Number></Dial>`);
    await h.advance(2000);
    hangupByHandset(h.engine, call);
    await h.ended(call);
    await h.idle();
    await h.advance(60_000);
    assert.deepEqual(h.legs(call).map((leg) => leg.status), ["canceled", "canceled"]);
  },
);

test('hangupOnStar="true": * drops the callee and the action gets DialCallStatus=completed', async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  h.stub.twiml("/dialed", "<Say>Back with the menu</Say>");
  const call = await dialing(h, `<Dial action="/dialed" hangupOnStar="true">${ALICE}</Dial>`);
  await h.until(call, "bridged");
  await h.advance(7000);
  assert.equal(await h.press(call, "1*"), true);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "completed");
  assert.equal(dialed.params.DialCallDuration, "7");
  assert.equal(h.legs(call)[0]?.status, "completed");
  assert.equal((await h.until(call, "say")).text, "Back with the menu");
  assert.equal(call.isEnded, false, "the caller stays");
});

test("without hangupOnStar, * during a bridge is not heard by the carrier", async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  const call = await dialing(h, `<Dial action="/dialed">${ALICE}</Dial>`);
  await h.until(call, "bridged");
  assert.equal(await h.press(call, "*"), false);
  assert.equal(call.activity, "bridged");
});

test("child legs are outbound-dial with ParentCallSid, the caller's ID, and skip queued", async (t) => {
  const h = await setup(t);
  h.stub.route("/leg-status", { status: 204, body: "" });
  const call = await dialing(h, `<Dial><Number statusCallback="/leg-status">${ALICE}</Number></Dial>`);
  const [leg] = h.legs(call);
  assert.ok(leg);
  assert.equal(leg.direction, "outbound-dial");
  assert.equal(leg.parentCallSid, call.sid);
  assert.equal(leg.from, CALLER, "callerId defaults to the caller");
  answerRinging(h.engine, leg);
  await h.advance(3000);
  hangupByHandset(h.engine, leg);
  const callback = await h.stub.waitFor("/leg-status");
  assert.equal(h.stub.to("/leg-status").length, 1, "only completed by default");
  assert.equal(callback.params.CallStatus, "completed");
  assert.equal(callback.params.CallSid, leg.sid);
  assert.equal(callback.params.ParentCallSid, call.sid);
  assert.equal(callback.params.Direction, "outbound-dial");
  assert.equal(callback.params.CallDuration, "3");
  assert.ok(!h.statuses(leg).includes("queued"));
});

test('callerId sets the From of the child leg', async (t) => {
  const h = await setup(t);
  const call = await dialing(h, `<Dial callerId="+15005550006">${ALICE}</Dial>`);
  assert.equal(h.legs(call)[0]?.from, "+15005550006");
});

test(
  'a Number with statusCallbackEvent="initiated ringing answered completed" reports each, skipping queued',
  async (t) => {
    const h = await setup(t);
    h.stub.route("/leg-status", { status: 204, body: "" });
    const call = await dialing(h, `<Dial><Number statusCallback="/leg-status" statusCallbackEvent="initiated ringing answered completed">${ALICE}</Number></Dial>`);
    const leg = h.legs(call)[0] as Call;
    answerRinging(h.engine, leg);
    hangupByHandset(h.engine, leg);
    await h.ended(leg);
    await h.idle();
    const callbacks = h.stub.to("/leg-status").sort((a, b) => Number(a.params.SequenceNumber) - Number(b.params.SequenceNumber));
    assert.deepEqual(callbacks.map((r) => r.params.CallStatus), ["initiated", "ringing", "in-progress", "completed"]);
    assert.deepEqual(callbacks.map((r) => r.params.SequenceNumber), ["0", "1", "2", "3"]);
  },
);

test(
  'answerOnBridge="true" keeps the caller ringing until the callee answers',
  async (t) => {
    const h = await setup(t);
    const call = await dialing(h, `<Dial answerOnBridge="true">${ALICE}</Dial>`);
    assert.equal(call.status, "ringing");
    answerRinging(h.engine, h.legs(call)[0] as Call);
    await h.until(call, "bridged");
    assert.equal(call.status, "in-progress");
  },
);

test("a Number's url (whisper) runs on the callee's leg before the bridge; the caller waits, then they are bridged", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/whisper", "<Say>Call from the hotline</Say>");
  const call = await dialing(h, `<Dial><Number url="/whisper">${ALICE}</Number></Dial>`);
  const leg = h.legs(call)[0] as Call;
  answerRinging(h.engine, leg);
  const said = await h.until(leg, "say");
  assert.equal(said.text, "Call from the hotline");
  const whisper = h.stub.to("/whisper")[0];
  assert.ok(whisper, "the whisper URL was requested");
  assert.equal(whisper.params.CallSid, leg.sid);
  assert.equal(whisper.params.ParentCallSid, call.sid);
  assert.equal(whisper.params.Direction, "outbound-dial");
  await h.settled(call);
  assert.deepEqual(h.events(call, "bridged"), [], "not bridged while the callee hears the whisper");
  await h.advance(sayMs("Call from the hotline"));
  const bridged = await h.until(call, "bridged");
  assert.equal(bridged.with, leg.sid);
  assert.equal(elapsed(bridged), sayMs("Call from the hotline"));
  assert.equal((await h.until(leg, "whisper.result")).result, "accepted");
});

test("a whisper may <Gather>: the callee presses 1 to accept and is bridged", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/whisper", '<Gather numDigits="1" action="/screen"><Say>Press 1 to accept</Say></Gather><Hangup/>');
  h.stub.route("/screen", (params) => (params.Digits === "1" ? "<Response/>" : "<Response><Hangup/></Response>"));
  const call = await dialing(h, `<Dial action="/dialed"><Number url="/whisper">${ALICE}</Number></Dial>`);
  h.stub.twiml("/dialed", "<Hangup/>");
  const leg = h.legs(call)[0] as Call;
  answerRinging(h.engine, leg);
  await h.until(leg, "gather");
  assert.equal(await h.press(leg, "1"), true);
  assert.equal((await h.stub.waitFor("/screen")).params.CallSid, leg.sid);
  assert.equal((await h.until(call, "bridged")).with, leg.sid);
  await h.advance(30_000);
  hangupByHandset(h.engine, leg);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "completed");
  assert.equal(dialed.params.DialCallSid, leg.sid);
});

test("a callee who hangs up in the whisper is not bridged: the Dial ends no-answer", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/whisper", '<Gather numDigits="1" action="/screen" timeout="5"><Say>Press 1 to accept</Say></Gather><Hangup/>');
  h.stub.twiml("/dialed", "<Say>Nobody took it</Say>");
  const call = await dialing(h, `<Dial action="/dialed"><Number url="/whisper">${ALICE}</Number></Dial>`);
  const leg = h.legs(call)[0] as Call;
  answerRinging(h.engine, leg);
  await h.until(leg, "gather");
  await h.advance(sayMs("Press 1 to accept") + 5000); // no key: the whisper's <Hangup/> runs
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "no-answer");
  assert.equal(dialed.params.DialBridged, "false");
  assert.equal(leg.status, "completed");
  assert.deepEqual(h.events(call, "bridged"), []);
  assert.equal((await h.until(leg, "whisper.result")).result, "hung-up");
});

test("when the first callee declines in the whisper, the Dial goes on to the next number that answers", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/whisper", "<Hangup/>");
  const call = await dialing(h, `<Dial><Number url="/whisper">${ALICE}</Number><Number>${BOB}</Number></Dial>`);
  const [alice, bob] = h.legs(call) as [Call, Call];
  answerRinging(h.engine, alice);
  await h.ended(alice);
  assert.equal(bob.status, "ringing", "the other number still rings");
  await h.advance(5000);
  answerRinging(h.engine, bob);
  assert.equal((await h.until(call, "bridged")).with, bob.sid);
});

test("a whisper runs only the verbs Twilio allows there: <Dial> in it is a 12200 warning and places no call", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/whisper", `<Dial>${BOB}</Dial><Say>Hotline call</Say>`);
  const call = await dialing(h, `<Dial><Number url="/whisper">${ALICE}</Number></Dial>`);
  const leg = h.legs(call)[0] as Call;
  answerRinging(h.engine, leg);
  const warning = await h.until(leg, "warning", (e) => e.code === 12200);
  assert.match(String(warning.message), /<Dial> is not allowed/);
  assert.equal((await h.until(leg, "say")).text, "Hotline call");
  assert.deepEqual(h.legs(leg), [], "no grandchild leg");
  assert.equal(h.legs(call).length, 1);
});

test("a handset that declines a Dial leg makes the Dial end busy", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/dialed", "<Hangup/>");
  const call = await dialing(h, `<Dial action="/dialed">${ALICE}</Dial>`);
  const leg = h.legs(call)[0] as Call;
  await h.advance(4000);
  assert.equal(rejectRinging(h.engine, leg), true);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "busy");
  assert.equal(dialed.params.DialCallSid, leg.sid);
  assert.equal(leg.status, "busy");
});

test("an attribute the carrier reads but does not act on is a 12200 warning on the timeline", async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  const call = await dialing(h, `<Dial record="record-from-answer" sequential="true" timeLimit="5">${ALICE}</Dial>`);
  const warnings = h.events(call, "warning").filter((e) => e.code === 12200).map((e) => String(e.message));
  assert.equal(warnings.length, 1, "record is honoured (recording-dial.test.ts); sequential is not");
  assert.match(warnings[0] ?? "", /sequential/);
});

test("a Client noun rings client:identity as a child leg (more in client.test.ts)", async (t) => {
  const h = await setup(t);
  h.store.registerClient("alice");
  h.stub.twiml("/dialed", '<Pause length="100"/>');
  h.stub.twiml("/voice", '<Dial action="/dialed"><Client>alice</Client></Dial>');
  const call = h.call();
  await h.settled(call);
  await h.idle();
  assert.deepEqual(h.legs(call).map((leg) => [leg.to, leg.status]), [["client:alice", "ringing"]]);
  assert.equal(call.activity, "dialing");
});

test('record="record-from-answer" adds RecordingUrl to the action (more in recording-dial.test.ts)', async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  h.stub.twiml("/dialed", "<Hangup/>");
  const call = await dialing(h, `<Dial action="/dialed" record="record-from-answer">${ALICE}</Dial>`);
  await h.until(call, "bridged");
  await h.advance(20_000);
  hangupByHandset(h.engine, h.legs(call)[0] as Call);
  const dialed = await h.stub.waitFor("/dialed");
  assert.match(dialed.params.RecordingUrl ?? "", /\/Recordings\/RE[0-9a-f]{32}$/);
  assert.equal(dialed.params.RecordingDuration, "20");
});

test(
  '<Dial sequential="true"> rings its numbers one after another, each for the Dial timeout',
  { todo: "not supported: dial.ts rings every Number at once and gives sequential a 12200 warning" },
  async (t) => {
    const h = await setup(t);
    const call = await dialing(h, `<Dial sequential="true" timeout="10"><Number>${ALICE}</Number><Number>${BOB}</Number></Dial>`);
    assert.deepEqual(h.legs(call).map((leg) => leg.to), [ALICE], "only the first number rings");
    await h.advance(10_000);
    await h.settled(call);
    assert.deepEqual(h.legs(call).map((leg) => leg.to), [ALICE, BOB]);
  },
);

test("<Number sendDigits> plays its digits to the callee once the leg answers, before the bridge", async (t) => {
  const h = await setup(t);
  h.store.handset(ALICE).behaviour = "answer";
  const call = await dialing(h, `<Dial><Number sendDigits="ww1928">${ALICE}</Number></Dial>`);
  const leg = h.legs(call)[0] as Call;
  const tones = await h.until(leg, "play");
  assert.equal(tones.digits, "ww1928");
  await h.settled(call);
  assert.deepEqual(h.events(call, "bridged"), [], "not bridged while the tones play");
  await h.advance(1400); // w w = 1 s, four keys = 0.4 s
  assert.equal(elapsed(await h.until(call, "bridged")), 1400);
  assert.deepEqual(h.events(call, "warning"), [], "sendDigits is acted on: no 12200");
});
