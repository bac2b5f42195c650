import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { QUEUES } from "../../src/jobs/jobs.js";
import { createTwilioClient } from "../../src/twilio-client.js";
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  BASE_URL,
  businessHoursFlow,
  fakeTwilioApi,
  fixedClock,
  sid,
  signedPost,
  testApp,
  voiceParams,
} from "../helpers.js";

const CALL = sid("CA", 0xa1);
const XML = '<?xml version="1.0" encoding="UTF-8"?>';

test("a signed incoming call is answered with the greeting and main menu, and recorded", async (t) => {
  const { app } = await testApp(t);
  const res = await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { CallStatus: "ringing" }));
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers["content-type"]), /^text\/xml/);
  assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Play>https:\/\/callcentre\.example\.test\/audio\/chime\.wav<\/Play>/);
  assert.match(res.body, /Thank you for calling Bluegum Energy, caller from Sydney\./);
  assert.match(res.body, /<Gather input="dtmf speech" action="https:\/\/callcentre\.example\.test\/twilio\/voice\/menu\/main-menu\?attempt=1"/);
  const call = await app.repositories.calls.get(CALL);
  assert.equal(call?.status, "ringing");
  assert.equal(call?.from, "+61491570001");
  assert.equal(call?.fromCity, "SYDNEY");
  assert.ok(call?.answeredAt);
  assert.deepEqual(
    (await app.repositories.calls.events(CALL)).map((e) => e.kind),
    ["call.incoming", "menu.entered"],
  );
});

test("a request with a bad, missing or misdirected signature is refused with 403 and nothing is stored", async (t) => {
  const { app } = await testApp(t);
  const params = voiceParams(CALL);
  const wrongToken = await signedPost(app, "/twilio/voice/incoming", params, "f".repeat(32));
  assert.equal(wrongToken.statusCode, 403);
  assert.match(wrongToken.json().message, /invalid X-Twilio-Signature/);

  const missing = await app.inject({ method: "POST", url: "/twilio/voice/incoming", payload: new URLSearchParams(params).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(missing.statusCode, 403);
  assert.match(missing.json().message, /missing X-Twilio-Signature/);

  // Signed for another URL (e.g. the scheme rewritten by a proxy): refused.
  const elsewhere = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `http://callcentre.example.test/twilio/voice/incoming`, params);
  const proxied = await app.inject({
    method: "POST",
    url: "/twilio/voice/incoming",
    payload: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": elsewhere },
  });
  assert.equal(proxied.statusCode, 403);

  // A parameter changed after signing: refused.
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${BASE_URL}/twilio/voice/incoming`, params);
  const tampered = await app.inject({
    method: "POST",
    url: "/twilio/voice/incoming",
    payload: new URLSearchParams({ ...params, From: "+61491579999" }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
  });
  assert.equal(tampered.statusCode, 403);

  // JSON instead of a form: still the signature that answers first.
  const json = await app.inject({ method: "POST", url: "/twilio/voice/incoming", payload: params, headers: { "x-twilio-signature": signature } });
  assert.equal(json.statusCode, 403);

  assert.equal(await app.repositories.calls.get(CALL), undefined);
});

test("a signature of the URL with its default port (as some proxies sign it) is still accepted", async (t) => {
  const { app } = await testApp(t);
  const params = voiceParams(CALL);
  // BASE_URL is https without a port: the check tries it as configured first, then Twilio's variants.
  const withPort = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${BASE_URL.replace(/^https:\/\/([^/]+)/, "https://$1:443")}/twilio/voice/incoming`, params);
  const res = await app.inject({
    method: "POST",
    url: "/twilio/voice/incoming",
    payload: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": withPort },
  });
  assert.equal(res.statusCode, 200);
  assert.ok(await app.repositories.calls.get(CALL));
});

