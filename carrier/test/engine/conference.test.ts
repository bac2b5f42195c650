// <Dial><Conference> (Twilio's <Conference> page): a conference exists while it has participants;
// it starts when a participant with startConferenceOnEnter joins (the others wait, hearing the
// waitUrl), ends when the last leaves or an endConferenceOnExit one leaves; participants hear each
// other through the room, a muted one is not heard, a coach only by the one it coaches; the Dial
// action follows the participant's leaving; status callbacks carry Twilio's parameters.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { hangupByHandset } from "../../src/calls/placement.js";
import type { Call } from "../../src/calls/call.js";
import { speakingSeconds } from "../../src/calls/input.js";
import { parseVoiceTwiml } from "../../src/twiml/parse-voice.js";
import { sayMs } from "../../src/calls/speech.js";
import { NUMBER, setup, type Harness } from "./harness.js";
import { wavFacts } from "./wav.js";

const AGENT = "+14155550111";
const SUPERVISOR = "+14155550122";
const CUSTOMER = "+14155550133";

/** /voice answers each handset with its own document. */
function perCaller(h: Harness, documents: Record<string, string>): void {
  h.stub.route("/voice", (params) => `<?xml version="1.0" encoding="UTF-8"?><Response>${documents[params.From ?? ""] ?? "<Hangup/>"}</Response>`);
}

async function joined(h: Harness, from: string): Promise<Call> {
  const call = h.call(from, NUMBER);
  await h.until(call, "conference.join");
  await h.idle();
  return call;
}

test("<Conference> reads Twilio's attributes with Twilio's defaults", () => {
  const parsed = parseVoiceTwiml("<Response><Dial><Conference>room</Conference></Dial></Response>");
  assert.ok(parsed.ok);
  const dial = parsed.verbs[0];
  assert.ok(dial?.verb === "Dial");
  assert.deepEqual(dial.nouns[0], {
    noun: "Conference",
    name: "room",
    muted: false,
    beep: "true",
    startConferenceOnEnter: true,
    endConferenceOnExit: false,
    waitMethod: "POST",
    maxParticipants: 250,
    record: "do-not-record",
    recordingStatusCallbackMethod: "POST",
    recordingStatusCallbackEvent: ["completed"],
    trim: "trim-silence",
    statusCallbackMethod: "POST",
    statusCallbackEvent: [],
  });
  const accepted = parseVoiceTwiml(
    '<Response><Dial><Conference region="ie1" jitterBufferSize="small" beep="onEnter" maxParticipants="300" statusCallbackEvent="start bogus">r</Conference></Dial></Response>',
  );
  assert.ok(accepted.ok);
  // region and jitterBufferSize are accepted silently; an out-of-range or unknown value is a warning.
  assert.deepEqual(
    accepted.warnings.map((w) => w.message.split(" ").slice(0, 2).join(" ")),
    ['<Conference> maxParticipants="300"', '<Conference> statusCallbackEvent="start'],
  );
});

