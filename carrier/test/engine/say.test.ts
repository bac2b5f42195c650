// <Say> (docs/twilio-contract.md §2.1): no request, the text is spoken with its voice, language and loop,
// and speaking takes clock time — a <Gather>'s timeout starts only after its nested <Say>.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hangupByHandset } from "../../src/calls/placement.js";
import { sayMs } from "../../src/verbs/media.js";
import { elapsed, setup } from "./harness.js";

test("Say records text, voice, language and loop, and speaks for loop × its speaking time", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Say voice="Polly.Amy" language="en-GB" loop="2">Hello there, welcome.</Say><Say>Next</Say>');
  const call = h.call();
  const first = await h.until(call, "say");
  assert.equal(first.text, "Hello there, welcome.");
  assert.equal(first.voice, "Polly.Amy");
  assert.equal(first.language, "en-GB");
  assert.equal(first.loop, 2);
  assert.equal(elapsed(first), 0);
  await h.settled(call);

  const speaking = sayMs("Hello there, welcome.") * 2;
  await h.advance(speaking - 1);
  assert.equal(h.events(call, "say").length, 1, "the first Say is still speaking");
  await h.advance(1);
  const second = await h.until(call, "say", undefined, 2);
  assert.equal(elapsed(second), speaking);
  assert.equal(second.text, "Next");
  assert.equal(second.voice, "man", "default voice");
  assert.equal(second.language, "en-US", "default language");
  assert.equal(second.loop, 1, "default loop");

  await h.advance(sayMs("Next"));
  await h.ended(call);
  assert.equal(call.status, "completed");
});

test("Say makes no request of its own", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Say>One</Say><Say>Two</Say>");
  const call = h.call();
  await h.settled(call);
  await h.advance(60_000);
  await h.ended(call);
  await h.idle();
  assert.deepEqual(
    h.stub.requests.map((r) => r.path),
    ["/voice", "/status"],
    "only the document and the completed status callback",
  );
});

test('Say loop="0" repeats until hangup, capped at 1,000 iterations', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Say loop="0">Hold on</Say>');
  const call = h.call();
  const say = await h.until(call, "say");
  assert.equal(say.loop, 1000);
  await h.settled(call);
  await h.advance(sayMs("Hold on") * 1000 - 1);
  assert.equal(call.isEnded, false, "still repeating");
  await h.advance(1);
  await h.ended(call);
  assert.equal(call.status, "completed");
});

test("Say as the first verb answers the call", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Say>Hi</Say>");
  const call = h.call();
  await h.until(call, "say");
  assert.equal(call.status, "in-progress");
  assert.deepEqual(h.statuses(call), ["ringing", "in-progress"]);
});

test("a Gather's timeout starts after its nested Say has finished", async (t) => {
  const h = await setup(t);
  const prompt = "Please enter your account number followed by the pound key.";
  h.stub.twiml("/voice", `<Gather timeout="3"><Say>${prompt}</Say></Gather><Say>We did not get that.</Say>`);
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(sayMs(prompt) + 3000 - 1);
  assert.equal(h.events(call, "gather.timeout").length, 0, "the 3 s timeout counts from the end of the prompt");
  await h.advance(1);
  const timeout = await h.until(call, "gather.timeout");
  assert.equal(elapsed(timeout), sayMs(prompt) + 3000);
  const fallThrough = await h.until(call, "say", (e) => e.text === "We did not get that.");
  assert.equal(elapsed(fallThrough), sayMs(prompt) + 3000);
});

test("the caller hanging up during a Say stops the document: later verbs never run", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Say>This is a rather long announcement.</Say><Say>Never heard</Say>");
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(500);
  assert.equal(hangupByHandset(h.engine, call), true);
  await h.ended(call);
  await h.advance(60_000);
  assert.deepEqual(
    h.events(call, "say").map((e) => e.text),
    ["This is a rather long announcement."],
  );
  assert.equal(call.status, "completed");
});
