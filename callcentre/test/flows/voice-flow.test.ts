import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlow } from "../../src/flows/load-flow.js";
import { answerIncoming, dialResult, enterNode, menuInput, returnCall, voicemailRecorded, type CallFacts } from "../../src/flows/voice-flow.js";
import { shippedFlow } from "../helpers.js";

const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const BASE = "https://cc.example.test";
const answered = (agent: number) =>
  `statusCallback="${BASE}/twilio/voice/dial/sales/answered?agent=${agent}" statusCallbackEvent="answered" statusCallbackMethod="POST"`;

// A small flow, so that whole documents can be compared as exact strings.
const flow = parseFlow(`
company: Acme
voice: Polly.Amy
language: en-GB
greeting:
  - play: /audio/chime.wav
  - say: Welcome, caller from {caller.city}.
    otherwise: Welcome.
goodbye: Goodbye.
start: main
hours:
  timezone: Europe/London
  weekly:
    monday: ["09:00-12:00", "13:00-17:00"]
  holidays:
    - { date: "2026-12-28", name: Boxing Day, message: Closed for Boxing Day. }
    - { date: "2026-12-24", name: Christmas Eve, hours: ["09:00-10:00"] }
  closed: { prompt: We are closed., then: vm }
blocklist:
  reason: busy
  anonymous: true
  numbers: ["+447700900666", "+44909*"]
nodes:
  main:
    type: menu
    prompt: Press 1 for sales, 2 for help.
    options:
      - { key: 1, keywords: [sales, buy], label: Sales, goto: sales }
      - { key: 2, keywords: [help desk, help], label: Help, goto: info }
    timeout: 4
    retries: 1
    noInput: Nothing heard.
    invalid: Not an option.
    onFailure: hangup
  sales:
    type: department
    name: Sales
    prompt: Connecting you.
    ring: sequential
    ringTimeout: 10
    callerId: "+442079460000"
    agents:
      - { name: Ann, number: "+447700900001" }
      - { name: Bob, number: "+447700900002" }
    onCall: Bob
    onNoAnswer: vm
    onBusy: cb
  vm:
    type: voicemail
    department: sales
    notify: "+447700900009"
    prompt: Leave a message.
    maxLength: 60
    thanks: Thanks.
    noMessage: No message.
  info:
    type: message
    prompt:
      - pause: 2
      - say: Open nine to five.
        loop: 2
    next: again
  again:
    type: redirect
    to: main
  cb:
    type: callback
    department: sales
    prompt: We will call you back.
`);
const ctx = { flow, baseUrl: BASE };
const MONDAY_10 = new Date("2026-11-23T10:00:00Z"); // London is on GMT in November
const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
  callSid: "CA00000000000000000000000000000001",
  from: "+447700900123",
  to: "+442079460000",
  fromCity: "LONDON",
  fromCountry: "GB",
  now: MONDAY_10,
  ...over,
});
const say = (text: string) => `<Say voice="Polly.Amy" language="en-GB">${text}</Say>`;
const MENU =
  `<Gather input="dtmf speech" action="${BASE}/twilio/voice/menu/main?attempt=1" method="POST" timeout="4" numDigits="1" ` +
  `language="en-GB" hints="sales, buy, help desk, help" speechTimeout="auto" speechModel="phone_call">` +
  `${say("Press 1 for sales, 2 for help.")}</Gather><Redirect method="POST">${BASE}/twilio/voice/menu/main?attempt=1</Redirect>`;

test("an incoming call in business hours hears the greeting with the caller's city, then the menu", () => {
  const result = answerIncoming(ctx, facts());
  assert.equal(
    result.twiml.toString(),
    `${XML}<Response><Play>${BASE}/audio/chime.wav</Play>${say("Welcome, caller from London.")}${MENU}</Response>`,
  );
  assert.deepEqual(result.events, [
    { kind: "call.incoming" },
    { kind: "menu.entered", node: "main", detail: { attempt: 1 } },
  ]);
  assert.equal(result.call.answered, true);
});

test("a caller whose city Twilio does not know hears the otherwise text", () => {
  const result = answerIncoming(ctx, facts({ fromCity: undefined }));
  assert.match(result.twiml.toString(), /<Play>[^<]+<\/Play><Say voice="Polly.Amy" language="en-GB">Welcome.<\/Say><Gather/);
});