test("answers to Twilio carry no browser security headers (they are for the dashboard)", async (t) => {
  const { app } = await testApp(t);
  const res = await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL));
  assert.equal(res.statusCode, 200);
  for (const header of ["content-security-policy", "x-frame-options", "strict-transport-security", "cross-origin-resource-policy"]) {
    assert.equal(res.headers[header], undefined, header);
  }
  // The dashboard's sign-in page, in the same app, has them.
  const login = await app.inject({ method: "GET", url: "/login" });
  assert.ok(login.headers["content-security-policy"]);
});

test("signatures are checked with Twilio's documented test vector", () => {
  const params = { CallSid: "CA1234567890ABCDE", Caller: "+14158675310", Digits: "1234", From: "+14158675310", To: "+18005551212" };
  const url = "https://example.com/myapp.php?foo=1&bar=2";
  assert.equal(twilio.getExpectedTwilioSignature("12345", url, params), "L/OH5YylLD5NRKLltdqwSvS0BnU=");
});

test("unknown parameters are accepted and signed like the rest", async (t) => {
  const { app } = await testApp(t);
  const res = await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { StirVerstat: "TN-Validation-Passed-A", CallToken: "%7B%22x%22%7D" }));
  assert.equal(res.statusCode, 200);
});

test("malformed requests get 400 with the reason, and nothing is stored", async (t) => {
  const { app } = await testApp(t);
  const bad = await signedPost(app, "/twilio/voice/incoming", voiceParams("CA123", { CallStatus: "dancing" }));
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /CallSid: must be a CA SID/);
  assert.match(bad.json().message, /CallStatus: /);

  const { To: _to, ...noTo } = voiceParams(CALL);
  const missing = await signedPost(app, "/twilio/voice/incoming", noTo);
  assert.equal(missing.statusCode, 400);
  assert.match(missing.json().message, /^To: /);

  const digits = await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", voiceParams(CALL, { Digits: "1; drop table calls" }));
  assert.equal(digits.statusCode, 400);
  assert.match(digits.json().message, /Digits: must be DTMF keys/);

  const attempt = await signedPost(app, "/twilio/voice/menu/main-menu?attempt=zero", voiceParams(CALL, { Digits: "1" }));
  assert.equal(attempt.statusCode, 400);
  assert.match(attempt.json().message, /attempt/);

  const node = await signedPost(app, "/twilio/voice/menu/no-such-menu?attempt=1", voiceParams(CALL, { Digits: "1" }));
  assert.equal(node.statusCode, 404);
  assert.match(node.json().message, /no menu node "no-such-menu"/);

  assert.equal(await app.repositories.calls.get(CALL), undefined);
});

test("a request for another Twilio account is refused", async (t) => {
  const { app } = await testApp(t);
  const res = await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { AccountSid: `AC${"9".repeat(32)}` }));
  assert.equal(res.statusCode, 403);
  assert.match(res.json().message, /AccountSid does not match/);
});

test("blocklisted callers are rejected; with business hours, closed hours go to voicemail", async (t) => {
  const { app } = await testApp(t);
  const blocked = await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL, { From: "+19005550100", CallStatus: "ringing" }));
  assert.equal(blocked.body, `${XML}<Response><Reject reason="rejected"/></Response>`);
  const call = await app.repositories.calls.get(CALL);
  assert.equal(call?.outcome, "rejected");
  assert.equal(call?.answeredAt, null, "a rejected call is never answered");

  const night = await testApp(t, { flow: businessHoursFlow(), clock: fixedClock(new Date("2026-11-24T12:00:00Z")) }); // 23:00 in Sydney
  const closed = await signedPost(night.app, "/twilio/voice/incoming", voiceParams(sid("CA", 2), { CallStatus: "ringing" }));
  assert.match(closed.body, /Our office is closed right now\./);
  assert.match(closed.body, /<Record action="https:\/\/callcentre\.example\.test\/twilio\/voice\/voicemail\/after-hours-voicemail\/recorded"/);
  assert.equal((await night.app.repositories.calls.get(sid("CA", 2)))?.outcome, "closed");

  const christmas = await testApp(t, { flow: businessHoursFlow(), clock: fixedClock(new Date("2026-12-24T23:00:00Z")) }); // 10:00 on the 25th
  const holiday = await signedPost(christmas.app, "/twilio/voice/incoming", voiceParams(sid("CA", 3), { CallStatus: "ringing" }));
  assert.match(holiday.body, /Merry Christmas from Bluegum Energy/);
});

