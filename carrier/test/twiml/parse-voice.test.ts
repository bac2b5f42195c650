import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { parseVoiceTwiml } from "../../src/twiml/parse-voice.js";
import type { ParseResult, TwimlWarning, VerbNode } from "../../src/twiml/nodes.js";

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

function parsed(xml: string): { verbs: VerbNode[]; warnings: TwimlWarning[] } {
  const result = parseVoiceTwiml(xml);
  assert.ok(result.ok, `expected a parsed document, got ${JSON.stringify(result)}`);
  return result;
}

/** Parses `<Response>inner</Response>`, expecting no warnings. */
function verbsOf(inner: string): VerbNode[] {
  const { verbs, warnings } = parsed(`<Response>${inner}</Response>`);
  assert.deepEqual(warnings, []);
  return verbs;
}

/** Parses `<Response>inner</Response>` and returns the verbs plus the warning messages. */
function warned(inner: string): { verbs: VerbNode[]; messages: string[] } {
  const { verbs, warnings } = parsed(`<Response>${inner}</Response>`);
  for (const w of warnings) assert.equal(w.code, 12200);
  return { verbs, messages: warnings.map((w) => w.message) };
}

function failure(xml: string): Extract<ParseResult, { ok: false }> {
  const result = parseVoiceTwiml(xml);
  assert.equal(result.ok, false, `expected a failure for ${JSON.stringify(xml)}`);
  return result as Extract<ParseResult, { ok: false }>;
}

const SAY_DEFAULTS = { verb: "Say", voice: "man", language: "en-US", loop: 1 } as const;
const NUMBER_DEFAULTS = { noun: "Number", method: "POST", statusCallbackMethod: "POST", statusCallbackEvent: ["completed"] };
const CLIENT_DEFAULTS = { noun: "Client", method: "POST", statusCallbackMethod: "POST", statusCallbackEvent: ["completed"], parameters: {} };
const GATHER_DEFAULTS = {
  verb: "Gather", method: "POST", timeout: 5, finishOnKey: "#", input: ["dtmf"], speechTimeout: 5, language: "en-US",
  hints: [], actionOnEmptyResult: false, partialResultCallbackMethod: "POST", children: [],
};
const DIAL_DEFAULTS = {
  verb: "Dial", method: "POST", timeout: 30, timeLimit: 14400, answerOnBridge: false, hangupOnStar: false,
  record: "do-not-record", recordingStatusCallbackMethod: "POST", recordingStatusCallbackEvent: ["completed"], trim: "do-not-trim", sequential: false,
};
const RECORD_DEFAULTS = {
  verb: "Record", method: "POST", timeout: 5, finishOnKey: "1234567890*#", maxLength: 3600, playBeep: true,
  trim: "trim-silence", recordingStatusCallbackMethod: "POST", recordingStatusCallbackEvent: ["completed"], transcribe: false,
};