test("blocklisted callers are rejected before the call is answered", () => {
  for (const from of ["+447700900666", "+449091234567", "anonymous", ""]) {
    const result = answerIncoming(ctx, facts({ from }));
    assert.equal(result.twiml.toString(), `${XML}<Response><Reject reason="busy"/></Response>`, from);
    assert.equal(result.call.outcome, "rejected");
    assert.equal(result.call.answered, undefined);
  }
  assert.doesNotMatch(answerIncoming(ctx, facts({ from: "+44901234567" })).twiml.toString(), /Reject/, "only numbers under the prefix");
});

test("outside business hours the caller hears the closed message and goes to voicemail", () => {
  const result = answerIncoming(ctx, facts({ now: new Date("2026-11-23T12:30:00Z") })); // lunch break
  const xml = result.twiml.toString();
  assert.equal(
    xml,
    `${XML}<Response>${say("We are closed.")}${say("Leave a message.")}` +
      `<Record action="${BASE}/twilio/voice/voicemail/vm/recorded" method="POST" maxLength="60" timeout="5" finishOnKey="#" playBeep="true" ` +
      `recordingStatusCallback="${BASE}/twilio/voice/recording-status" transcribe="true" transcribeCallback="${BASE}/twilio/voice/voicemail/vm/transcription"/>` +
      `${say("No message.")}<Hangup/></Response>`,
  );
  assert.deepEqual(result.events[1], { kind: "hours.closed", detail: { reason: "closed" } });
  assert.equal(result.call.outcome, "closed");
});

test("on a holiday the caller hears the holiday's own message", () => {
  const result = answerIncoming(ctx, facts({ now: new Date("2026-12-28T10:00:00Z") }));
  assert.match(result.twiml.toString(), /<Response><Say[^>]*>Closed for Boxing Day.<\/Say><Say[^>]*>Leave a message.<\/Say><Record/);
  assert.deepEqual(result.events[1], { kind: "hours.closed", detail: { reason: "holiday", holiday: "Boxing Day" } });
  assert.equal(result.call.outcome, "closed-holiday");
});

test("a DTMF choice transfers to the department: sequential ringing dials the first agent", () => {
  const result = menuInput(ctx, facts(), "main", 1, { digits: "1" });
  assert.equal(
    result.twiml.toString(),
    `${XML}<Response>${say("Connecting you.")}<Dial action="${BASE}/twilio/voice/dial/sales?agent=0" method="POST" timeout="10" callerId="+442079460000">` +
      `<Number ${answered(0)}>+447700900001</Number></Dial></Response>`,
  );
  assert.deepEqual(result.effects, [{ type: "transfer-start", node: "sales", department: "Sales" }]);
  assert.deepEqual(
    result.events.map((e) => e.kind),
    ["menu.input", "menu.option", "transfer.started"],
  );
  assert.deepEqual(result.events[1]?.detail, { label: "Sales", goto: "sales", key: "1" });
  assert.equal(result.call.department, "Sales");
});

test("a spoken keyword chooses the same option as its key", () => {
  const result = menuInput(ctx, facts(), "main", 1, { speech: "I'd like to BUY something.", confidence: 0.9 });
  assert.match(result.twiml.toString(), /<Dial action="[^"]+\/dial\/sales\?agent=0"/);
  assert.deepEqual(result.events[0]?.detail, { attempt: 1, speech: "I'd like to BUY something.", confidence: 0.9 });
});

test("a message node speaks with pause and loop, then redirects to the menu", () => {
  const result = menuInput(ctx, facts(), "main", 1, { digits: "2" });
  assert.equal(
    result.twiml.toString(),
    `${XML}<Response><Pause length="2"/><Say voice="Polly.Amy" language="en-GB" loop="2">Open nine to five.</Say>` +
      `<Redirect method="POST">${BASE}/twilio/voice/node/main</Redirect></Response>`,
  );
});

test("an invalid choice is explained and the menu offered again with the attempt counted", () => {
  const result = menuInput(ctx, facts(), "main", 1, { digits: "7" });
  const xml = result.twiml.toString();
  assert.ok(xml.startsWith(`${XML}<Response>${say("Not an option.")}<Gather`), xml);
  assert.match(xml, /menu\/main\?attempt=2/);
  assert.deepEqual(
    result.events.map((e) => e.kind),
    ["menu.input", "menu.invalid", "menu.entered"],
  );
});

test("no input is answered with the no-input prompt, then the retries run out to onFailure", () => {
  const first = menuInput(ctx, facts(), "main", 1, {});
  assert.ok(first.twiml.toString().startsWith(`${XML}<Response>${say("Nothing heard.")}<Gather`));
  const last = menuInput(ctx, facts(), "main", 2, {});
  assert.equal(last.twiml.toString(), `${XML}<Response>${say("Goodbye.")}<Hangup/></Response>`);
  assert.deepEqual(
    last.events.map((e) => e.kind),
    ["menu.no-input", "menu.failed", "call.hangup"],
  );
});

