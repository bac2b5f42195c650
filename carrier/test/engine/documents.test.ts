// Document-level rules (docs/twilio-contract.md §1, §3, §4.2, §5.1, §7): an action's document replaces
// the current one; a document that runs out ends the call; fetch and parse failures go to the
// VoiceFallbackUrl (ErrorCode, ErrorUrl), then to Twilio's application-error message; schema problems
// are 12200 warnings only; relative URLs resolve against the document; status callbacks default to
// `completed`; every webhook is signed, form-encoded and carries the standard parameters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { recordingWav } from "../../src/calls/recordings.js";
import type { Reply } from "./harness.js";
import { ACCOUNT_SID, CALLER, NUMBER, STANDARD_PARAMS, StubApp, setup, signatureValid, twiml } from "./harness.js";

const APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye.";

test("an action's document replaces the current one; leftover verbs never run; running out ends the call", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Gather action="/next" numDigits="1"><Say>Menu</Say></Gather><Say>Leftover</Say>');
  h.stub.twiml("/next", "<Say>Next document</Say>");
  const call = h.call();
  await h.until(call, "gather");
  await h.press(call, "1");
  await h.until(call, "say", (e) => e.text === "Next document");
  await h.settled(call);
  await h.advance(60_000);
  await h.ended(call);
  assert.equal(call.status, "completed");
  assert.deepEqual(h.events(call, "say").map((e) => e.text), ["Menu", "Next document"]);
});

test("an empty <Response/> from an action ends the call", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Gather action="/next" numDigits="1"/><Say>Leftover</Say>');
  h.stub.route("/next", "<Response/>");
  const call = h.call();
  await h.until(call, "gather");
  await h.press(call, "1");
  await h.ended(call);
  assert.equal(call.status, "completed");
  assert.deepEqual(h.events(call, "say"), []);
});

test("status callbacks default to completed only, with CallDuration, Timestamp and SequenceNumber", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Gather timeout="7"/>');
  const call = h.call();
  await h.until(call, "gather");
  await h.settled(call);
  await h.advance(7000);
  await h.ended(call);
  await h.idle();
  const callbacks = h.stub.to("/status");
  assert.equal(callbacks.length, 1);
  const [status] = callbacks;
  assert.ok(status && signatureValid(status));
  for (const name of STANDARD_PARAMS) assert.ok(name in status.params, name);
  assert.equal(status.params.CallStatus, "completed");
  assert.equal(status.params.CallSid, call.sid);
  assert.equal(status.params.CallDuration, "7");
  assert.equal(status.params.Timestamp, "Mon, 05 Jan 2026 09:00:07 +0000", "RFC 2822");
  assert.equal(status.params.SequenceNumber, "0");
  assert.equal(status.params.CallbackSource, "call-progress-events");
});

test("every webhook is signed, form-encoded, from TwilioProxy/1.1, with the standard parameters", async (t) => {
  const h = await setup(t, { number: (url) => ({ voiceUrl: `${url}/voice?lang=en` }) });
  h.stub.twiml("/voice", '<Gather action="/g?step=1" numDigits="1"/>');
  h.stub.twiml("/g", '<Redirect method="GET">/r?x=1</Redirect>');
  h.stub.twiml("/r", "<Hangup/>");
  const call = h.call();
  await h.until(call, "gather");
  await h.press(call, "4");
  await h.ended(call);
  await h.idle();
  assert.deepEqual(h.stub.requests.map((r) => `${r.method} ${r.path}`), ["POST /voice", "POST /g", "GET /r", "POST /status"]);
  for (const r of h.stub.requests) {
    assert.ok(signatureValid(r), `X-Twilio-Signature of ${r.method} ${r.url}`);
    assert.equal(r.headers["user-agent"], "TwilioProxy/1.1");
    if (r.method === "POST") assert.match(r.headers["content-type"] ?? "", /^application\/x-www-form-urlencoded\b/);
    for (const name of STANDARD_PARAMS) assert.ok(name in r.params, `${name} in ${r.path}`);
    assert.equal(r.params.CallSid, call.sid);
    assert.equal(r.params.AccountSid, ACCOUNT_SID);
    assert.deepEqual([r.params.From, r.params.Caller, r.params.To, r.params.Called], [CALLER, CALLER, NUMBER, NUMBER]);
    assert.equal(r.params.ApiVersion, "2010-04-01");
    assert.equal(r.params.Direction, "inbound");
    assert.deepEqual([r.params.FromCity, r.params.FromState, r.params.FromZip, r.params.FromCountry], ["SAN FRANCISCO", "CA", "94105", "US"]);
    assert.equal(r.params.ToCountry, "US");
  }
  const [voice, g, r] = h.stub.requests;
  assert.equal(voice?.query.lang, "en");
  assert.equal(voice?.params.CallStatus, "ringing", "the first request of an inbound call");
  assert.equal(g?.params.CallStatus, "in-progress");
  assert.equal(g?.query.step, "1");
  assert.equal(r?.query.x, "1");
});