test("a twilio-node VoiceResponse using every verb and attribute parses exactly, with no warnings", () => {
  const r = new twilio.twiml.VoiceResponse();
  r.say({ voice: "Polly.Amy", language: "en-GB", loop: 3 }, "Welcome & thanks <3");
  const ssml = r.say({ voice: "woman" }, "Your code is ");
  ssml.sayAs({ "interpret-as": "digits" }, "1234");
  ssml.break({ time: "500ms" });
  ssml.prosody({ rate: "slow" }, ", goodbye.");
  r.play({ loop: 0, digits: "1w2#" }, "https://media.example/hold.mp3");
  r.pause({ length: 3 });
  const gather = r.gather({
    action: "/gather?step=1", method: "GET", timeout: 7, finishOnKey: "*", numDigits: 4, input: ["dtmf", "speech"],
    speechTimeout: "auto", language: "en-GB", hints: "sales, support ,billing", actionOnEmptyResult: true,
    partialResultCallback: "/partial", partialResultCallbackMethod: "GET", profanityFilter: false, speechModel: "phone_call",
  });
  gather.say("Press one");
  gather.play({ loop: 2 }, "https://media.example/beep.wav");
  gather.pause({ length: 1 });
  const dial = r.dial({
    action: "/dial-done", method: "GET", timeout: 20, timeLimit: 600, callerId: "+15550001111", answerOnBridge: true,
    hangupOnStar: true, record: "record-from-answer-dual", recordingStatusCallback: "/rec",
    recordingStatusCallbackMethod: "GET", recordingStatusCallbackEvent: ["in-progress", "completed"],
    recordingTrack: "both", sequential: true,
  });
  const legEvents = ["initiated", "ringing", "answered", "completed"] as const;
  dial.number(
    { sendDigits: "ww123", url: "/whisper", method: "GET", statusCallback: "/leg", statusCallbackMethod: "GET",
      statusCallbackEvent: [...legEvents] },
    "+15552223333",
  );
  dial.queue({ url: "/about-to-connect", method: "GET" }, "support");
  dial.client("alice");
  const bob = dial.client({ url: "/agent-whisper", method: "GET", statusCallback: "/agent", statusCallbackEvent: ["ringing", "answered"] });
  bob.identity("bob");
  bob.parameter({ name: "ticket", value: "T-42" });
  bob.parameter({ name: "caller_name", value: "Ada" });
  r.dial("415-123-4567");
  r.record({
    action: "/recorded", method: "GET", timeout: 0, finishOnKey: "#*", maxLength: 60, playBeep: false,
    trim: "do-not-trim", recordingStatusCallback: "/rec-status", recordingStatusCallbackMethod: "GET",
    recordingStatusCallbackEvent: ["in-progress", "completed", "absent"], transcribe: true,
    transcribeCallback: "/transcribed",
  });
  r.enqueue({ action: "/left", method: "GET", waitUrl: "/wait", waitUrlMethod: "GET" }, "support");
  r.leave();
  r.sms({ to: "+15554445555", from: "+15556667777", action: "/sms", method: "GET", statusCallback: "/sms-status" }, "Hi");
  r.redirect({ method: "GET" }, "../next");
  r.reject({ reason: "busy" });
  r.hangup();

  const xml = r.toString();
  assert.ok(xml.startsWith(DECL));
  const { verbs, warnings } = parsed(xml);
  assert.deepEqual(warnings, []);
  assert.deepEqual(verbs, [
    { verb: "Say", voice: "Polly.Amy", language: "en-GB", loop: 3, text: "Welcome & thanks <3" },
    { verb: "Say", voice: "woman", language: "en-US", loop: 1, text: "Your code is 1234, goodbye." },
    { verb: "Play", loop: 1000, digits: "1w2#", url: "https://media.example/hold.mp3" },
    { verb: "Pause", length: 3 },
    {
      verb: "Gather", action: "/gather?step=1", method: "GET", timeout: 7, finishOnKey: "*", numDigits: 4,
      input: ["dtmf", "speech"], speechTimeout: "auto", language: "en-GB", hints: ["sales", "support", "billing"],
      actionOnEmptyResult: true, partialResultCallback: "/partial", partialResultCallbackMethod: "GET",
      children: [
        { ...SAY_DEFAULTS, text: "Press one" },
        { verb: "Play", loop: 2, url: "https://media.example/beep.wav" },
        { verb: "Pause", length: 1 },
      ],
    },
    {
      verb: "Dial", action: "/dial-done", method: "GET", timeout: 20, timeLimit: 600, callerId: "+15550001111",
      answerOnBridge: true, hangupOnStar: true, record: "record-from-answer-dual", recordingStatusCallback: "/rec",
      recordingStatusCallbackMethod: "GET", recordingStatusCallbackEvent: ["in-progress", "completed"], trim: "do-not-trim", sequential: true,
      nouns: [
        { noun: "Number", number: "+15552223333", sendDigits: "ww123", url: "/whisper", method: "GET",
          statusCallback: "/leg", statusCallbackMethod: "GET", statusCallbackEvent: [...legEvents] },
        { noun: "Queue", name: "support", url: "/about-to-connect", method: "GET" },
        { ...CLIENT_DEFAULTS, identity: "alice" },
        { ...CLIENT_DEFAULTS, identity: "bob", url: "/agent-whisper", method: "GET", statusCallback: "/agent",
          statusCallbackEvent: ["ringing", "answered"], parameters: { ticket: "T-42", caller_name: "Ada" } },
      ],
    },
    { ...DIAL_DEFAULTS, nouns: [{ ...NUMBER_DEFAULTS, number: "415-123-4567" }] },
    {
      verb: "Record", action: "/recorded", method: "GET", timeout: 0, finishOnKey: "#*", maxLength: 60, playBeep: false,
      trim: "do-not-trim", recordingStatusCallback: "/rec-status", recordingStatusCallbackMethod: "GET",
      recordingStatusCallbackEvent: ["in-progress", "completed", "absent"], transcribe: true,
      transcribeCallback: "/transcribed",
    },
    { verb: "Enqueue", name: "support", action: "/left", method: "GET", waitUrl: "/wait", waitUrlMethod: "GET" },
    { verb: "Leave" },
    { verb: "Sms", text: "Hi", to: "+15554445555", from: "+15556667777", action: "/sms", method: "GET",
      statusCallback: "/sms-status" },
    { verb: "Redirect", method: "GET", url: "../next" },
    { verb: "Reject", reason: "busy" },
    { verb: "Hangup" },
  ]);
});