test("a participant without startConferenceOnEnter waits, hearing the waitUrl, until one with it joins; then they hear each other", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/wait", "<Gather/><Say>Please wait for your agent</Say>");
  h.stub.route("/conf-events", { status: 204, body: "" });
  const events = `statusCallback="/conf-events" statusCallbackEvent="start end join leave"`;
  perCaller(h, {
    [CUSTOMER]: `<Dial><Conference startConferenceOnEnter="false" waitUrl="/wait" ${events}>support</Conference></Dial>`,
    [AGENT]: "<Dial><Conference>support</Conference></Dial>",
  });
  const customer = await joined(h, CUSTOMER);
  const [conference] = h.engine.conferences.list();
  assert.ok(conference);
  assert.equal(conference.status, "init");
  const wait = h.stub.to("/wait")[0];
  assert.equal(wait?.params.ConferenceSid, conference.sid, "the waitUrl request names the conference");
  await h.until(customer, "say", (e) => e.text === "Please wait for your agent");
  // <Gather> is not allowed in a waitUrl document: Twilio's 13238, and it is skipped.
  assert.ok(h.events(customer, "warning").some((e) => e.code === 13238));
  assert.equal(await h.speak(customer, "hello?"), false, "nobody hears a participant before the start");

  const agent = await joined(h, AGENT);
  assert.equal(conference.status, "in-progress");
  assert.equal(customer.status, "in-progress");
  assert.equal(await h.speak(agent, "Thanks for waiting"), true);
  assert.equal(h.events(customer, "heard")[0]?.text, "Thanks for waiting");
  await h.speak(customer, "My order is late");
  assert.equal(h.events(agent, "heard")[0]?.from, CUSTOMER);

  await h.idle();
  const callbacks = h.stub
    .to("/conf-events")
    .map((r) => r.params)
    .sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
  assert.deepEqual(
    callbacks.map((p) => [p.StatusCallbackEvent, p.CallSid, p.SequenceNumber]),
    [
      ["participant-join", customer.sid, "1"],
      ["participant-join", agent.sid, "2"],
      ["conference-start", undefined, "3"],
    ],
  );
  const join = callbacks[0] ?? {};
  assert.equal(join.ConferenceSid, conference.sid);
  assert.equal(join.FriendlyName, "support");
  assert.equal(join.StartConferenceOnEnter, "false");
  assert.equal(join.EndConferenceOnExit, "false");
  assert.equal(join.Muted, "false");
  assert.equal(join.Hold, "false");
  assert.equal(join.Coaching, "false");
  assert.match(join.Timestamp ?? "", /\+0000$/);
});

test("a muted participant is not heard; a coach is heard only by the participant it coaches", async (t) => {
  const h = await setup(t);
  perCaller(h, { [CUSTOMER]: "<Dial><Conference>room</Conference></Dial>", [AGENT]: '<Dial><Conference muted="true">room</Conference></Dial>' });
  const customer = await joined(h, CUSTOMER);
  const agent = await joined(h, AGENT);
  assert.equal(await h.speak(agent, "can you hear me"), false);
  assert.equal(h.events(customer, "heard").length, 0);

  perCaller(h, { [SUPERVISOR]: `<Dial><Conference coach="${agent.sid}">room</Conference></Dial>` });
  const supervisor = await joined(h, SUPERVISOR);
  await h.speak(supervisor, "offer a refund");
  assert.equal(h.events(agent, "heard")[0]?.text, "offer a refund");
  assert.equal(h.events(customer, "heard").length, 0, "the customer does not hear the coach");
  await h.speak(customer, "hello");
  assert.equal(h.events(supervisor, "heard")[0]?.text, "hello", "the coach hears the conference");
});

test("an endConferenceOnExit participant leaving ends the conference; the others go on to their Dial action", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/after", "<Say>The agent left</Say>");
  h.stub.route("/conf-events", { status: 204, body: "" });
  perCaller(h, {
    [CUSTOMER]: '<Dial action="/after"><Conference statusCallback="/conf-events" statusCallbackEvent="end leave">room</Conference></Dial>',
    [AGENT]: '<Dial><Conference endConferenceOnExit="true" participantLabel="agent">room</Conference></Dial>',
  });
  const customer = await joined(h, CUSTOMER);
  const agent = await joined(h, AGENT);
  const [conference] = h.engine.conferences.list();
  await h.advance(42_000);
  hangupByHandset(h.engine, agent);
  const action = await h.stub.waitFor("/after");
  assert.equal(action.params.DialCallStatus, "completed");
  assert.equal(action.params.DialCallDuration, "42");
  assert.equal(action.params.CallSid, customer.sid);
  await h.until(customer, "say", (e) => e.text === "The agent left");
  assert.equal(conference?.status, "completed");
  assert.equal(conference?.participants.length, 0);

  await h.idle();
  const callbacks = h.stub
    .to("/conf-events")
    .map((r) => r.params)
    .sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
  assert.deepEqual(
    callbacks.map((p) => p.StatusCallbackEvent),
    ["participant-leave", "conference-end", "participant-leave"],
  );
  const end = callbacks[1] ?? {};
  assert.equal(end.ReasonConferenceEnded, "participant-with-end-conference-on-exit-left");
  assert.equal(end.CallSidEndingConference, agent.sid);
  assert.equal(end.ParticipantLabelEndingConference, "agent");
  assert.equal(callbacks[0]?.ParticipantLabel, "agent");
  assert.equal(callbacks[0]?.ParticipantCallStatus, "completed");
});