test("relative action and redirect URLs resolve against the current document's URL", async (t) => {
  const h = await setup(t, { number: (url) => ({ voiceUrl: `${url}/ivr/menu?lang=en` }) });
  h.stub.twiml("/ivr/menu", '<Gather action="step2" numDigits="1"/>');
  h.stub.twiml("/ivr/step2", "<Redirect>../top</Redirect>");
  h.stub.twiml("/top", '<Gather action="./again" numDigits="1"/>');
  h.stub.twiml("/again", "<Hangup/>");
  const call = h.call();
  await h.until(call, "gather");
  await h.press(call, "1");
  await h.until(call, "gather", undefined, 2);
  await h.press(call, "2");
  await h.ended(call);
  assert.deepEqual(h.stub.requests.filter((r) => r.path !== "/status").map((r) => r.path), ["/ivr/menu", "/ivr/step2", "/top", "/again"]);
});

for (const [what, reply, code] of [
  ["an HTTP 500", { status: 500, contentType: "text/plain", body: "boom" }, "11217"],
  ["invalid XML", { body: "<Response><Say>unclosed</Response>" }, "12100"],
  ["a root other than <Response>", { body: "<Reply><Say>Hi</Say></Reply>" }, "12102"],
  ["a JSON content type", { contentType: "application/json", body: '{"say":"hi"}' }, "12300"],
  ["no content type at all", { contentType: "", body: "<Response><Say>Hi</Say></Response>" }, "12300"],
] as [string, Reply, string][]) {
  test(`${what} (${code}) goes to the VoiceFallbackUrl with ErrorCode and ErrorUrl; its TwiML continues the call`, async (t) => {
    const h = await setup(t, { number: (url) => ({ voiceFallbackUrl: `${url}/fallback` }) });
    h.stub.route("/voice", reply);
    h.stub.twiml("/fallback", "<Say>Fallback here</Say>");
    const call = h.call();
    const fallback = await h.stub.waitFor("/fallback");
    assert.equal(fallback.method, "POST");
    assert.ok(signatureValid(fallback));
    assert.equal(fallback.params.ErrorCode, code);
    assert.equal(fallback.params.ErrorUrl, `${h.stub.url}/voice`);
    for (const name of STANDARD_PARAMS) assert.ok(name in fallback.params, name);
    assert.equal((await h.until(call, "say")).text, "Fallback here");
    assert.equal((await h.until(call, "error")).code, Number(code), "recorded on the timeline");
  });
}

test("invalid XML (12100) and a wrong root (12102) are recorded; without a fallback the caller hears the application error", async (t) => {
  for (const [body, code] of [["<Response><Say>x</Response>", 12100], ["<Document/>", 12102]] as const) {
    const h = await setup(t);
    h.stub.route("/voice", body);
    const call = h.call();
    await h.ended(call);
    assert.equal((await h.until(call, "twiml.error")).code, code);
    assert.equal((await h.until(call, "error")).code, code);
    assert.deepEqual(h.events(call, "say").map((e) => e.text), [APPLICATION_ERROR]);
    assert.equal(call.status, "completed", "answered to play the message, then hung up");
  }
});

test("an unreachable voice URL (11205) and a failing fallback end in the application error", async (t) => {
  const gone = await StubApp.start();
  await gone.close();
  const dead = `${gone.url}/voice`;
  const h = await setup(t, { number: (url) => ({ voiceUrl: dead, voiceFallbackUrl: `${url}/fallback` }) });
  h.stub.route("/fallback", { status: 503, body: "" });
  const call = h.call();
  const fallback = await h.stub.waitFor("/fallback");
  assert.equal(fallback.params.ErrorCode, "11205");
  assert.equal(fallback.params.ErrorUrl, dead);
  await h.ended(call);
  assert.deepEqual(h.events(call, "error").map((e) => e.code), [11205, 11217]);
  assert.deepEqual(h.events(call, "say").map((e) => e.text), [APPLICATION_ERROR]);
  assert.equal(h.stub.to("/fallback").length, 1, "the fallback is tried once");
});

test("an unknown verb or attribute is a 12200 warning and the call continues", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Speak>Unknown verb</Speak><say>Wrong case</say><Say colour="blue">Still running</Say>');
  const call = h.call();
  const say = await h.until(call, "say");
  assert.equal(say.text, "Still running");
  const warnings = h.events(call, "twiml.warning");
  assert.equal(warnings.length, 3);
  for (const w of warnings) assert.equal(w.code, 12200);
  assert.deepEqual(h.events(call, "error"), []);
  assert.equal(call.isEnded, false);
});

