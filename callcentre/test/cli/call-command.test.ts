import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_SID, fakeTwilioRest } from "./fake-twilio-rest.js";
import { OUR_NUMBER, PUBLIC_BASE_URL, requestsTo, run } from "./cli-harness.js";

test("call: Url is the flow's entry, StatusCallback gets every progress event; prints the call SID", async (t) => {
  const api = await fakeTwilioRest(t);
  const result = await run(api, ["call", "+61491570156"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^CA[0-9a-f]{32}\n$/);
  assert.equal(result.stderr, "");
  const [post] = requestsTo(api, "POST", "Calls.json");
  assert.equal(post?.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
  assert.equal(post?.form.get("To"), "+61491570156");
  assert.equal(post?.form.get("From"), OUR_NUMBER);
  assert.equal(post?.form.get("Url"), `${PUBLIC_BASE_URL}/twilio/voice/incoming`);
  assert.equal(post?.form.get("Method"), "POST");
  assert.equal(post?.form.get("StatusCallback"), `${PUBLIC_BASE_URL}/twilio/voice/status`);
  assert.equal(post?.form.get("StatusCallbackMethod"), "POST");
  assert.deepEqual(post?.form.getAll("StatusCallbackEvent"), ["initiated", "ringing", "answered", "completed"]);
});

test("call --from is the caller ID; a bad number is refused before any request", async (t) => {
  const api = await fakeTwilioRest(t);
  const ok = await run(api, ["call", "+61491570156", "--from", "+61255509999"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(requestsTo(api, "POST", "Calls.json")[0]?.form.get("From"), "+61255509999");
  const bad = await run(api, ["call", "+614915"]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "Error: <to> must be an E.164 number such as +61491570156: got '+614915' (too short: 6 digits, E.164 has 7 to 15)\n");
  assert.equal(api.requests.length, 1);
});

test("call with a Twilio error: code, link and exit code 1", async (t) => {
  const api = await fakeTwilioRest(t);
  api.failNext(400, 21210, "The source phone number provided, +61255501234, is not yet verified for your account.");
  const result = await run(api, ["call", "+61491570156"]);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "Error 21210: The source phone number provided, +61255501234, is not yet verified for your account. (https://www.twilio.com/docs/errors/21210)\n",
  );
});
