// <Record> (docs/twilio-contract.md §2.7): a beep, then the caller's speech is recorded until a silence of
// `timeout`, a finishOnKey key, maxLength or hangup; the action (default: the document URL) gets
// RecordingUrl, RecordingDuration and Digits; an empty recording falls through with no request;
// transcription (2–120 s only, else 13617) and the recording status callback follow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hangupByHandset } from "../../src/calls/placement.js";
import { ACCOUNT_SID, STANDARD_PARAMS, elapsed, setup, signatureValid, type Harness } from "./harness.js";
import type { Call } from "../../src/calls/call.js";

const MESSAGE = "Hello this is Sam calling about my order please call me back today"; // 13 words

async function recording(h: Harness, inner: string): Promise<Call> {
  h.stub.twiml("/voice", inner);
  h.stub.twiml("/recorded", "<Say>Thanks</Say>");
  const call = h.call();
  await h.until(call, "record");
  await h.settled(call);
  return call;
}

test("a beep, then speech and # request the action with RecordingUrl, RecordingDuration and Digits", async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded"/><Say>Unreachable</Say>');
  const [beep, record] = h.events(call).filter((e) => e.type === "beep" || e.type === "record");
  assert.deepEqual([beep?.type, record?.type], ["beep", "record"], "the beep comes first");
  assert.equal(call.activity, "recording");
  assert.equal(await h.speak(call, MESSAGE), true);
  await h.advance(3000);
  await h.press(call, "#");
  const recorded = await h.stub.waitFor("/recorded");
  const sid = /\/Recordings\/(RE[0-9a-f]{32})$/.exec(recorded.params.RecordingUrl ?? "")?.[1];
  assert.ok(sid, `RecordingUrl ${recorded.params.RecordingUrl}`);
  const stored = h.store.recordings.get(sid);
  assert.equal(stored?.callSid, call.sid);
  assert.equal(recorded.params.RecordingUrl, h.store.recordingUrl(sid));
  assert.equal(recorded.params.RecordingDuration, String(stored?.durationSeconds));
  assert.ok(Number(recorded.params.RecordingDuration) >= 5, "at least the time it takes to say the message");
  assert.equal(recorded.params.Digits, "#");
  for (const name of STANDARD_PARAMS) assert.ok(name in recorded.params, name);
  assert.equal((await h.until(call, "say")).text, "Thanks");
  assert.deepEqual(h.events(call, "say").map((e) => e.text), ["Thanks"], "verbs after Record are unreachable");
});

test("without action the current document is requested again", async (t) => {
  const h = await setup(t);
  let round = 0;
  h.stub.route("/voice", () => (++round === 1 ? "<Response><Record/></Response>" : "<Response><Hangup/></Response>"));
  const call = h.call();
  await h.until(call, "record");
  await h.speak(call, MESSAGE);
  await h.press(call, "5");
  const again = await h.stub.waitFor("/voice", 2);
  assert.equal(again.method, "POST");
  assert.equal(again.params.Digits, "5", "any key ends a Record by default");
  assert.ok(again.params.RecordingUrl);
});

test("a silence of `timeout` seconds ends the recording", async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded" timeout="3" finishOnKey="#"/>');
  await h.speak(call, MESSAGE);
  await h.press(call, "7");
  await h.advance(2999);
  assert.equal(h.stub.to("/recorded").length, 0, "7 is not a finish key and silence has not lasted 3 s");
  await h.advance(1);
  const recorded = await h.stub.waitFor("/recorded");
  assert.notEqual(recorded.params.Digits, "7");
  assert.equal(elapsed(await h.until(call, "recorded")), 3000);
});

test("an empty recording makes no request and falls through to the next verb", async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded" timeout="4"/><Say>No message was left</Say>');
  await h.advance(4000);
  const say = await h.until(call, "say");
  assert.equal(say.text, "No message was left");
  await h.until(call, "record.empty");
  await h.idle();
  assert.equal(h.stub.to("/recorded").length, 0);
  assert.equal(h.store.recordings.size, 0);
});