test("the conference ends when its last participant leaves; the same name then makes a new conference", async (t) => {
  const h = await setup(t);
  perCaller(h, { [CUSTOMER]: "<Dial><Conference>room</Conference></Dial>", [AGENT]: "<Dial><Conference>room</Conference></Dial>" });
  const customer = await joined(h, CUSTOMER);
  const agent = await joined(h, AGENT);
  const [first] = h.engine.conferences.list();
  hangupByHandset(h.engine, customer);
  await flushUntil(h, () => first?.participants.length === 1);
  assert.equal(first?.status, "in-progress", "one participant left is still a conference");
  hangupByHandset(h.engine, agent);
  await h.ended(agent);
  await h.idle();
  assert.equal(first?.status, "completed");
  assert.equal(first?.reasonEnded, "last-participant-left");
  // Without an action the call falls through: it ran out of verbs and ended.

  perCaller(h, { [CUSTOMER]: "<Dial><Conference>room</Conference></Dial>" });
  await joined(h, CUSTOMER);
  const conferences = h.engine.conferences.list();
  assert.equal(conferences.length, 2);
  assert.notEqual(conferences[0]?.sid, first?.sid);
});

test("a full conference fails the Dial", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/full", "<Say>Full</Say>");
  perCaller(h, {
    [CUSTOMER]: '<Dial><Conference record="record-from-start" maxParticipants="2">room</Conference></Dial>',
    [AGENT]: "<Dial><Conference>room</Conference></Dial>",
    [SUPERVISOR]: '<Dial action="/full"><Conference>room</Conference></Dial>',
  });
  await joined(h, CUSTOMER);
  await joined(h, AGENT);
  const supervisor = h.call(SUPERVISOR, NUMBER);
  const action = await h.stub.waitFor("/full");
  assert.equal(action.params.DialCallStatus, "failed");
  assert.equal(action.params.CallSid, supervisor.sid);
});

/** Lets work run until `done` holds (no timers: the engine's own work, woken by events). */
async function flushUntil(h: Harness, done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) await h.idle();
  assert.ok(done(), "the condition never held");
}

test("hold plays the holdUrl and sends participant-hold / -unhold; a REST redirect and the Dial timeLimit take a participant out", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/hold", "<Play>http://127.0.0.1:9/music.mp3</Play><Hangup/>");
  h.stub.twiml("/elsewhere", "<Say>Moved</Say>");
  h.stub.twiml("/limit", "<Say>Time is up</Say>");
  h.stub.route("/conf-events", { status: 204, body: "" });
  perCaller(h, {
    [CUSTOMER]: '<Dial><Conference statusCallback="/conf-events" statusCallbackEvent="hold leave">room</Conference></Dial>',
    [AGENT]: "<Dial><Conference>room</Conference></Dial>",
    [SUPERVISOR]: '<Dial timeLimit="30" action="/limit"><Conference>room</Conference></Dial>',
  });
  const customer = await joined(h, CUSTOMER);
  const agent = await joined(h, AGENT);
  const [conference] = h.engine.conferences.list();
  assert.ok(conference);
  const held = conference.participants[0];
  assert.ok(held);
  h.engine.conferences.update(conference, held, { hold: true, holdUrl: `${h.stub.url}/hold`, holdMethod: "GET" });
  await h.until(customer, "play");
  // <Hangup> is not allowed in a holdUrl document: 13238, skipped; the call goes on.
  await h.until(customer, "warning", (e) => e.code === 13238);
  assert.equal(customer.isEnded, false);
  assert.equal(h.stub.to("/hold")[0]?.method, "GET");
  assert.equal(await h.speak(agent, "anyone there?"), false, "a participant on hold hears nothing");
  h.engine.conferences.update(conference, held, { hold: false });
  assert.equal(await h.speak(agent, "welcome back"), true);

  const supervisor = await joined(h, SUPERVISOR);
  await h.advance(30_000);
  const limit = await h.stub.waitFor("/limit");
  assert.equal(limit.params.CallSid, supervisor.sid);
  assert.equal(limit.params.DialCallDuration, "30");

  h.engine.redirect(agent, { url: `${h.stub.url}/elsewhere`, method: "POST" });
  await h.until(agent, "say", (e) => e.text === "Moved");
  assert.equal(conference.participants.length, 1);

  await h.idle();
  const callbacks = h.stub
    .to("/conf-events")
    .map((r) => r.params)
    .sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
  assert.deepEqual(
    callbacks.map((p) => [p.StatusCallbackEvent, p.Hold, p.ReasonParticipantLeft]),
    [
      ["participant-hold", "true", undefined],
      ["participant-unhold", "false", undefined],
      ["participant-leave", "false", "time-limit"],
      ["participant-leave", "false", "participant_updated_via_api"],
    ],
  );
});