test("an audio response to the voice URL is played", async (t) => {
  const h = await setup(t);
  h.stub.route("/voice", { contentType: "audio/wav", body: recordingWav(4) });
  const call = h.call();
  const play = await h.until(call, "play");
  assert.equal(play.durationMs, 4000);
  await h.settled(call);
  await h.advance(4000);
  await h.ended(call);
  assert.equal(call.status, "completed");
});

// Twilio runs text/xml, application/xml and text/html as TwiML (docs/twilio-contract.md §1): Flask's str(response) and
// Express's res.send() answer text/html; charset=utf-8.
for (const contentType of ["text/html; charset=utf-8", "application/xml", "text/xml; charset=utf-8"]) {
  test(`TwiML served as ${contentType} runs`, async (t) => {
    const h = await setup(t);
    h.stub.route("/voice", { contentType, body: '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Served as it comes</Say></Response>' });
    const call = h.call();
    assert.equal((await h.until(call, "say")).text, "Served as it comes");
    await h.settled(call);
    await h.advance(60_000);
    await h.ended(call);
    assert.equal(call.status, "completed");
    assert.deepEqual(h.events(call, "error"), []);
  });
}

test("a text/plain response is spoken, then the call hangs up", async (t) => {
  const h = await setup(t);
  h.stub.route("/voice", { contentType: "text/plain; charset=utf-8", body: "Our lines are closed today." });
  const call = h.call();
  const say = await h.until(call, "say");
  assert.equal(say.text, "Our lines are closed today.");
  await h.settled(call);
  await h.advance(60_000);
  await h.ended(call);
  assert.equal(call.status, "completed");
  assert.deepEqual(h.events(call, "error"), []);
});

test(
  "credentials in the URL: the first request goes without Authorization, the retry after a 401 carries them",
  async (t) => {
    const h = await setup(t, { number: (url) => ({ voiceUrl: url.replace("http://", "http://ivr:s3cret@") + "/voice" }) });
    const basic = `Basic ${Buffer.from("ivr:s3cret").toString("base64")}`;
    h.stub.route("/voice", (_params, request) =>
      request.headers.authorization === basic
        ? twiml("<Say>Authorised</Say>")
        : { status: 401, contentType: "text/plain", headers: { "www-authenticate": 'Basic realm="ivr"' }, body: "" },
    );
    const call = h.call();
    await h.stub.waitFor("/voice");
    await h.idle();
    const [first, retry] = h.stub.to("/voice");
    assert.equal(first?.headers.authorization, undefined, "no credentials before the challenge");
    assert.equal(retry?.headers.authorization, basic);
    for (const r of [first, retry]) assert.ok(r && signatureValid(r), "signed without user:pass");
    assert.equal((await h.until(call, "say")).text, "Authorised");
  },
);

test(
  "a failing action or redirect document also goes to the VoiceFallbackUrl, with that URL as ErrorUrl",
  async (t) => {
    const h = await setup(t, { number: (url) => ({ voiceFallbackUrl: `${url}/fallback` }) });
    h.stub.twiml("/voice", '<Gather action="/broken" numDigits="1"/>');
    h.stub.route("/broken", { status: 500, contentType: "text/plain", body: "boom" });
    h.stub.twiml("/fallback", "<Say>Recovered</Say>");
    const call = h.call();
    await h.until(call, "gather");
    await h.press(call, "1");
    await h.stub.waitFor("/broken");
    await h.until(call, "error");
    await h.idle();
    const fallback = h.stub.to("/fallback")[0];
    assert.ok(fallback, "the fallback URL was requested");
    assert.equal(fallback.params.ErrorCode, "11217");
    assert.equal(fallback.params.ErrorUrl, `${h.stub.url}/broken`);
    assert.equal((await h.until(call, "say")).text, "Recovered");
  },
);

test("a redirecting voice URL is followed: 307 keeps the signed POST, 303 turns it into a GET", async (t) => {
  const h = await setup(t);
  h.stub.route("/voice", { status: 307, contentType: "text/plain", headers: { location: "/moved" }, body: "" });
  h.stub.twiml("/moved", '<Gather action="/see-other" numDigits="1"><Say>Moved here</Say></Gather>');
  h.stub.route("/see-other", { status: 303, contentType: "text/plain", headers: { location: "/other" }, body: "" });
  h.stub.twiml("/other", "<Say>Other</Say>");
  const call = h.call();
  assert.equal((await h.until(call, "say")).text, "Moved here");
  const [moved] = h.stub.to("/moved");
  assert.equal(moved?.method, "POST");
  assert.equal(moved?.params.CallSid, call.sid, "the form body went with the 307");
  await h.press(call, "1");
  await h.until(call, "say", (e) => e.text === "Other");
  assert.equal(h.stub.to("/other")[0]?.method, "GET");
  assert.deepEqual(h.events(call, "error"), []);
});