test("every verb without attributes gets the documented defaults", () => {
  const verbs = verbsOf(
    "<Say>Hi</Say><Play>https://a/b.mp3</Play><Pause/><Gather/><Dial>+15550001111</Dial><Record/>" +
      "<Hangup/><Redirect>/x</Redirect><Reject/><Enqueue>q</Enqueue><Leave/><Sms>text</Sms>",
  );
  assert.deepEqual(verbs, [
    { ...SAY_DEFAULTS, text: "Hi" },
    { verb: "Play", loop: 1, url: "https://a/b.mp3" },
    { verb: "Pause", length: 1 },
    GATHER_DEFAULTS,
    { ...DIAL_DEFAULTS, nouns: [{ ...NUMBER_DEFAULTS, number: "+15550001111" }] },
    RECORD_DEFAULTS,
    { verb: "Hangup" },
    { verb: "Redirect", method: "POST", url: "/x" },
    { verb: "Reject", reason: "rejected" },
    { verb: "Enqueue", name: "q", method: "POST", waitUrlMethod: "POST" },
    { verb: "Leave" },
    { verb: "Sms", text: "text", method: "POST" },
  ]);
});

test("an empty <Response/> is a document with no verbs", () => {
  assert.deepEqual(parseVoiceTwiml("<Response/>"), { ok: true, verbs: [], warnings: [] });
  assert.deepEqual(parseVoiceTwiml(`${DECL}<Response>\n  <!-- nothing -->\n</Response>\n`), {
    ok: true,
    verbs: [],
    warnings: [],
  });
});

test("the XML declaration, comments, processing instructions and a byte-order mark are ignored", () => {
  const { verbs, warnings } = parsed(`\uFEFF${DECL}<!-- a --><?pi x?><Response><!-- b --><Hangup/></Response><!-- c -->`);
  assert.deepEqual(warnings, []);
  assert.deepEqual(verbs, [{ verb: "Hangup" }]);
});

test("malformed XML is error 12100", () => {
  const cases = [
    ` ${DECL}<Response/>`,
    `\n${DECL}<Response/>`,
    `junk${DECL}<Response/>`,
    "<Response><Say>unclosed</Response>",
    "<Response>",
    "<Response><Say>x</say></Response>",
    "<Response><Say>a < b</Say></Response>",
    '<Response><Say loop="1" loop="2">x</Say></Response>',
    "<Response><Say loop>x</Say></Response>",
    "<Response><Say>&nbsp;</Say></Response>",
    "<Response><Say>AT&T</Say></Response>",
    '<Response><Say voice="&bogus;">x</Say></Response>',
    "<Response><Say>&#0;</Say></Response>",
    "<Response/><Response/>",
    "<Response/>trailing text",
    "",
    "   ",
    "Hello, world",
  ];
  for (const xml of cases) {
    const result = failure(xml);
    assert.equal(result.code, 12100, xml);
    assert.match(result.message, /Malformed XML/);
  }
});