test("an announcement plays to every participant (or one), then announcement-end; one that cannot be had is announcement-fail", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/announce", "<Say>The office closes in five minutes</Say><Gather/>");
  h.stub.route("/conf-events", { status: 204, body: "" });
  perCaller(h, {
    [CUSTOMER]: '<Dial><Conference statusCallback="/conf-events" statusCallbackEvent="announcement">room</Conference></Dial>',
    [AGENT]: "<Dial><Conference>room</Conference></Dial>",
  });
  const customer = await joined(h, CUSTOMER);
  const agent = await joined(h, AGENT);
  const [conference] = h.engine.conferences.list();
  assert.ok(conference);
  h.engine.conferences.announce(conference, `${h.stub.url}/announce`, "POST");
  for (const call of [customer, agent]) await h.until(call, "say", (e) => e.text === "The office closes in five minutes");
  assert.equal(h.stub.to("/announce")[0]?.params.ConferenceSid, conference.sid);
  await h.advance(10_000);
  await h.until(agent, "warning", (e) => e.code === 13238);
  const end = await h.stub.waitFor("/conf-events");
  assert.equal(end.params.StatusCallbackEvent, "announcement-end");

  const only = conference.participants.find((p) => p.call === agent);
  assert.ok(only);
  h.engine.conferences.announce(conference, `${h.stub.url}/missing`, "POST", [only]);
  const fail = await h.stub.waitFor("/conf-events", 2);
  assert.equal(fail.params.StatusCallbackEvent, "announcement-fail");
  assert.equal(h.stub.to("/missing").length, 1, "announced to the one participant only");
  assert.equal(conference.participants.length, 2, "a failed announcement takes nobody out");
});

test("hangupOnStar: * takes the participant out of the conference, and its call goes on to the Dial action", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/left", "<Say>You left the conference</Say>");
  perCaller(h, {
    [CUSTOMER]: "<Dial><Conference>room</Conference></Dial>",
    [AGENT]: '<Dial hangupOnStar="true" action="/left"><Conference>room</Conference></Dial>',
  });
  const customer = await joined(h, CUSTOMER);
  const agent = await joined(h, AGENT);
  await h.press(agent, "1");
  assert.equal(h.engine.conferences.list()[0]?.participants.length, 2, "another key does nothing");
  await h.press(agent, "*");
  const action = await h.stub.waitFor("/left");
  assert.equal(action.params.DialCallStatus, "completed");
  assert.equal(h.events(agent, "conference.leave")[0]?.reason, "hangup-on-star");
  assert.equal(customer.isEnded, false);
  assert.equal(await h.press(customer, "*"), false, "without hangupOnStar * is not listened for");
});

test("beep: the others hear a beep when a participant joins or leaves (onEnter, onExit, false), never the one joining", async (t) => {
  const h = await setup(t);
  perCaller(h, {
    [CUSTOMER]: "<Dial><Conference>room</Conference></Dial>",
    [AGENT]: '<Dial><Conference beep="onEnter">room</Conference></Dial>',
    [SUPERVISOR]: '<Dial><Conference beep="false">room</Conference></Dial>',
  });
  const customer = await joined(h, CUSTOMER);
  assert.equal(h.events(customer, "beep").length, 0, "no beep for the one joining");
  const agent = await joined(h, AGENT);
  assert.equal(h.events(customer, "beep").length, 1, "the agent's arrival beeps");
  assert.equal(h.events(agent, "beep").length, 0);
  const supervisor = await joined(h, SUPERVISOR);
  assert.equal(h.events(customer, "beep").length, 1, "beep=false: silent arrival");
  assert.equal(h.events(agent, "beep").length, 0);
  hangupByHandset(h.engine, agent);
  await h.ended(agent);
  assert.equal(h.events(customer, "beep").length, 1, "onEnter: silent departure");
  hangupByHandset(h.engine, customer);
  await h.ended(customer);
  assert.equal(h.events(supervisor, "beep").length, 1, "the customer's departure beeps (beep=true by default)");
});

