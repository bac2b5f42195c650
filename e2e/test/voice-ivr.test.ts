// The default flow, called from a handset through the carrier: menu, transfers answered and not,
// voicemail with transcription and the agent's SMS, blocklist, closed hours, no input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { said, startSystem, type CallView } from "./system.js";

const CALLER = "+61255500100"; // a Sydney landline: Twilio-style geography says SYDNEY
const webhooksOf = (call: CallView) => call.timeline.filter((e) => e.type === "webhook");

// One carrier and one call centre for the scenarios on the always-open flow (each places its own call,
// and each call has ended before the next scenario starts): starting the two processes is most of a
// scenario's time.
test("the always-open flow, one system for every scenario", async (t) => {
  const { carrier } = await startSystem(t);

  await t.test("a caller hears the greeting with their city, presses through the menu and hangs up", async () => {
    const sid = await carrier.placeCall(CALLER);
    let call = await carrier.settled(sid);
    assert.equal(call.activity, "gathering");
    assert.deepEqual(said(call).slice(0, 3), [
      "Thank you for calling Bluegum Energy, caller from Sydney.",
      "Calls are recorded for training and quality purposes.",
      "For billing and payments, press 1, or say billing.",
    ]);
    call = await carrier.press(sid, "4");
    assert.ok(said(call).includes("Bluegum Energy is at level 4, 100 Harbour Street, Sydney."), said(call).join("\n"));
    assert.equal(call.activity, "gathering", "back at the main menu after the address");
    await carrier.hangup(sid);
    call = await carrier.call(sid);
    assert.equal(call.status, "completed");
    const webhooks = webhooksOf(call);
    assert.ok(webhooks.length >= 3);
    assert.ok(webhooks.every((w) => w.status === 200), JSON.stringify(webhooks, null, 1));
  });

  await t.test("a transfer to Sales is answered by an agent; the call ends when the agent hangs up", async () => {
    const sid = await carrier.placeCall(CALLER);
    await carrier.settled(sid);
    let call = await carrier.press(sid, "3");
    assert.equal(call.activity, "dialing");
    const [isla] = (await carrier.phoneCalls("+61491570130")).calls;
    const [jack] = (await carrier.phoneCalls("+61491570131")).calls;
    assert.equal(isla?.status, "ringing");
    assert.equal(jack?.status, "ringing", "simultaneous: both agents ring");
    await carrier.answer(jack?.sid ?? "");
    call = await carrier.settled(sid);
    assert.equal(call.activity, "bridged");
    assert.equal((await carrier.call(isla?.sid ?? "")).status, "canceled", "the other agent stops ringing");
    await carrier.advance(42);
    await carrier.hangup(jack?.sid ?? "");
    call = await carrier.settled(sid);
    assert.equal(call.status, "completed");
    const result = call.timeline.find((e) => e.type === "dial.result");
    assert.deepEqual([result?.status, result?.duration], ["completed", 42]);
  });

  await t.test("an unanswered Faults transfer goes to voicemail; the on-call agent gets an SMS and the transcription is delivered", async () => {
    const sid = await carrier.placeCall(CALLER);
    await carrier.settled(sid);
    let call = await carrier.press(sid, "2");
    assert.equal(call.activity, "dialing");
    await carrier.advance(25); // the department's ring timeout
    call = await carrier.settled(sid);
    assert.equal(call.activity, "recording");
    assert.ok(said(call).some((text) => text.startsWith("Our faults team are busy")));
    await carrier.say(sid, "Hi this is Sam at 12 Smith Street the power has been out since lunchtime");
    call = await carrier.press(sid, "#");
    assert.equal(call.status, "completed");
    assert.ok(said(call).includes("Thank you. Your message has been recorded. Goodbye."));
    const { messages } = await carrier.messages("+61491570120");
    const notice = messages.find((m) => m.from === "+61255501234");
    assert.match(notice?.body ?? "", /^New voicemail for Faults from \+61255500100 \(0:\d\d\)\. Listen: http:\/\/127\.0\.0\.1:\d+\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Recordings\/RE[0-9a-f]{32}$/);
    const transcription = webhooksOf(await carrier.call(sid)).find((w) => w.purpose === "transcription");
    assert.equal(transcription?.status, 204);
  });

  await t.test("a blocklisted number is rejected without being answered", async () => {
    const sid = await carrier.placeCall("+61255509999");
    const call = await carrier.settled(sid);
    assert.equal(call.status, "no-answer");
    assert.ok(call.timeline.some((e) => e.type === "reject" && e.reason === "rejected"));
    assert.deepEqual(said(call), []);
  });

  await t.test("a caller who says nothing is asked again, then the call ends", async () => {
    const sid = await carrier.placeCall(CALLER);
    let call = await carrier.settled(sid);
    for (let round = 0; round < 3; round++) {
      // Let the menu's prompts play out, then its 6 s timeout pass.
      await carrier.advance(60);
      call = await carrier.settled(sid);
    }
    assert.equal(call.status, "completed");
    const lines = said(call);
    assert.equal(lines.filter((l) => l === "Sorry, I didn't hear anything.").length, 2);
    assert.equal(lines.at(-1), "Thank you for calling Bluegum Energy. Goodbye.");
  });
});

test("when the office is closed the caller hears so and can leave a message", async (t) => {
  const { carrier } = await startSystem(t, "always-closed");
  const sid = await carrier.placeCall(CALLER);
  let call = await carrier.settled(sid);
  assert.equal(call.activity, "recording");
  assert.equal(said(call)[0], "Our office is closed right now. We are open weekdays from 8 in the morning, and Saturdays from 9 until 1.");
  await carrier.advance(5); // silence: nothing said, so the recording is empty and the flow falls through
  call = await carrier.settled(sid);
  assert.equal(call.status, "completed");
  assert.equal(said(call).at(-1), "We did not receive a message. Goodbye.");
});