test("sequential ringing moves to the next agent, then to onNoAnswer", () => {
  const next = dialResult(ctx, facts(), "sales", 0, { status: "no-answer" });
  assert.equal(
    next.twiml.toString(),
    `${XML}<Response><Dial action="${BASE}/twilio/voice/dial/sales?agent=1" method="POST" timeout="10" callerId="+442079460000">` +
      `<Number ${answered(1)}>+447700900002</Number></Dial></Response>`,
  );
  assert.deepEqual(next.effects, [], "the next agent of a sequential department: the same visit goes on");
  const last = dialResult(ctx, facts(), "sales", 1, { status: "no-answer" });
  assert.match(last.twiml.toString(), /<Response><Say[^>]*>Leave a message.<\/Say><Record /);
  assert.equal(last.call.outcome, "unanswered");
  assert.deepEqual(last.effects[0], { type: "transfer-end", result: "deflected" });
});

test("a busy last agent goes to onBusy; an answered transfer ends the call", () => {
  const busy = dialResult(ctx, facts(), "sales", 1, { status: "busy" });
  assert.equal(busy.twiml.toString(), `${XML}<Response>${say("We will call you back.")}<Hangup/></Response>`);
  assert.deepEqual(busy.effects, [
    { type: "transfer-end", result: "deflected" },
    { type: "callback-request", number: "+447700900123", department: "Sales" },
  ]);
  const done = dialResult(ctx, facts(), "sales", 0, { status: "completed", durationSeconds: 75 });
  assert.equal(done.twiml.toString(), `${XML}<Response><Hangup/></Response>`);
  assert.deepEqual(done.events[0]?.detail, { status: "completed", agent: "Ann", durationSeconds: 75 });
  assert.equal(done.call.outcome, "answered");
  assert.deepEqual(done.effects, [{ type: "transfer-end", result: "answered", agent: "Ann", talkSeconds: 75 }]);
  const gone = dialResult(ctx, facts(), "sales", undefined, { status: "canceled" });
  assert.deepEqual(gone.effects, [{ type: "transfer-end", result: "abandoned" }]);
  assert.equal(gone.call.outcome, "abandoned");
});

test("a recorded voicemail is kept and the on-call agent and the notify number are texted", () => {
  const recording = { sid: "RE00000000000000000000000000000001", url: "https://api.twilio.com/rec/RE1", durationSeconds: 83, digits: "#" };
  const result = voicemailRecorded(ctx, facts(), "vm", recording);
  assert.equal(result.twiml.toString(), `${XML}<Response>${say("Thanks.")}<Hangup/></Response>`);
  const body = "New voicemail for Sales from +447700900123 (1:23). Listen: https://api.twilio.com/rec/RE1";
  assert.deepEqual(result.effects, [
    { type: "save-voicemail", recording, node: "vm", department: "Sales" },
    { type: "notify", kind: "voicemail", subjectSid: recording.sid, to: "+447700900002", from: "+442079460000", body },
    { type: "notify", kind: "voicemail", subjectSid: recording.sid, to: "+447700900009", from: "+442079460000", body },
  ]);
});

test("special hours on a holiday open the line only within them", () => {
  assert.match(answerIncoming(ctx, facts({ now: new Date("2026-12-24T09:30:00Z") })).twiml.toString(), /<Gather/);
  assert.match(answerIncoming(ctx, facts({ now: new Date("2026-12-24T10:30:00Z") })).twiml.toString(), /<Record/);
});

test("entering a node by redirect renders it from the start", () => {
  assert.match(enterNode(ctx, facts(), "main").twiml.toString(), /^<\?xml[^>]+><Response><Gather[^>]+attempt=1/);
  assert.throws(() => enterNode(ctx, facts(), "nope"), /no node "nope"/);
});

test("message nodes that loop forever are broken up by <Redirect> instead of rendering endlessly", () => {
  const loop = parseFlow(`
company: Loop
greeting: Hi.
start: a
nodes:
  a: { type: message, prompt: A., next: b }
  b: { type: message, prompt: B., next: a }
`);
  const xml = answerIncoming({ flow: loop, baseUrl: BASE }, facts()).twiml.toString();
  assert.equal((xml.match(/<Say/g) ?? []).length, 6);
  assert.match(xml, /<Redirect method="POST">https:\/\/cc\.example\.test\/twilio\/voice\/node\/[ab]<\/Redirect><\/Response>$/);
});