test('record="record-from-start" records the conference from its start to its end, with Twilio\'s recording status callbacks', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "carrier-conf-recordings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const h = await setup(t, { limits: { recordingsDir: join(dir, "recordings") } });
  h.stub.route("/rec", { status: 204, body: "" });
  perCaller(h, {
    // The customer waits (startConferenceOnEnter=false): the recording begins with the agent, not before.
    [CUSTOMER]:
      '<Dial><Conference startConferenceOnEnter="false" record="record-from-start" trim="do-not-trim" recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed">room</Conference></Dial>',
    [AGENT]: "<Dial><Conference>room</Conference></Dial>",
  });
  const customer = await joined(h, CUSTOMER);
  assert.equal(h.events(customer, "warning").length, 0, "record is acted on: no 12200");
  await h.advance(5_000);
  assert.equal(h.stub.to("/rec").length, 0, "nothing recorded before the start");
  const agent = await joined(h, AGENT);
  await h.idle();
  const started = h.stub.to("/rec");
  assert.equal(started.length, 1);
  const conferenceSid = String(h.events(agent, "conference.join")[0]?.conferenceSid);
  assert.match(conferenceSid, /^CF/);
  const sid = started[0]?.params.RecordingSid ?? "";
  assert.deepEqual(started[0]?.params, {
    AccountSid: h.store.account.sid,
    ConferenceSid: conferenceSid,
    RecordingSid: sid,
    RecordingUrl: h.store.recordingUrl(sid),
    RecordingStatus: "in-progress",
    RecordingChannels: "1",
    RecordingSource: "Conference",
    RecordingStartTime: h.clock.now().toUTCString().replace("GMT", "+0000"),
  });
  assert.equal(h.store.recordings.get(sid)?.status, "in-progress");
  await h.advance(10_000);
  hangupByHandset(h.engine, agent);
  hangupByHandset(h.engine, customer);
  await h.idle();
  const done = h.stub.to("/rec").find((r) => r.params.RecordingStatus === "completed");
  assert.ok(done, "a completed recording status callback");
  assert.equal(done.params.RecordingDuration, "10");
  assert.equal(done.params.ConferenceSid, conferenceSid);
  assert.equal(done.params.RecordingSid, sid);
  assert.equal(done.params.CallSid, undefined, "a conference's recording names the conference, not a call");
  const recording = h.store.recordings.get(sid);
  assert.equal(recording?.source, "Conference");
  assert.equal(recording?.conferenceSid, conferenceSid);
  assert.equal(recording?.callSid, agent.sid, "kept under the participant whose arrival started the conference");
  assert.equal(recording?.durationSeconds, 10);
  const wav = readFileSync(join(dir, "recordings", `${sid}.wav`));
  assert.deepEqual(wavFacts(wav), { channels: 1, rate: 8000, bits: 16, dataBytes: 10 * 8000 * 2 });
});

