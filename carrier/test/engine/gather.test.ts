// <Gather> (docs/twilio-contract.md §2.4, §10): action defaults to the document URL; finishOnKey (#) ends
// input and is not included; numDigits sends at once; the timeout restarts after each key; no input
// falls through without a request (unless actionOnEmptyResult); speech gives SpeechResult and
// Confidence; the first key stops nested prompts; keys pressed when no Gather listens are lost.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hangupByHandset } from "../../src/calls/placement.js";
import { sayMs } from "../../src/verbs/media.js";
import { STANDARD_PARAMS, elapsed, setup, type Harness } from "./harness.js";
import type { Call } from "../../src/calls/call.js";

/** Places a call whose /voice document is `inner`, and waits until the Gather listens. */
async function gathering(h: Harness, inner: string): Promise<Call> {
  h.stub.twiml("/voice", inner);
  const call = h.call();
  await h.until(call, "gather");
  await h.settled(call);
  return call;
}

test("without action, 1234# re-requests the document (POST) with Digits=1234; later verbs are unreachable", async (t) => {
  const h = await setup(t);
  let round = 0;
  h.stub.route("/voice", () => (++round === 1 ? "<Response><Gather/><Say>Unreachable</Say></Response>" : "<Response><Say>Thanks</Say></Response>"));
  const call = h.call();
  await h.until(call, "gather");
  await h.settled(call);
  assert.equal(await h.press(call, "1234#"), true);
  const again = await h.stub.waitFor("/voice", 2);
  assert.equal(again.method, "POST");
  assert.equal(again.params.Digits, "1234", "the finish key is not included");
  for (const name of STANDARD_PARAMS) assert.ok(name in again.params, `standard parameter ${name}`);
  assert.equal(again.params.CallStatus, "in-progress");
  await h.until(call, "say");
  assert.deepEqual(h.events(call, "say").map((e) => e.text), ["Thanks"]);
  assert.equal(elapsed((await h.until(call, "gather.digits"))), 0, "sent at once on the finish key");
});

test("# before any digit counts as no input: no request, the next verb runs", async (t) => {
  const h = await setup(t);
  const call = await gathering(h, '<Gather action="/next"/><Say>No input</Say>');
  await h.press(call, "#");
  const say = await h.until(call, "say");
  assert.equal(say.text, "No input");
  assert.equal(elapsed(say), 0);
  await h.idle();
  assert.equal(h.stub.to("/next").length, 0);
});

test('finishOnKey="" makes # an ordinary key; input ends on the timeout', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Hangup/>");
  const call = await gathering(h, '<Gather action="/next" finishOnKey="" timeout="3"/>');
  await h.press(call, "12#");
  await h.advance(2999);
  assert.equal(h.stub.to("/next").length, 0);
  await h.advance(1);
  const next = await h.stub.waitFor("/next");
  assert.equal(next.params.Digits, "12#");
});

test("numDigits sends the request as soon as the last digit is pressed", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Hangup/>");
  const call = await gathering(h, '<Gather action="/next" numDigits="3"/>');
  await h.press(call, "4567");
  const next = await h.stub.waitFor("/next");
  assert.equal(next.params.Digits, "456");
  assert.equal(elapsed(await h.until(call, "gather.digits")), 0);
});

test("the timeout restarts after each digit", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Hangup/>");
  const call = await gathering(h, '<Gather action="/next" timeout="5"/>');
  await h.advance(4000);
  await h.press(call, "1");
  await h.advance(4000);
  await h.press(call, "2");
  await h.advance(4999);
  assert.equal(h.stub.to("/next").length, 0, "5 s since the last key have not passed");
  await h.advance(1);
  const next = await h.stub.waitFor("/next");
  assert.equal(next.params.Digits, "12");
  assert.equal(elapsed(await h.until(call, "gather.digits")), 13_000);
});

test("no input falls through to the next verb without any request; with none left the call ends", async (t) => {
  const h = await setup(t);
  const call = await gathering(h, '<Gather action="/next" timeout="5"/><Say>Goodbye</Say>');
  await h.advance(5000);
  const say = await h.until(call, "say");
  assert.equal(elapsed(say), 5000);
  await h.advance(sayMs("Goodbye"));
  await h.ended(call);
  await h.idle();
  assert.equal(h.stub.to("/next").length, 0);
  assert.equal(call.status, "completed");
});

test('actionOnEmptyResult="true" requests the action even without input', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Say>Empty result handled</Say>");
  const call = await gathering(h, '<Gather action="/next" timeout="2" actionOnEmptyResult="true"/><Say>Unreachable</Say>');
  await h.advance(2000);
  const next = await h.stub.waitFor("/next");
  assert.ok(!next.params.Digits, "no digits were pressed");
  const say = await h.until(call, "say");
  assert.equal(say.text, "Empty result handled");
});

test('input="speech" sends SpeechResult and Confidence', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Hangup/>");
  const call = await gathering(h, '<Gather action="/next" input="speech"/>');
  await h.speak(call, "I need to pay my bill");
  const next = await h.stub.waitFor("/next");
  assert.equal(next.params.SpeechResult, "I need to pay my bill");
  const confidence = Number(next.params.Confidence);
  assert.ok(confidence >= 0 && confidence <= 1, `Confidence ${next.params.Confidence}`);
  assert.equal(next.params.Digits, undefined);
});