test("a root other than <Response> is error 12102, case-sensitively", () => {
  for (const xml of ["<response/>", `${DECL}<Say>Hi</Say>`, "<RESPONSE><Hangup/></RESPONSE>"]) {
    const result = failure(xml);
    assert.equal(result.code, 12102, xml);
    assert.match(result.message, /<Response>/);
  }
});

test("unknown and wrongly cased verbs are warned about and skipped; the rest still parses", () => {
  const { verbs, messages } = warned("<Say>one</Say><say>two</say><Conference>x</Conference><Hangup/>");
  assert.deepEqual(verbs, [{ ...SAY_DEFAULTS, text: "one" }, { verb: "Hangup" }]);
  assert.deepEqual(messages, [
    "<say> is not a supported voice verb (did you mean <Say>?); it was ignored",
    "<Conference> is not a supported voice verb; it was ignored",
  ]);
});

test("unknown and wrongly cased attributes are warned about and skipped", () => {
  const { verbs, messages } = warned('<Say Voice="woman" colour="red">Hi</Say><Hangup reason="x"/><Response a="1"/>');
  assert.deepEqual(verbs, [{ ...SAY_DEFAULTS, text: "Hi" }, { verb: "Hangup" }]);
  assert.deepEqual(messages, [
    "<Say> has unknown attribute 'Voice' (did you mean 'voice'?); it was ignored",
    "<Say> has unknown attribute 'colour'; it was ignored",
    "<Hangup> has unknown attribute 'reason'; it was ignored",
    "<Response> is not a supported voice verb; it was ignored",
  ]);
  assert.deepEqual(parsed('<Response lang="en"/>').warnings, [
    { code: 12200, message: "<Response> has unknown attribute 'lang'; it was ignored" },
  ]);
});

test("invalid attribute values are warned about and fall back to the default", () => {
  const cases: [string, string, unknown][] = [
    ['<Gather timeout="abc"/>', "timeout", 5],
    ['<Gather timeout="0"/>', "timeout", 5],
    ['<Gather input="fax"/>', "input", ["dtmf"]],
    ['<Gather input="dtmf fax"/>', "input", ["dtmf"]],
    ['<Gather method="PUT"/>', "method", "POST"],
    ['<Gather method="get"/>', "method", "POST"],
    ['<Gather finishOnKey="12"/>', "finishOnKey", "#"],
    ['<Gather actionOnEmptyResult="yes"/>', "actionOnEmptyResult", false],
    ['<Gather speechTimeout="soon"/>', "speechTimeout", 5],
    ['<Gather partialResultCallbackMethod="DELETE"/>', "partialResultCallbackMethod", "POST"],
    ['<Say loop="-1">x</Say>', "loop", 1],
    ['<Say loop="2.5">x</Say>', "loop", 1],
    ['<Say voice="">x</Say>', "voice", "man"],
    ['<Play loop="many">u</Play>', "loop", 1],
    ['<Pause length="0"/>', "length", 1],
    ['<Reject reason="nope"/>', "reason", "rejected"],
    ['<Redirect method="PUT">/x</Redirect>', "method", "POST"],
    ['<Dial timeout="-5">1</Dial>', "timeout", 30],
    ['<Dial record="yes">1</Dial>', "record", "do-not-record"],
    ['<Dial hangupOnStar="TRUE">1</Dial>', "hangupOnStar", false],
    ['<Record trim="cut"/>', "trim", "trim-silence"],
    ['<Record timeout="-1"/>', "timeout", 5],
    ['<Record maxLength="99999"/>', "maxLength", 3600],
    ['<Record finishOnKey="x"/>', "finishOnKey", "1234567890*#"],
    ['<Record playBeep="no"/>', "playBeep", true],
    ['<Record recordingStatusCallbackEvent="done"/>', "recordingStatusCallbackEvent", ["completed"]],
    ['<Enqueue waitUrlMethod="PATCH">q</Enqueue>', "waitUrlMethod", "POST"],
    ['<Sms method="PUT">x</Sms>', "method", "POST"],
  ];
  for (const [inner, attribute, expected] of cases) {
    const { verbs, messages } = warned(inner);
    assert.equal(messages.length, 1, inner);
    assert.match(messages[0] ?? "", new RegExp(`^<\\w+> ${attribute}=".*" is invalid \\(expected .+\\); using `), inner);
    assert.deepEqual((verbs[0] as unknown as Record<string, unknown>)[attribute], expected, inner);
  }
});

