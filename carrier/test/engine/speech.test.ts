// What a handset says (src/calls/speech.ts): to the verb listening on its call, or, while two legs
// are bridged (<Dial><Number>, <Dial><Queue> with <Enqueue>), to the person on the other leg, whose
// timeline shows it as "heard" with who said it. Words said to nobody are lost, as on a real call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { answerRinging } from "../../src/calls/handsets.js";
import { hangupByHandset } from "../../src/calls/placement.js";
import { CALLER, setup } from "./harness.js";

const AGENT = "+14155550111";
const AGENT_LINE = "+15005550007";

test("bridged by <Dial>, each side hears what the other says", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", `<Dial>${AGENT}</Dial><Say>Goodbye</Say>`);
  const caller = h.call();
  await h.until(caller, "dial");
  const [agent] = h.legs(caller);
  assert.ok(agent);
  assert.equal(await h.speak(agent, "Is anyone there?"), false, "still ringing: nobody hears it");
  assert.equal(answerRinging(h.engine, agent), true);
  await h.until(caller, "bridged");

  assert.equal(await h.speak(caller, "Hello, I need help with my order"), true);
  const agentHeard = await h.until(agent, "heard");
  assert.equal(agentHeard.text, "Hello, I need help with my order");
  assert.equal(agentHeard.from, CALLER);
  assert.equal(agentHeard.callSid, caller.sid);

  assert.equal(await h.speak(agent, "Sure, what is the order number?"), true);
  const callerHeard = await h.until(caller, "heard");
  assert.equal(callerHeard.text, "Sure, what is the order number?");
  assert.equal(callerHeard.from, AGENT);
  assert.equal(callerHeard.callSid, agent.sid);
  assert.deepEqual(
    h.events(caller, "caller.speech").map((e) => [e.text, e.accepted]),
    [["Hello, I need help with my order", true]],
  );
  assert.equal(h.events(caller, "heard").length, 1, "a leg does not hear itself");

  hangupByHandset(h.engine, agent);
  await h.until(caller, "say");
  assert.equal(await h.speak(caller, "Hello?"), false, "the bridge is over: nobody hears it");
  assert.equal(h.events(agent, "heard").length, 1);
});

test("bridged from a queue by <Dial><Queue>, the caller and the agent hear each other", async (t) => {
  const h = await setup(t);
  h.store.addNumber({ phoneNumber: AGENT_LINE, voiceUrl: `${h.stub.url}/agent` });
  h.stub.twiml("/voice", '<Enqueue waitUrl="/wait">support</Enqueue>');
  h.stub.twiml("/wait", "<Pause length=\"60\"/>");
  h.stub.twiml("/agent", "<Dial><Queue>support</Queue></Dial>");
  const caller = h.call();
  await h.until(caller, "enqueue");
  const agent = h.call(AGENT, AGENT_LINE);
  await h.until(agent, "bridged");

  assert.equal(await h.speak(agent, "Thanks for holding"), true);
  assert.equal((await h.until(caller, "heard")).text, "Thanks for holding");
  assert.equal(h.events(caller, "heard")[0]?.from, AGENT);
  assert.equal(await h.speak(caller, "Hi, it is about my bill"), true);
  const heard = await h.until(agent, "heard");
  assert.deepEqual([heard.text, heard.from, heard.callSid], ["Hi, it is about my bill", CALLER, caller.sid]);
});

test("typing is noted once per burst on the timeline, and counts only where speech is awaited", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Say>Welcome</Say><Record timeout="10"/>');
  const call = h.call();
  await h.until(call, "say");
  assert.equal(await h.type(call), false, "nothing listens for speech while the app speaks");
  await h.advance(1000);
  assert.equal(await h.type(call), true, "the Record hears it");
  await h.advance(5001);
  await h.type(call);
  const bursts = h.events(call, "caller.typing");
  assert.deepEqual(bursts.map((e) => e.accepted), [false, true], "a gap of more than 5 s starts a new burst");
  await h.speak(call, "Call me back");
  await h.type(call);
  assert.equal(h.events(call, "caller.typing").length, 3, "words said end the burst");
});