test('typing is speaking: while a person types an answer, input="speech" keeps waiting; a keys-only menu does not', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Hangup/>");
  const call = await gathering(h, '<Gather action="/next" input="speech" timeout="5"/><Say>Nothing heard</Say>');
  for (let typed = 0; typed < 4; typed += 1) {
    assert.equal(await h.type(call), true);
    await h.advance(4000);
  }
  assert.equal(h.events(call, "gather.timeout").length, 0, "16 s in, the 5 s timeout has not ended the Gather");
  await h.speak(call, "I need to pay my bill");
  const next = await h.stub.waitFor("/next");
  assert.equal(next.params.SpeechResult, "I need to pay my bill");
  assert.equal(elapsed(await h.until(call, "gather.speech")), 16_000);

  h.stub.twiml("/voice", '<Gather action="/next" timeout="5"/><Say>Nothing pressed</Say>');
  const keys = h.call();
  await h.until(keys, "gather");
  await h.settled(keys);
  assert.equal(await h.type(keys), false, "a keys-only menu does not listen for speech");
  await h.advance(5000);
  assert.equal(elapsed(await h.until(keys, "gather.timeout")), 21_000);
});

test('input="dtmf speech": speech first wins; a key first wins', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Hangup/>");
  const spoken = await gathering(h, '<Gather action="/next" input="dtmf speech"/>');
  await h.speak(spoken, "billing");
  await h.press(spoken, "9#");
  const first = await h.stub.waitFor("/next");
  assert.equal(first.params.SpeechResult, "billing");
  assert.equal(first.params.Digits, undefined);

  const keyed = h.call();
  await h.until(keyed, "gather");
  await h.settled(keyed);
  await h.press(keyed, "7");
  await h.speak(keyed, "sales");
  await h.press(keyed, "#");
  const second = await h.stub.waitFor("/next", 2);
  assert.equal(second.params.Digits, "7");
  assert.equal(second.params.SpeechResult, undefined);
});

test("barge-in: a key during the nested Say stops it, and the timeout counts from that key", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/next", "<Hangup/>");
  const prompt = "For sales press one. For support press two. For billing press three. To hear these options again, stay on the line.";
  const call = await gathering(h, `<Gather action="/next" timeout="5"><Say>${prompt}</Say><Say>Second prompt</Say></Gather>`);
  await h.advance(1000);
  await h.press(call, "2");
  await h.until(call, "gather.barge-in");
  await h.advance(4999);
  assert.equal(h.stub.to("/next").length, 0);
  await h.advance(1);
  const next = await h.stub.waitFor("/next");
  assert.equal(next.params.Digits, "2");
  assert.ok(sayMs(prompt) > 6000, "the prompt would still have been playing");
  assert.equal(h.events(call, "say").length, 1, "the second prompt never started");
});

test("hanging up during a Gather makes no request", async (t) => {
  const h = await setup(t);
  const call = await gathering(h, '<Gather action="/next" timeout="5"/><Say>Unreachable</Say>');
  await h.press(call, "12");
  hangupByHandset(h.engine, call);
  await h.ended(call);
  await h.advance(10_000);
  await h.idle();
  assert.deepEqual(h.stub.requests.map((r) => r.path), ["/voice", "/status"]);
  assert.deepEqual(h.events(call, "say"), []);
});

test("keys pressed when no Gather listens are lost", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Say>Welcome to the line</Say><Gather action="/next" timeout="3"/><Say>Nothing</Say>');
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  assert.equal(await h.press(call, "5#"), false, "the Say does not listen");
  await h.advance(sayMs("Welcome to the line"));
  await h.until(call, "gather");
  await h.advance(3000);
  const nothing = await h.until(call, "say", undefined, 2);
  assert.equal(nothing.text, "Nothing");
  await h.idle();
  assert.equal(h.stub.to("/next").length, 0);
});

test('method="GET" on a relative action puts Digits in the query string', async (t) => {
  const h = await setup(t, { number: (url) => ({ voiceUrl: `${url}/ivr/menu` }) });
  h.stub.twiml("/ivr/menu", '<Gather action="choice?step=2" method="GET" numDigits="1"/>');
  h.stub.twiml("/ivr/choice", "<Hangup/>");
  const call = h.call();
  await h.until(call, "gather");
  await h.settled(call);
  await h.press(call, "3");
  const choice = await h.stub.waitFor("/ivr/choice");
  assert.equal(choice.method, "GET");
  assert.equal(choice.query.step, "2");
  assert.equal(choice.query.Digits, "3");
  assert.equal(choice.query.CallSid, call.sid);
});

test(
  "partialResultCallback gets UnstableSpeechResult while the caller speaks; its response is ignored",
  { todo: "engine bug: gather.ts never reads partialResultCallback; no partial result request is made" },
  async (t) => {
    const h = await setup(t);
    h.stub.twiml("/next", "<Hangup/>");
    h.stub.twiml("/partial", "<Say>Ignored</Say>");
    const call = await gathering(h, '<Gather action="/next" input="speech" partialResultCallback="/partial"/>');
    await h.speak(call, "check my balance");
    const next = await h.stub.waitFor("/next");
    assert.equal(next.params.SpeechResult, "check my balance");
    await h.idle();
    const partials = h.stub.to("/partial");
    assert.ok(partials.length >= 1, "at least one partial result");
    assert.ok(partials.every((r) => r.method === "POST" && typeof r.params.UnstableSpeechResult === "string"));
    assert.deepEqual(h.events(call, "say").map((e) => e.text), []);
  },
);