test("maxLength ends the recording when nobody stops it", async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded" timeout="0" maxLength="10" playBeep="false" trim="do-not-trim"/>');
  assert.equal(h.events(call, "beep").length, 0, 'playBeep="false"');
  await h.speak(call, MESSAGE);
  await h.advance(9999);
  assert.equal(h.stub.to("/recorded").length, 0);
  await h.advance(1);
  const recorded = await h.stub.waitFor("/recorded");
  assert.equal(recorded.params.RecordingDuration, "10");
});

test("hanging up ends the recording; the action still gets it with Digits=hangup", async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded"/>');
  await h.speak(call, MESSAGE);
  await h.advance(2000);
  hangupByHandset(h.engine, call);
  const recorded = await h.stub.waitFor("/recorded");
  assert.equal(recorded.params.Digits, "hangup");
  assert.ok(recorded.params.RecordingUrl);
  await h.idle();
  assert.deepEqual(h.events(call, "say"), [], "the action's document is not run on a finished call");
});

test("recordingStatusCallback gets the completed recording", async (t) => {
  const h = await setup(t);
  h.stub.route("/rec-status", { status: 204, body: "" });
  const call = await recording(h, '<Record action="/recorded" recordingStatusCallback="/rec-status"/>');
  await h.speak(call, MESSAGE);
  await h.press(call, "#");
  const status = await h.stub.waitFor("/rec-status");
  const recorded = await h.stub.waitFor("/recorded");
  assert.equal(status.method, "POST");
  assert.ok(signatureValid(status));
  assert.equal(status.params.AccountSid, ACCOUNT_SID);
  assert.equal(status.params.CallSid, call.sid);
  assert.equal(status.params.RecordingUrl, recorded.params.RecordingUrl);
  assert.match(status.params.RecordingSid ?? "", /^RE[0-9a-f]{32}$/);
  assert.equal(status.params.RecordingStatus, "completed");
  assert.equal(status.params.RecordingDuration, recorded.params.RecordingDuration);
  assert.equal(status.params.RecordingChannels, "1");
  assert.equal(status.params.RecordingSource, "RecordVerb");
});

test("transcribeCallback gets the text that was said, for a recording of 2–120 s", async (t) => {
  const h = await setup(t);
  h.stub.route("/transcribed", { status: 204, body: "" });
  const call = await recording(h, '<Record action="/recorded" transcribe="true" transcribeCallback="/transcribed"/>');
  await h.speak(call, MESSAGE);
  await h.advance(2000);
  await h.press(call, "#");
  const tr = await h.stub.waitFor("/transcribed");
  assert.equal(tr.method, "POST");
  assert.ok(signatureValid(tr));
  assert.equal(tr.params.TranscriptionText, MESSAGE);
  assert.equal(tr.params.TranscriptionStatus, "completed");
  assert.match(tr.params.TranscriptionSid ?? "", /^TR[0-9a-f]{32}$/);
  assert.ok(tr.params.TranscriptionUrl);
  const recorded = await h.stub.waitFor("/recorded");
  assert.equal(tr.params.RecordingUrl, recorded.params.RecordingUrl);
  assert.ok(tr.params.RecordingSid);
  for (const name of ["CallSid", "AccountSid", "From", "To", "CallStatus", "ApiVersion", "Direction"]) assert.ok(name in tr.params, name);
  assert.equal(tr.params.CallSid, call.sid);
});

test("a recording of 2 s or less is not transcribed: warning 13617", async (t) => {
  const h = await setup(t);
  h.stub.route("/transcribed", { status: 204, body: "" });
  const call = await recording(h, '<Record action="/recorded" transcribe="true" transcribeCallback="/transcribed"/>');
  await h.speak(call, "Hi");
  await h.press(call, "#");
  await h.stub.waitFor("/recorded");
  const warning = await h.until(call, "warning", (e) => e.code === 13617);
  assert.ok(warning);
  await h.idle();
  assert.equal(h.stub.to("/transcribed").length, 0);
});