test("a call placed back from the dashboard, answered: who is calling, then the department's agents ring, or its line", async (t) => {
  const { app } = await testApp(t);
  const callSid = sid("CA", 0xcb);
  // Twilio requests the REST call's Url when the customer answers; From is our number on an outbound call.
  const outbound = voiceParams(callSid, { Direction: "outbound-api", CallStatus: "in-progress", From: "+61255501234", To: "+61491570001", Caller: "+61255501234", Called: "+61491570001" });
  const res = await signedPost(app, "/twilio/voice/call-back/sales", outbound);
  assert.equal(res.statusCode, 200);
  assert.match(
    res.body,
    /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Say voice="Polly.Olivia-Neural" language="en-AU">This is Bluegum Energy returning your call\.<\/Say><Say [^>]*>Connecting you to our sales team\.<\/Say><Dial action="https:\/\/callcentre\.example\.test\/twilio\/voice\/dial\/sales"/,
  );
  assert.doesNotMatch(res.body, /Thank you for calling|For billing and payments|<Gather/, "not the inbound greeting or menu");
  assert.deepEqual(
    (await app.repositories.calls.events(callSid)).map((e) => [e.kind, e.node]),
    [["callback.answered", "sales"], ["transfer.started", "sales"]],
  );
  assert.equal((await app.repositories.calls.get(callSid))?.department, "Sales");
  // A department with a line: the greeting, then the line's own webhook (queue-routes.ts).
  const toLine = await signedPost(app, "/twilio/voice/call-back/billing", voiceParams(sid("CA", 0xcc), { ...outbound, CallSid: sid("CA", 0xcc) }));
  assert.match(toLine.body, /returning your call\.<\/Say><Say [^>]*>Please hold while we connect you to the billing team\.<\/Say><Redirect method="POST">https:\/\/callcentre\.example\.test\/twilio\/voice\/queue\/billing<\/Redirect>/);
  assert.equal((await signedPost(app, "/twilio/voice/call-back/nowhere", outbound)).statusCode, 404);
});

