// <Redirect> (docs/twilio-contract.md §2.8, §1): requests its URL (POST by default, GET on request) with the
// standard parameters; relative URLs resolve against the document; the new document replaces the old
// one, so later verbs are unreachable; an empty <Redirect/> ends the call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { STANDARD_PARAMS, setup, signatureValid, twiml } from "./harness.js";

test("Redirect POSTs the standard parameters to a URL relative to the document; later verbs never run", async (t) => {
  const h = await setup(t, { number: (url) => ({ voiceUrl: `${url}/ivr/start` }) });
  h.stub.twiml("/ivr/start", "<Redirect>../flows/next?from=start</Redirect><Say>Unreachable</Say>");
  h.stub.twiml("/flows/next", "<Say>Arrived</Say>");
  const call = h.call();
  const next = await h.stub.waitFor("/flows/next");
  assert.equal(next.method, "POST");
  assert.equal(next.query.from, "start");
  assert.ok(signatureValid(next));
  for (const name of STANDARD_PARAMS) assert.ok(name in next.params, name);
  assert.equal(next.params.CallSid, call.sid);
  assert.equal(next.params.CallStatus, "in-progress");
  assert.equal(next.params.Digits, undefined, "standard parameters only");
  const redirect = await h.until(call, "redirect");
  assert.equal(redirect.url, `${h.stub.url}/flows/next?from=start`);
  const say = await h.until(call, "say");
  assert.equal(say.text, "Arrived");
  assert.deepEqual(h.events(call, "say").map((e) => e.text), ["Arrived"]);
});

test('Redirect method="GET" sends the parameters in the query string', async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Redirect method="GET">/again</Redirect>');
  h.stub.twiml("/again", "<Hangup/>");
  const call = h.call();
  const again = await h.stub.waitFor("/again");
  assert.equal(again.method, "GET");
  assert.equal(again.query.CallSid, call.sid);
  assert.equal(again.query.From, call.from);
  assert.equal(again.headers["content-type"], undefined);
  assert.ok(signatureValid(again));
  await h.ended(call);
});

test("a Redirect loop keeps running documents, each replacing the last", async (t) => {
  const h = await setup(t);
  let round = 0;
  h.stub.route("/voice", () => twiml(++round < 3 ? "<Redirect>/voice</Redirect>" : "<Say>Third time</Say>"));
  const call = h.call();
  await h.until(call, "say");
  assert.equal(h.stub.to("/voice").length, 3);
  assert.deepEqual(h.stub.to("/voice").map((r) => r.params.CallStatus), ["ringing", "in-progress", "in-progress"]);
});

test("an empty Redirect ends the call", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Redirect/><Say>Unreachable</Say>");
  const call = h.call();
  await h.ended(call);
  assert.equal(call.status, "completed");
  assert.deepEqual(h.events(call, "say"), []);
  await h.idle();
  assert.deepEqual(h.stub.requests.map((r) => r.path), ["/voice", "/status"]);
});