test("a recording of 120 s (the transcribe maxLength) is not transcribed either", async (t) => {
  const h = await setup(t);
  h.stub.route("/transcribed", { status: 204, body: "" });
  const call = await recording(h, '<Record action="/recorded" timeout="0" transcribe="true" transcribeCallback="/transcribed" trim="do-not-trim"/>');
  await h.speak(call, MESSAGE);
  await h.advance(120_000);
  const recorded = await h.stub.waitFor("/recorded");
  assert.equal(recorded.params.RecordingDuration, "120", "maxLength defaults to 120 with transcribe");
  await h.until(call, "warning", (e) => e.code === 13617);
  await h.idle();
  assert.equal(h.stub.to("/transcribed").length, 0);
});

test("typing is speaking: a person typing every few seconds keeps the recording open; the silence after ends it", async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded" timeout="5" maxLength="60" finishOnKey="#"/>');
  // A person types their message at the softphone: a keystroke report every 4 s, for 20 s.
  for (let typed = 0; typed < 5; typed += 1) {
    assert.equal(await h.type(call), true, "the recording hears typing");
    await h.advance(4000);
  }
  assert.equal(call.activity, "recording", "20 s in, past the 5 s silence timeout, it still records");
  assert.deepEqual([h.events(call, "record.empty").length, h.stub.to("/recorded").length], [0, 0]);
  assert.equal(h.events(call, "caller.typing").length, 1, "one burst of typing, one timeline event");
  assert.equal(await h.speak(call, MESSAGE), true, "the typed words are sent");
  await h.advance(4999);
  assert.equal(h.stub.to("/recorded").length, 0, "silence has not yet lasted 5 s");
  await h.advance(1);
  const recorded = await h.stub.waitFor("/recorded");
  const done = await h.until(call, "recorded");
  assert.equal(done.transcript, MESSAGE);
  assert.equal(done.finishedBy, "silence");
  assert.equal(elapsed(done), 25_000);
  assert.equal(recorded.params.RecordingDuration, "25");
});

test("typing does not outlast maxLength, and typing that stops is silence", async (t) => {
  const h = await setup(t);
  const capped = await recording(h, '<Record action="/recorded" timeout="5" maxLength="10"/>');
  await h.speak(capped, "Hi");
  for (let at = 0; at < 12_000; at += 3000) {
    await h.type(capped);
    await h.advance(3000);
  }
  assert.equal(elapsed(await h.until(capped, "recorded")), 10_000, "maxLength still ends it");

  const quiet = h.call();
  await h.until(quiet, "record");
  await h.settled(quiet);
  await h.type(quiet);
  await h.advance(4999);
  assert.equal(quiet.activity, "recording");
  await h.advance(1);
  const empty = await h.until(quiet, "record.empty");
  const typed = await h.until(quiet, "caller.typing");
  assert.equal(elapsed(empty) - elapsed(typed), 5000, "5 s after the last keystroke; typed words never sent are no recording");
});

test('trim="trim-silence" (the default) leaves the silence before and after the speech out of RecordingDuration', async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded" timeout="10" maxLength="60"/>');
  await h.advance(8000); // eight seconds of silence before the caller speaks
  await h.speak(call, MESSAGE); // 13 words: 5.2 s of speech
  await h.advance(10_000); // the 10 s of silence that end the recording
  const recorded = await h.stub.waitFor("/recorded");
  assert.equal(recorded.params.RecordingDuration, "6");
  const done = await h.until(call, "recorded");
  assert.equal(elapsed(done), 18_000, "the recording itself lasted 18 s");
  assert.equal(done.trimmedSeconds, 12);
  assert.equal(h.store.recordings.get(recorded.params.RecordingSid ?? "")?.durationSeconds, 6, "REST shows the trimmed duration");
});

test('trim="do-not-trim" keeps the silence: RecordingDuration is the whole recording', async (t) => {
  const h = await setup(t);
  const call = await recording(h, '<Record action="/recorded" timeout="10" maxLength="60" trim="do-not-trim"/>');
  await h.advance(8000);
  await h.speak(call, MESSAGE);
  await h.advance(10_000);
  const recorded = await h.stub.waitFor("/recorded");
  assert.equal(recorded.params.RecordingDuration, "18");
  assert.equal((await h.until(call, "recorded")).trimmedSeconds, 0);
});