test("a whole call: menu, unanswered transfer, voicemail, the on-call agent's SMS, transcription, status", async (t) => {
  const api = await fakeTwilioApi(t);
  const { app } = await testApp(t, { config: { twilioApiBaseUrl: api.url } });
  const post = (path: string, extra: Record<string, string> = {}) => signedPost(app, path, voiceParams(CALL, extra));

  assert.equal((await post("/twilio/voice/incoming", { CallStatus: "ringing" })).statusCode, 200);
  const noInput = await post("/twilio/voice/menu/main-menu?attempt=1");
  assert.match(noInput.body, /Sorry, I didn't hear anything\.<\/Say><Gather [^>]*attempt=2/);
  const invalid = await post("/twilio/voice/menu/main-menu?attempt=2", { Digits: "8" });
  assert.match(invalid.body, /Sorry, that is not one of the options\.<\/Say><Gather [^>]*attempt=3/);
  const faults = await post("/twilio/voice/menu/main-menu?attempt=3", { SpeechResult: "there is a power cut", Confidence: "0.87" });
  const answered = (agent: number) => `statusCallback="${BASE_URL}/twilio/voice/dial/faults/answered?agent=${agent}" statusCallbackEvent="answered" statusCallbackMethod="POST"`;
  assert.ok(
    faults.body.includes(
      `<Dial action="${BASE_URL}/twilio/voice/dial/faults" method="POST" timeout="25" callerId="+61255501234">` +
        `<Number ${answered(0)}>+61491570120</Number><Number ${answered(1)}>+61491570121</Number><Number ${answered(2)}>+61491570122</Number></Dial>`,
    ),
    faults.body,
  );
  const unanswered = await post("/twilio/voice/dial/faults", { DialCallStatus: "no-answer", DialCallSid: sid("CA", 0xb1) });
  assert.match(unanswered.body, /<Record action="https:\/\/callcentre\.example\.test\/twilio\/voice\/voicemail\/faults-voicemail\/recorded" method="POST" maxLength="90"/);

  const recordingSid = sid("RE", 1);
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
  const recorded = await post("/twilio/voice/voicemail/faults-voicemail/recorded", { RecordingUrl: recordingUrl, RecordingDuration: "14", Digits: "#" });
  assert.match(recorded.body, /Thank you\. Your message has been recorded\. Goodbye\.<\/Say><Hangup\/><\/Response>$/);

  await app.workers.drain();
  assert.equal(api.requests.length, 1);
  const [sms] = api.requests;
  assert.equal(sms?.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  assert.equal(sms?.authorization, `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
  assert.equal(sms?.form.get("To"), "+61491570120", "Liam Smith is on call for Faults");
  assert.equal(sms?.form.get("From"), "+61255501234");
  assert.equal(sms?.form.get("Body"), `New voicemail for Faults from +61491570001 (0:14). Listen: ${recordingUrl}`);
  const [notice] = await app.repositories.notifications.forSubject(recordingSid);
  assert.equal(notice?.status, "sent");
  assert.equal(notice?.messageSid, sid("SM", 1));

  const transcription = { RecordingSid: recordingSid, RecordingUrl: recordingUrl, TranscriptionSid: sid("TR", 1), TranscriptionStatus: "completed", TranscriptionText: "The power is out on Smith Street." };
  assert.equal((await post("/twilio/voice/voicemail/faults-voicemail/transcription", transcription)).statusCode, 204);
  const status = await signedPost(app, "/twilio/voice/recording-status", { AccountSid: ACCOUNT_SID, CallSid: CALL, RecordingSid: recordingSid, RecordingUrl: recordingUrl, RecordingStatus: "completed", RecordingDuration: "14", RecordingChannels: "1", RecordingSource: "RecordVerb" });
  assert.equal(status.statusCode, 204);

  const completed = { CallStatus: "completed", CallDuration: "95", SequenceNumber: "0", Timestamp: "Tue, 24 Nov 2026 01:01:35 +0000", CallbackSource: "call-progress-events" };
  assert.equal((await post("/twilio/voice/status", completed)).statusCode, 204);
  assert.equal((await post("/twilio/voice/status", completed)).statusCode, 204, "a repeated callback is acknowledged");

  const [recording] = await app.repositories.recordings.forCall(CALL);
  assert.deepEqual(
    { ...recording },
    {
      sid: recordingSid, callSid: CALL, kind: "voicemail", node: "faults-voicemail", department: "Faults", url: recordingUrl,
      durationSeconds: 14, status: "completed", finishedBy: "#", transcriptionSid: sid("TR", 1),
      transcriptionStatus: "completed", transcriptionText: "The power is out on Smith Street.",
      handledAt: null, calledBackAt: null, callbackCallSid: null, createdAt: recording?.createdAt,
    },
  );
  const [visit] = await app.repositories.transfers.forCall(CALL);
  assert.deepEqual([visit?.department, visit?.result, visit?.answeredAt], ["Faults", "deflected", null], "nobody answered: the visit was deflected");
  const call = await app.repositories.calls.get(CALL);
  assert.equal(call?.status, "completed");
  assert.equal(call?.durationSeconds, 95);
  assert.equal(call?.department, "Faults");
  assert.equal(call?.outcome, "voicemail");
  assert.equal(call?.endedAt?.toISOString(), "2026-11-24T01:01:35.000Z");
  assert.deepEqual(await app.repositories.calls.statusCallbacks(CALL), [{ callStatus: "completed", sequenceNumber: 0 }]);
  assert.deepEqual(
    (await app.repositories.calls.events(CALL)).map((e) => e.kind),
    [
      "call.incoming", "menu.entered",
      "menu.no-input", "menu.entered",
      "menu.input", "menu.invalid", "menu.entered",
      "menu.input", "menu.option", "transfer.started",
      "transfer.result", "voicemail.started",
      "voicemail.recorded",
      "voicemail.transcribed",
    ],
  );
});

test("the same recording reported twice sends the agent one SMS", async (t) => {
  const api = await fakeTwilioApi(t);
  const { app } = await testApp(t, { config: { twilioApiBaseUrl: api.url } });
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 2)}`;
  const params = voiceParams(CALL, { RecordingUrl: recordingUrl, RecordingDuration: "5", RecordingSid: sid("RE", 2) });
  await signedPost(app, "/twilio/voice/voicemail/sales-voicemail/recorded", params);
  await signedPost(app, "/twilio/voice/voicemail/sales-voicemail/recorded", params);
  await app.workers.drain();
  assert.equal(api.requests.length, 1);
  assert.equal(api.requests[0]?.form.get("To"), "+61491570130");
});

test("an SMS that Twilio refuses for good is kept as failed; a 5xx is retried until Twilio takes it", async (t) => {
  const api = await fakeTwilioApi(t);
  api.fail(400, 21211, "The 'To' number is not a valid phone number.");
  const { app } = await testApp(t, { config: { twilioApiBaseUrl: api.url } });
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 3)}`;
  await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", voiceParams(CALL, { RecordingUrl: recordingUrl, RecordingDuration: "7" }));
  await app.workers.drain();
  const [refused] = await app.repositories.notifications.forSubject(sid("RE", 3));
  assert.equal(refused?.status, "failed");
  assert.equal(refused?.attempts, 1, "a 4xx is not tried again");
  assert.match(refused?.lastError ?? "", /^21211 /);

  api.fail(503, 20500, "Service unavailable", 2);
  const otherUrl = recordingUrl.replace(sid("RE", 3), sid("RE", 4));
  await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", voiceParams(sid("CA", 9), { RecordingUrl: otherUrl, RecordingDuration: "7" }));
  await app.workers.drain();
  const [retried] = await app.repositories.notifications.forSubject(sid("RE", 4));
  assert.equal(retried?.status, "sent");
  assert.equal(retried?.attempts, 3, "two 503s, then sent");
  assert.equal(api.requests.filter((r) => r.form.get("Body")?.includes("0:07")).length, 4, "one refused for good, two 503s, one sent");
});

test("an internal error inside a voice webhook still answers TwiML that apologises and hangs up", async (t) => {
  const logLines: string[] = [];
  const { app, db } = await testApp(t, { logLines });
  await db.close(); // the database goes away under the running app
  const res = await signedPost(app, "/twilio/voice/incoming", voiceParams(CALL));
  assert.equal(res.statusCode, 200);
  assert.equal(
    res.body,
    `${XML}<Response><Say voice="Polly.Olivia-Neural" language="en-AU">We are sorry, something went wrong on our side. Please call again later. Goodbye.</Say><Hangup/></Response>`,
  );
  const failure = logLines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "webhook failed");
  assert.equal(failure?.callSid, CALL, "the failure is logged with the CallSid");
  assert.equal(failure?.level, 50);
  assert.ok(!logLines.join("").includes("+61491570001"), "the caller's number is not logged");
  const status = await signedPost(app, "/twilio/voice/status", voiceParams(CALL, { CallStatus: "completed" }));
  assert.equal(status.statusCode, 500);
  assert.deepEqual(status.json(), { statusCode: 500, error: "Internal Server Error", message: "internal error" });
});

test("the official twilio client, pointed elsewhere, reaches the stand-in API", async (t) => {
  const api = await fakeTwilioApi(t);
  const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, source: "environment" }, api.url);
  const message = await client.messages.create({ to: "+61491570110", from: "+61255501234", body: "hi" });
  assert.equal(message.sid, sid("SM", 1));
  assert.equal(api.requests[0]?.form.get("Body"), "hi");
});

test("a notice is sent once even when its job runs twice at the same time", async (t) => {
  const api = await fakeTwilioApi(t);
  const { app } = await testApp(t, { config: { twilioApiBaseUrl: api.url } });
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 5)}`;
  await signedPost(app, "/twilio/voice/voicemail/sales-voicemail/recorded", voiceParams(CALL, { RecordingUrl: recordingUrl, RecordingDuration: "5" }));
  const [notice0] = await app.repositories.notifications.forSubject(sid("RE", 5));
  assert.ok(notice0);
  // A second job for the same notice (as after a worker is taken for dead), run together with the first.
  await app.jobs.enqueue([{ name: QUEUES.notificationSend, data: { notificationId: notice0.id } }]);
  await Promise.all([app.workers.drain(), app.workers.drain()]);
  assert.equal(api.requests.length, 1);
  const [notice] = await app.repositories.notifications.forSubject(sid("RE", 5));
  assert.equal(notice?.status, "sent");
});

test("every webhook path answers bad input with 400 or 404 and the reason, and stores nothing", async (t) => {
  const { app } = await testApp(t);
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 7)}`;
  const base = (extra: Record<string, string>) => voiceParams(CALL, extra);
  const cases: [string, Record<string, string>, number, RegExp][] = [
    ["/twilio/voice/node/nowhere", base({}), 404, /no node "nowhere"/],
    ["/twilio/voice/dial/faults", base({ DialCallStatus: "exploded" }), 400, /DialCallStatus: /],
    ["/twilio/voice/dial/faults?agent=12", base({ DialCallStatus: "busy" }), 400, /agent: /],
    ["/twilio/voice/dial/main-menu", base({ DialCallStatus: "busy" }), 404, /no department node "main-menu"/],
    ["/twilio/voice/voicemail/sales-voicemail/recorded", base({ RecordingUrl: "ftp://x/y", RecordingDuration: "3" }), 400, /RecordingUrl: must be an http\(s\) URL/],
    ["/twilio/voice/voicemail/sales-voicemail/recorded", base({ RecordingUrl: "https://x.example/rec", RecordingDuration: "3" }), 400, /RecordingSid: missing/],
    ["/twilio/voice/voicemail/sales-voicemail/recorded", base({ RecordingUrl: recordingUrl, RecordingDuration: "-3" }), 400, /RecordingDuration: must be a whole number/],
    ["/twilio/voice/voicemail/sales-voicemail/transcription", { AccountSid: ACCOUNT_SID, CallSid: CALL, RecordingSid: sid("RE", 7), RecordingUrl: recordingUrl, TranscriptionStatus: "completed" }, 404, /unknown call/],
    ["/twilio/voice/voicemail/sales-voicemail/transcription", { AccountSid: ACCOUNT_SID, CallSid: CALL, RecordingSid: sid("RE", 7), RecordingUrl: recordingUrl, TranscriptionStatus: "maybe" }, 400, /TranscriptionStatus: /],
    ["/twilio/voice/recording-status", { AccountSid: ACCOUNT_SID, CallSid: CALL, RecordingSid: "RE1", RecordingUrl: recordingUrl, RecordingStatus: "completed" }, 400, /RecordingSid: must be a RE SID/],
    ["/twilio/voice/status", base({ CallStatus: "completed", Timestamp: "yesterday-ish" }), 400, /Timestamp: must be an RFC 2822 date/],
    ["/twilio/voice/status", base({ CallStatus: "completed", SequenceNumber: "x" }), 400, /SequenceNumber: must be a whole number/],
  ];
  for (const [path, params, status, reason] of cases) {
    const res = await signedPost(app, path, params);
    assert.equal(res.statusCode, status, `${path} ${JSON.stringify(params)}: ${res.body}`);
    assert.match(res.json().message, reason, path);
  }
  assert.equal(await app.repositories.calls.get(CALL), undefined);
  assert.deepEqual(await app.repositories.recordings.forCall(CALL), []);
});