test("invalid optional attribute values are warned about and left out", () => {
  const cases: [string, string][] = [
    ['<Gather numDigits="0"/>', "numDigits"],
    ['<Play digits="x1">u</Play>', "digits"],
  ];
  for (const [inner, attribute] of cases) {
    const { verbs, messages } = warned(inner);
    assert.equal(messages.length, 1, inner);
    assert.match(messages[0] ?? "", new RegExp(`^<\\w+> ${attribute}=".*" is invalid \\(expected .+\\); it was ignored$`));
    assert.equal(attribute in (verbs[0] ?? {}), false, inner);
  }
  const { verbs, messages } = warned('<Dial><Number statusCallbackEvent="hung-up">1</Number></Dial>');
  assert.equal(messages.length, 1);
  assert.deepEqual(verbs[0]?.verb === "Dial" && verbs[0].nouns, [{ ...NUMBER_DEFAULTS, number: "1" }]);
});

test("loop is capped at 1,000 and loop=0 means 1,000 for Say and Play", () => {
  const verbs = verbsOf(
    '<Say loop="0">a</Say><Say loop="1000">b</Say><Say loop="5000">c</Say><Say loop="7">d</Say>' +
      '<Play loop="0">u</Play><Play loop="1001">u</Play><Play loop="9">u</Play>',
  );
  assert.deepEqual(
    verbs.map((v) => (v.verb === "Say" || v.verb === "Play" ? v.loop : undefined)),
    [1000, 1000, 1000, 7, 1000, 1000, 9],
  );
});

test("Record maxLength is 120 when transcribing unless given, 3600 otherwise", () => {
  const verbs = verbsOf(
    '<Record transcribe="true"/><Record transcribe="true" maxLength="300"/><Record transcribe="false"/>' +
      '<Record maxLength="30"/><Record timeout="0"/>',
  );
  assert.deepEqual(
    verbs.map((v) => (v.verb === "Record" ? [v.maxLength, v.timeout] : undefined)),
    [[120, 5], [300, 5], [3600, 5], [30, 5], [3600, 0]],
  );
});

test("Gather: speechTimeout follows timeout, finishOnKey may be empty, input and hints are lists", () => {
  const verbs = verbsOf(
    '<Gather timeout="8"/><Gather timeout="8" speechTimeout="3" finishOnKey="" input="speech dtmf" hints=" a ,, b "/>',
  );
  assert.ok(verbs[0]?.verb === "Gather" && verbs[1]?.verb === "Gather");
  assert.equal(verbs[0].speechTimeout, 8);
  assert.equal(verbs[0].finishOnKey, "#");
  assert.equal(verbs[1].speechTimeout, 3);
  assert.equal(verbs[1].finishOnKey, "");
  assert.deepEqual(verbs[1].input, ["speech", "dtmf"]);
  assert.deepEqual(verbs[1].hints, ["a", "b"]);
  assert.equal("action" in verbs[0], false);
});

test("Gather holds only Say, Play (without digits) and Pause; the rest is warned about and skipped", () => {
  const { verbs, messages } = warned(
    '<Gather><Say>a</Say>stray<Dial>123</Dial><Record/><Play digits="1">u</Play><Gather/><Pause/></Gather><Hangup/>',
  );
  assert.deepEqual(verbs[0]?.verb === "Gather" && verbs[0].children, [
    { ...SAY_DEFAULTS, text: "a" },
    { verb: "Play", loop: 1, url: "u" },
    { verb: "Pause", length: 1 },
  ]);
  assert.deepEqual(verbs[1], { verb: "Hangup" });
  assert.deepEqual(messages, [
    "Text is not allowed directly inside <Gather>; it was ignored",
    "<Dial> is not allowed inside <Gather> (only Say, Play, Pause); it was ignored",
    "<Record> is not allowed inside <Gather> (only Say, Play, Pause); it was ignored",
    "<Play digits> is not allowed inside <Gather>; the digits were ignored",
    "<Gather> is not allowed inside <Gather> (only Say, Play, Pause); it was ignored",
  ]);
});