test("the shipped default flow answers at any hour: Sunday 3 am in Sydney hears the greeting and the menu", () => {
  const sundayNight = new Date("2026-11-28T16:00:00Z"); // Sunday 29 November, 03:00 in Sydney
  const result = answerIncoming({ flow: shippedFlow(), baseUrl: BASE }, facts({ from: "+61491570001", to: "+61255501234", fromCity: "SYDNEY", fromCountry: "AU", now: sundayNight }));
  const xml = result.twiml.toString();
  assert.match(xml, /Thank you for calling Bluegum Energy, caller from Sydney\./);
  assert.match(xml, /<Gather [^>]*action="https:\/\/cc\.example\.test\/twilio\/voice\/menu\/main-menu\?attempt=1"/);
  assert.doesNotMatch(xml, /closed/i);
  assert.deepEqual(result.events.map((e) => e.kind), ["call.incoming", "menu.entered"]);
  assert.equal(result.call.outcome, undefined);
});

test("a call placed back from the dashboard starts with who is calling, then rings the department: no inbound greeting or menu", () => {
  // An outbound call: the customer is the callee, whom the route puts in facts.from.
  const result = returnCall(ctx, facts({ from: "+447700900123", to: "+442079460000" }), "sales");
  assert.equal(
    result.twiml.toString(),
    `${XML}<Response>${say("This is Acme returning your call.")}${say("Connecting you.")}` +
      `<Dial action="${BASE}/twilio/voice/dial/sales?agent=0" method="POST" timeout="10" callerId="+442079460000">` +
      `<Number ${answered(0)}>+447700900001</Number></Dial></Response>`,
  );
  assert.deepEqual(result.events.map((e) => [e.kind, e.node]), [["callback.answered", "sales"], ["transfer.started", "sales"]]);
  assert.deepEqual(result.effects, [{ type: "transfer-start", node: "sales", department: "Sales" }]);
  assert.equal(result.call.answered, true);
});

test("the call-back greeting is the flow's callback.greeting, with placeholders; callback.then must name a node", () => {
  const own = parseFlow(`
company: Acme
greeting: Hello.
start: main
callback:
  greeting: Hello from {company}, returning your call, caller from {caller.city}.
  then: main
nodes:
  main:
    type: hangup
    prompt: Bye.
`);
  assert.equal(
    returnCall({ flow: own, baseUrl: BASE }, facts(), "main").twiml.toString(),
    `${XML}<Response><Say voice="Polly.Joanna" language="en-US">Hello from Acme, returning your call, caller from London.</Say><Say voice="Polly.Joanna" language="en-US">Bye.</Say><Hangup/></Response>`,
  );
  assert.throws(() => parseFlow("company: A\ngreeting: Hi.\nstart: main\ncallback: { then: nowhere }\nnodes:\n  main: { type: hangup }\n"), /callback\.then: unknown node "nowhere"; known nodes: main$/m);
});

test("a voicemail for a queue department texts its on-call agent's phone, from the top-level agents", () => {
  const acd = parseFlow(`
company: Acme
greeting: Hi.
start: billing
agents:
  ava: { name: Ava, client: ava, departments: [billing] }
  ben: { name: Ben, phone: "+447700900005", departments: [billing] }
nodes:
  billing:
    type: department
    name: Billing
    onCall: ben
    queue: { whenNobody: vm }
  vm:
    type: voicemail
    department: billing
    prompt: Leave a message.
    thanks: Thanks.
`);
  const recording = { sid: "RE00000000000000000000000000000002", url: "https://api.twilio.com/rec/RE2", durationSeconds: 9 };
  const result = voicemailRecorded({ flow: acd, baseUrl: BASE }, facts(), "vm", recording);
  const body = "New voicemail for Billing from +447700900123 (0:09). Listen: https://api.twilio.com/rec/RE2";
  assert.deepEqual(result.effects, [
    { type: "save-voicemail", recording, node: "vm", department: "Billing" },
    { type: "notify", kind: "voicemail", subjectSid: recording.sid, to: "+447700900005", from: "+442079460000", body },
  ]);
  // Entering the department hands the caller to its line's own webhook, which knows who is signed in.
  const entered = enterNode({ flow: acd, baseUrl: BASE }, facts(), "billing").twiml.toString();
  assert.match(entered, /<Redirect method="POST">https:\/\/[^<]*\/twilio\/voice\/queue\/billing<\/Redirect>/);
});
