// Twilio delivers some webhooks more than once, and its callbacks arrive in any order: a repeated
// action webhook is answered again but recorded once, a recording's status never moves backwards,
// and a transcription or recording callback never lands on another call's recording.
import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { parseFlow } from "../../src/flows/load-flow.js";
import { ACCOUNT_SID, AUTH_TOKEN, BASE_URL, fakeTwilioApi, sid, signedPost, testApp, voiceParams, type Params } from "../helpers.js";
import type { FastifyInstance } from "fastify";

const CALL = sid("CA", 0xd1);
const OTHER_CALL = sid("CA", 0xd2);

/** POSTs a signed webhook, as Twilio retries it: with `I-Twilio-Idempotency-Token` when given. */
function deliver(app: FastifyInstance, path: string, params: Params, token?: string) {
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${BASE_URL}${path}`, params);
  return app.inject({
    method: "POST",
    url: path,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signature,
      ...(token ? { "i-twilio-idempotency-token": token } : {}),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

const kinds = async (app: FastifyInstance, callSid = CALL) => (await app.repositories.calls.events(callSid)).map((e) => e.kind);

test("a repeated Gather action is answered with the same TwiML and its steps are recorded once", async (t) => {
  const { app } = await testApp(t);
  await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { CallStatus: "ringing" }));
  const press = voiceParams(CALL, { Digits: "1" });
  const first = await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", press);
  const again = await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", press);
  assert.equal(first.statusCode, 200);
  assert.equal(again.body, first.body, "the repeat gets the same TwiML");
  assert.deepEqual(await kinds(app), ["call.incoming", "menu.entered", "menu.input", "menu.option", "menu.entered"]);

  // Delivered twice at once (a retry while the first is still being answered): still once.
  const back = voiceParams(CALL, { Digits: "0" });
  const [a, b] = await Promise.all([
    signedPost(app, "/twilio/voice/menu/billing-menu?attempt=1", back),
    signedPost(app, "/twilio/voice/menu/billing-menu?attempt=1", back),
  ]);
  assert.equal(a.body, b.body);
  assert.equal((await kinds(app)).filter((kind) => kind === "redirect").length, 1);

  // The same key later, from another document (main menu → billing → back → 1 again): a new request.
  await signedPost(app, "/twilio/voice/node/main-menu", voiceParams(CALL));
  await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", press);
  assert.equal((await kinds(app)).filter((kind) => kind === "menu.option").length, 3);
});

test("a repeated webhook with effects (a dial result, a voicemail) is recorded once, effects included", async (t) => {
  const api = await fakeTwilioApi(t);
  const { app } = await testApp(t, { config: { twilioApiBaseUrl: api.url } });
  await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { CallStatus: "ringing" }));
  await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", voiceParams(CALL, { Digits: "2" }));
  const noAnswer = voiceParams(CALL, { DialCallStatus: "no-answer", DialCallSid: sid("CA", 0xe1) });
  const first = await signedPost(app, "/twilio/voice/dial/faults", noAnswer);
  const again = await signedPost(app, "/twilio/voice/dial/faults", noAnswer);
  assert.equal(again.body, first.body);
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 0xd1)}`;
  const recorded = voiceParams(CALL, { RecordingUrl: recordingUrl, RecordingDuration: "9", RecordingSid: sid("RE", 0xd1), Digits: "#" });
  const [one, two] = await Promise.all([
    signedPost(app, "/twilio/voice/voicemail/faults-voicemail/recorded", recorded),
    signedPost(app, "/twilio/voice/voicemail/faults-voicemail/recorded", recorded),
  ]);
  assert.equal(one.body, two.body);
  assert.deepEqual(await kinds(app), [
    "call.incoming", "menu.entered",
    "menu.input", "menu.option", "transfer.started",
    "transfer.result", "voicemail.started",
    "voicemail.recorded",
  ]);
  assert.equal((await app.repositories.transfers.forCall(CALL)).length, 1);
  await app.workers.drain();
  assert.equal(api.requests.length, 1, "one notice to the on-call agent");
});

test("I-Twilio-Idempotency-Token tells a retry from a new request, even one identical to the last", async (t) => {
  // "Press 4" comes back to the same menu in the same document: pressing 4 again is a new request
  // with the same URL and parameters as the last. Only Twilio's token tells it from a retry.
  const flow = parseFlow(`
company: Acme
greeting: Hello.
goodbye: Goodbye.
start: main
nodes:
  main:
    type: menu
    prompt: Press 4 for our address.
    options:
      - { key: 4, label: Address, goto: info }
    onFailure: hangup
  info:
    type: message
    prompt: We are at 1 Example Street.
    next: main
`);
  const { app } = await testApp(t, { flow });
  await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL));
  const press = voiceParams(CALL, { Digits: "4" });
  const presses = async () => (await kinds(app)).filter((kind) => kind === "menu.option").length;

  await deliver(app, "/twilio/voice/menu/main?attempt=1", press, "idem-1");
  await deliver(app, "/twilio/voice/menu/main?attempt=1", press, "idem-1");
  assert.equal(await presses(), 1, "a retry (same token) is recorded once");
  await deliver(app, "/twilio/voice/menu/main?attempt=1", press, "idem-2");
  assert.equal(await presses(), 2, "a new press (new token) is recorded");

  // Without the header, the same press again cannot be told from a retry: it is recorded, rather than
  // a real press being lost.
  await signedPost(app, "/twilio/voice/menu/main?attempt=1", press);
  await signedPost(app, "/twilio/voice/menu/main?attempt=1", press);
  assert.equal(await presses(), 4);
});