test("nothing may nest in Record, Hangup, Redirect, Reject, Pause, Leave", () => {
  const { verbs, messages } = warned(
    "<Record><Say>x</Say></Record><Hangup><Say>x</Say></Hangup><Redirect>/a<Play>u</Play></Redirect>" +
      "<Reject>busy</Reject><Pause><Pause/></Pause><Leave>x</Leave>",
  );
  assert.deepEqual(
    verbs.map((v) => v.verb),
    ["Record", "Hangup", "Redirect", "Reject", "Pause", "Leave"],
  );
  assert.deepEqual(verbs[2], { verb: "Redirect", method: "POST", url: "/a" });
  assert.deepEqual(messages, [
    "<Say> is not allowed inside <Record>; it was ignored",
    "<Say> is not allowed inside <Hangup>; it was ignored",
    "<Play> is not allowed inside <Redirect>; it was ignored",
    "<Reject> may not contain text; it was ignored",
    "<Pause> is not allowed inside <Pause>; it was ignored",
    "<Leave> may not contain text; it was ignored",
  ]);
});

test("stray text directly in <Response> is warned about", () => {
  const { verbs, messages } = warned("Hello<Hangup/>");
  assert.deepEqual(verbs, [{ verb: "Hangup" }]);
  assert.deepEqual(messages, ["Text is not allowed directly inside <Response>; it was ignored"]);
});

test("Dial: a trimmed bare number, nouns, Client identities, a Conference, unsupported nouns skipped", () => {
  const { verbs, messages } = warned(
    "<Dial>\n  415-123-4567\n</Dial>" +
      "<Dial><Sip>sip:a@b</Sip><Conference>room</Conference><number>1</number><Number> +1555 </Number>" +
      "<Client><Identity> carol </Identity><Parameter name=\"k\" value=\"v\"/></Client><Queue> q </Queue></Dial>" +
      "<Dial>text<Client>dave</Client></Dial><Dial/>",
  );
  const nouns = verbs.map((v) => (v.verb === "Dial" ? v.nouns : undefined));
  assert.deepEqual(nouns, [
    [{ ...NUMBER_DEFAULTS, number: "415-123-4567" }],
    [
      {
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
      },
      { ...NUMBER_DEFAULTS, number: "+1555" },
      { ...CLIENT_DEFAULTS, identity: "carol", parameters: { k: "v" } },
      { noun: "Queue", name: "q", method: "POST" },
    ],
    [{ ...CLIENT_DEFAULTS, identity: "dave" }],
    [],
  ]);
  assert.deepEqual(messages, [
    "<Sip> is not supported inside <Dial>; it was ignored",
    "<number> is not allowed inside <Dial> (did you mean <Number>?); it was ignored",
    "Text next to nouns inside <Dial> was ignored",
    "<Dial> has no number or noun to dial",
  ]);
});

test("Client: an identity outside Twilio's rule, a nameless Parameter and a stray child are warnings", () => {
  const { verbs, messages } = warned(
    '<Dial><Client>al ice</Client><Client><Identity>bo</Identity><Parameter value="x"/><Number>1</Number></Client>' +
      `<Client>${"a".repeat(257)}</Client><Client/></Dial>`,
  );
  const nouns = verbs[0]?.verb === "Dial" ? verbs[0].nouns.map((n) => (n.noun === "Client" ? n.identity.length : -1)) : [];
  assert.deepEqual(nouns, [6, 2, 257, 0]);
  assert.deepEqual(messages, [
    '<Client> identity "al ice" may hold only letters, digits and underscores, at most 256',
    "<Parameter> without a name was ignored",
    "<Number> is not allowed inside <Client>; it was ignored",
    `<Client> identity "${"a".repeat(257)}" may hold only letters, digits and underscores, at most 256`,
    "<Client> has no identity",
  ]);
});

test('Dial record="true"/"false" (legacy) become record-from-answer/do-not-record', () => {
  const verbs = verbsOf('<Dial record="true">1</Dial><Dial record="false">1</Dial>');
  assert.deepEqual(
    verbs.map((v) => (v.verb === "Dial" ? v.record : undefined)),
    ["record-from-answer", "do-not-record"],
  );
});