test('<Conference> trims silence by default: the recording keeps from the first word to the last; a silent conference is absent', async (t) => {
  const h = await setup(t);
  h.stub.route("/rec", { status: 204, body: "" });
  perCaller(h, {
    [CUSTOMER]: '<Dial><Conference record="record-from-start" recordingStatusCallback="/rec" recordingStatusCallbackEvent="completed absent">room</Conference></Dial>',
    [AGENT]: "<Dial><Conference>room</Conference></Dial>",
    [SUPERVISOR]: '<Dial><Conference record="record-from-start" recordingStatusCallback="/rec" recordingStatusCallbackEvent="absent">quiet</Conference></Dial>',
  });
  const customer = await joined(h, CUSTOMER);
  const agent = await joined(h, AGENT);
  await h.advance(3_000);
  await h.speak(agent, "hello");
  await h.advance(4_000);
  await h.speak(customer, "hi");
  await h.advance(6_000);
  hangupByHandset(h.engine, customer);
  hangupByHandset(h.engine, agent);
  await h.idle();
  const done = h.stub.to("/rec").find((r) => r.params.RecordingStatus === "completed");
  assert.ok(done);
  const expected = Math.round((4_000 + speakingSeconds("hi") * 1000) / 1000);
  assert.equal(done.params.RecordingDuration, String(expected));
  assert.equal(h.engine.recordings.media(done.params.RecordingSid ?? "")?.readUInt32LE(40), expected * 8000 * 2);

  const supervisor = await joined(h, SUPERVISOR);
  await h.advance(8_000);
  hangupByHandset(h.engine, supervisor);
  await h.idle();
  const absent = h.stub.to("/rec").filter((r) => r.params.RecordingStatus === "absent");
  assert.equal(absent.length, 1);
  assert.equal(absent[0]?.params.RecordingDuration, "0");
});

test("statusCallbackEvent=speaker sends participant-speech-start and -stop when a heard participant talks, for as long as its words last", async (t) => {
  const h = await setup(t);
  h.stub.route("/conf-events", { status: 204, body: "" });
  perCaller(h, {
    [CUSTOMER]: '<Dial><Conference statusCallback="/conf-events" statusCallbackEvent="speaker">room</Conference></Dial>',
    [AGENT]: '<Dial><Conference participantLabel="agent">room</Conference></Dial>',
    [SUPERVISOR]: '<Dial><Conference muted="true">room</Conference></Dial>',
  });
  const customer = await joined(h, CUSTOMER);
  const speechEvents = () => h.stub.to("/conf-events").map((r) => r.params);
  assert.equal(await h.speak(customer, "anyone?"), false, "alone: nobody hears it");
  await h.idle();
  assert.deepEqual(speechEvents(), [], "words nobody hears are no speech event");
  const agent = await joined(h, AGENT);
  const supervisor = await joined(h, SUPERVISOR);

  const words = "hello there, how can I help you today?";
  assert.equal(await h.speak(agent, words), true);
  await h.idle();
  const [start] = speechEvents();
  assert.equal(start?.StatusCallbackEvent, "participant-speech-start");
  assert.equal(start.CallSid, agent.sid);
  assert.equal(start.ParticipantLabel, "agent");
  assert.equal(start.Muted, "false");
  assert.equal(start.Hold, "false");
  assert.ok(start.ConferenceSid?.startsWith("CF"));
  assert.equal(start.SequenceNumber, "1");
  assert.deepEqual(h.events(agent, "conference.speech").map((e) => e.speaking), [true]);
  // More words before the first end keep one speech going: its stop comes after the last.
  await h.advance(sayMs(words) - 100);
  assert.equal(await h.speak(agent, "anything?"), true);
  await h.advance(sayMs("anything?") - 1);
  assert.equal(speechEvents().length, 1, "still talking");
  await h.advance(1);
  await h.idle();
  const stop = speechEvents()[1];
  assert.equal(stop?.StatusCallbackEvent, "participant-speech-stop");
  assert.equal(stop.CallSid, agent.sid);
  assert.equal(stop.SequenceNumber, "2");
  assert.deepEqual(h.events(agent, "conference.speech").map((e) => e.speaking), [true, false]);

  // A muted or held participant is not heard: no speech events.
  assert.equal(await h.speak(supervisor, "listening in"), false);
  const [conference] = h.engine.conferences.list();
  assert.ok(conference);
  const customerIn = conference.participants.find((p) => p.call === customer);
  assert.ok(customerIn);
  h.engine.conferences.update(conference, customerIn, { hold: true, holdUrl: "" });
  assert.equal(await h.speak(customer, "on hold"), false);
  await h.advance(5_000);
  await h.idle();
  assert.equal(speechEvents().length, 2, speechEvents().map((e) => e.StatusCallbackEvent).join(", "));
  assert.deepEqual(h.events(supervisor, "conference.speech"), []);
  assert.deepEqual(h.events(customer, "conference.speech"), []);
});