test("a repeated agent-answered callback records the answer once", async (t) => {
  const { app } = await testApp(t);
  await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { CallStatus: "ringing" }));
  await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", voiceParams(CALL, { Digits: "3" }));
  const leg = { AccountSid: ACCOUNT_SID, CallSid: sid("CA", 0xe2), ParentCallSid: CALL, CallStatus: "in-progress" };
  assert.equal((await signedPost(app, "/twilio/voice/dial/sales/answered?agent=1", leg)).statusCode, 204);
  assert.equal((await signedPost(app, "/twilio/voice/dial/sales/answered?agent=1", leg)).statusCode, 204);
  assert.equal((await kinds(app)).filter((kind) => kind === "transfer.answered").length, 1);
});

test("a recording's status never moves backwards; a late in-progress after completed is ignored", async (t) => {
  const { app } = await testApp(t);
  await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { CallStatus: "ringing" }));
  const recordingSid = sid("RE", 0xd2);
  const status = (RecordingStatus: string, extra: Params = {}) =>
    signedPost(app, "/twilio/voice/recording-status", {
      AccountSid: ACCOUNT_SID,
      CallSid: CALL,
      RecordingSid: recordingSid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
      RecordingStatus,
      ...extra,
    });
  assert.equal((await status("in-progress")).statusCode, 204);
  assert.equal((await app.repositories.recordings.get(recordingSid))?.status, "in-progress");
  assert.equal((await status("completed", { RecordingDuration: "12" })).statusCode, 204);
  assert.equal((await status("in-progress")).statusCode, 204, "acknowledged");
  const recording = await app.repositories.recordings.get(recordingSid);
  assert.equal(recording?.status, "completed");
  assert.equal(recording?.durationSeconds, 12);
});

test("a transcription or recording callback naming another call's recording is refused and changes nothing", async (t) => {
  const { app } = await testApp(t);
  for (const callSid of [CALL, OTHER_CALL]) await signedPost(app, "/twilio/voice/incoming", voiceParams(callSid, { CallStatus: "ringing" }));
  const recordingSid = sid("RE", 0xd3);
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
  await signedPost(app, "/twilio/voice/voicemail/sales-voicemail/recorded", voiceParams(CALL, { RecordingUrl: recordingUrl, RecordingDuration: "6", RecordingSid: recordingSid }));

  const transcription = (callSid: string, text: string) => ({
    AccountSid: ACCOUNT_SID,
    CallSid: callSid,
    RecordingSid: recordingSid,
    RecordingUrl: recordingUrl,
    TranscriptionSid: sid("TR", 0xd3),
    TranscriptionStatus: "completed",
    TranscriptionText: text,
  });
  const misdirected = await signedPost(app, "/twilio/voice/voicemail/sales-voicemail/transcription", transcription(OTHER_CALL, "Someone else's words."));
  assert.equal(misdirected.statusCode, 400);
  assert.match(misdirected.json().message, /RecordingSid: .* belongs to another call/);
  const status = await signedPost(app, "/twilio/voice/recording-status", { AccountSid: ACCOUNT_SID, CallSid: OTHER_CALL, RecordingSid: recordingSid, RecordingUrl: recordingUrl, RecordingStatus: "failed" });
  assert.equal(status.statusCode, 400);
  const recorded = await signedPost(app, "/twilio/voice/voicemail/sales-voicemail/recorded", voiceParams(OTHER_CALL, { RecordingUrl: recordingUrl, RecordingDuration: "3", RecordingSid: recordingSid }));
  assert.equal(recorded.statusCode, 400);

  const recording = await app.repositories.recordings.get(recordingSid);
  assert.deepEqual([recording?.callSid, recording?.status, recording?.durationSeconds, recording?.transcriptionText], [CALL, "completed", 6, null]);
  assert.deepEqual(await app.repositories.recordings.forCall(OTHER_CALL), []);
  assert.ok(!(await kinds(app, OTHER_CALL)).some((kind) => kind.startsWith("voicemail.")));

  // Its own call's transcription is kept, and a repeat of it adds no second step.
  for (let i = 0; i < 2; i += 1) {
    assert.equal((await signedPost(app, "/twilio/voice/voicemail/sales-voicemail/transcription", transcription(CALL, "Please call me back."))).statusCode, 204);
  }
  assert.equal((await app.repositories.recordings.get(recordingSid))?.transcriptionText, "Please call me back.");
  assert.equal((await kinds(app)).filter((kind) => kind === "voicemail.transcribed").length, 1);
});