test("Enqueue: waitUrl absent unless given, and kept empty when given empty; Redirect may be empty", () => {
  const verbs = verbsOf('<Enqueue> support </Enqueue><Enqueue waitUrl="">q</Enqueue><Redirect/><Redirect>  </Redirect>');
  assert.deepEqual(verbs, [
    { verb: "Enqueue", name: "support", method: "POST", waitUrlMethod: "POST" },
    { verb: "Enqueue", name: "q", method: "POST", waitUrl: "", waitUrlMethod: "POST" },
    { verb: "Redirect", method: "POST", url: "" },
    { verb: "Redirect", method: "POST", url: "" },
  ]);
});

test("entities are decoded in text and attributes; CDATA is literal; text is trimmed", () => {
  const verbs = verbsOf(
    "<Say>\n  Tom &amp; Jerry &lt;3 &gt; &quot;hi&quot; &apos;yo&apos; &#65;&#x42;&#x1F600;\n</Say>" +
      "<Say><![CDATA[ a &amp; <b> ]]></Say>" +
      '<Redirect method="GET">/next?a=1&amp;b=2</Redirect>' +
      '<Gather action="/g?x=1&amp;y=&quot;2&quot;"/>',
  );
  assert.deepEqual(verbs[0], { ...SAY_DEFAULTS, text: "Tom & Jerry <3 > \"hi\" 'yo' AB😀" });
  assert.deepEqual(verbs[1], { ...SAY_DEFAULTS, text: "a &amp; <b>" });
  assert.deepEqual(verbs[2], { verb: "Redirect", method: "GET", url: "/next?a=1&b=2" });
  assert.equal(verbs[3]?.verb === "Gather" && verbs[3].action, '/g?x=1&y="2"');
});

test("SSML inside Say keeps its text without warnings; other elements in Say are warned about", () => {
  const verbs = verbsOf(
    '<Say voice="Polly.Joanna">Hello <break time="1s"/><emphasis level="strong">there</emphasis>, ' +
      '<prosody rate="slow"><say-as interpret-as="digits">42</say-as></prosody><!-- note --> ' +
      '<amazon:effect name="whispered">bye</amazon:effect></Say>',
  );
  assert.deepEqual(verbs, [{ verb: "Say", voice: "Polly.Joanna", language: "en-US", loop: 1, text: "Hello there, 42 bye" }]);

  const { verbs: withPlay, messages } = warned("<Say>a <Play>u</Play>b</Say>");
  assert.deepEqual(withPlay, [{ ...SAY_DEFAULTS, text: "a b" }]);
  assert.deepEqual(messages, ["<Play> is not allowed inside <Say>; it was ignored"]);
});

test("valid Twilio attributes this carrier does not model are accepted silently", () => {
  const verbs = verbsOf(
    '<Gather profanityFilter="false" speechModel="phone_call" enhanced="true" bargeIn="true" maxSpeechTime="30"/>' +
      '<Dial recordingTrack="inbound" trim="trim-silence" ringTone="uk" recordingStatusCallbackEvent="completed">' +
      '<Number byoc="BY1" machineDetection="Enable">1</Number><Queue reservationSid="WR1">q</Queue>' +
      '<Client url="/c" method="GET" statusCallback="/s" statusCallbackEvent="answered">c</Client></Dial>' +
      '<Record recordingConfigurationId="x"/><Enqueue workflowSid="WW1" maxQueueSize="5">q</Enqueue>',
  );
  assert.deepEqual(
    verbs.map((v) => v.verb),
    ["Gather", "Dial", "Record", "Enqueue"],
  );
});

test("list defaults are fresh arrays, so mutating one node never changes another", () => {
  const [a, b] = verbsOf("<Gather/><Gather/>");
  assert.ok(a?.verb === "Gather" && b?.verb === "Gather");
  a.input.push("speech");
  assert.deepEqual(b.input, ["dtmf"]);
  assert.deepEqual(verbsOf("<Gather/>")[0], GATHER_DEFAULTS);
});
