import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { TwimlResponse } from "../../src/flows/twiml.js";

const URL = "https://cc.example.test/twilio/voice/menu/main?attempt=1";

/** The same document, recorded (and memoised) and built directly by twilio's VoiceResponse. */
function both(city: string) {
  const recorded = new TwimlResponse();
  const direct = new twilio.twiml.VoiceResponse();
  for (const into of [recorded, direct] as const) {
    into.play({ loop: 2 }, "https://cc.example.test/audio/chime.wav");
    into.say({ voice: "Polly.Amy", language: "en-GB" }, `Welcome, caller from ${city} <&> "quoted".`);
    const gather = into.gather({ input: ["dtmf", "speech"], action: URL, method: "POST", timeout: 5, numDigits: 1, hints: undefined });
    gather.say({ voice: "Polly.Amy" }, "Press 1 for billing.");
    gather.pause({ length: 1 });
    into.redirect({ method: "POST" }, URL);
    into.dial({ action: URL, timeout: 20, callerId: "+61291234567" }).number({ statusCallbackEvent: ["answered"] }, "+61491570156");
    into.record({ maxLength: 120, playBeep: true, transcribe: true });
    into.reject({ reason: "busy" });
    into.hangup();
  }
  return { recorded: recorded.toString(), direct: direct.toString() };
}

test("a recorded response renders exactly what VoiceResponse builds, escaping included", () => {
  const { recorded, direct } = both("Sydney");
  assert.equal(recorded, direct);
  assert.match(recorded, /caller from Sydney &lt;&amp;&gt; "quoted"/);
  assert.match(recorded, /input="dtmf speech"/);
  assert.doesNotMatch(recorded, /hints=/, "an undefined attribute is left out");
});

test("the cache tells documents apart by text, attributes and nesting", () => {
  // The first renders and caches; the others differ in one detail each and must not get its string.
  assert.equal(both("Sydney").recorded, both("Sydney").direct);
  const perth = both("Perth");
  assert.equal(perth.recorded, perth.direct);
  assert.match(perth.recorded, /caller from Perth/);

  const looped = (loop: number | undefined) => {
    const r = new TwimlResponse();
    r.say({ voice: "Polly.Amy", ...(loop === undefined ? {} : { loop }) }, "Hello.");
    return r.toString();
  };
  assert.doesNotMatch(looped(undefined), /loop=/);
  assert.match(looped(3), /loop="3"/);
  assert.doesNotMatch(looped(undefined), /loop=/, "after a loop=3 document was cached");

  const inside = new TwimlResponse();
  inside.gather({ action: URL }).say({}, "Hello.");
  const after = new TwimlResponse();
  after.gather({ action: URL });
  after.say({}, "Hello.");
  assert.match(inside.toString(), /<Gather [^>]*><Say>Hello.<\/Say><\/Gather>/);
  assert.match(after.toString(), /<Gather [^>]*\/><Say>Hello.<\/Say>/);
});

test("more distinct documents than the cache holds still render correctly", () => {
  for (let i = 0; i < 2_500; i += 1) {
    const r = new TwimlResponse();
    r.say({}, `Caller ${i}.`);
    assert.equal(r.toString(), `<?xml version="1.0" encoding="UTF-8"?><Response><Say>Caller ${i}.</Say></Response>`);
  }
  const first = new TwimlResponse();
  first.say({}, "Caller 0.");
  assert.equal(first.toString(), `<?xml version="1.0" encoding="UTF-8"?><Response><Say>Caller 0.</Say></Response>`);
});
