import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_SID, AUTH_TOKEN, fakeTwilioRest } from "./fake-twilio-rest.js";
import { OUR_NUMBER, requestsTo, run } from "./cli-harness.js";

const TO = "+61491570156";
const basicAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;

test("sms send: posts To, From (TWILIO_PHONE_NUMBER) and Body with Basic auth, prints only the SID", async (t) => {
  const api = await fakeTwilioRest(t);
  const result = await run(api, ["sms", "send", "--to", TO, "--body", "Your callback is booked"]);
  assert.equal(result.code, 0, result.stderr);
  const [post] = requestsTo(api, "POST", "Messages.json");
  assert.ok(post);
  assert.equal(post.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  assert.equal(post.authorization, basicAuth);
  assert.deepEqual(Object.fromEntries(post.form), { To: TO, From: OUR_NUMBER, Body: "Your callback is booked" });
  const [sent] = api.messages.values();
  assert.equal(result.stdout, `${sent?.sid}\n`);
  assert.equal(result.stderr, "");
  assert.equal(api.requests.length, 1, "nothing but the create");
});

test("sms send --from is sent as given", async (t) => {
  const api = await fakeTwilioRest(t);
  const result = await run(api, ["sms", "send", "--to", TO, "--from", "+61255509999", "--body", "hi"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(requestsTo(api, "POST", "Messages.json")[0]?.form.get("From"), "+61255509999");
});

test("sms send without TWILIO_PHONE_NUMBER: sends from the account's only number", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addNumber("+61255500001");
  const result = await run(api, ["sms", "send", "--to", TO, "--body", "hi"], { env: { TWILIO_PHONE_NUMBER: undefined } });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(requestsTo(api, "POST", "Messages.json")[0]?.form.get("From"), "+61255500001");
});

test("sms send without TWILIO_PHONE_NUMBER: several numbers or none is an error that says how to choose", async (t) => {
  const api = await fakeTwilioRest(t);
  const none = await run(api, ["sms", "send", "--to", TO, "--body", "hi"], { env: { TWILIO_PHONE_NUMBER: undefined } });
  assert.equal(none.code, 1);
  assert.equal(none.stderr, `Error: the account ${ACCOUNT_SID} has no phone numbers: pass --from or set TWILIO_PHONE_NUMBER\n`);
  api.addNumber("+61255500001");
  api.addNumber("+61255500002");
  const several = await run(api, ["sms", "send", "--to", TO, "--body", "hi"], { env: { TWILIO_PHONE_NUMBER: undefined } });
  assert.equal(several.code, 1);
  assert.equal(several.stderr, "Error: the account has several phone numbers (+61255500001, +61255500002): pass --from or set TWILIO_PHONE_NUMBER\n");
  assert.equal(requestsTo(api, "POST", "Messages.json").length, 0);
});

test("sms send rejects invalid numbers before any request, saying why", async (t) => {
  const api = await fakeTwilioRest(t);
  const cases: [string[], string][] = [
    [["--to", "0491570156"], "--to must be an E.164 number such as +61491570156: got '0491570156' (missing the + and country code)"],
    [["--to", "61491570156"], "--to must be an E.164 number such as +61491570156: got '61491570156' (missing the leading +)"],
    [["--to", TO, "--from", "+0255501234"], "--from must be an E.164 number such as +61491570156: got '+0255501234' (a country code never starts with 0)"],
  ];
  for (const [args, message] of cases) {
    const result = await run(api, ["sms", "send", ...args, "--body", "hi"]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Error: ${message}\n`);
    assert.equal(result.stdout, "");
  }
  assert.equal(api.requests.length, 0);
});

test("sms send: an empty or over-long body is rejected before any request", async (t) => {
  const api = await fakeTwilioRest(t);
  const empty = await run(api, ["sms", "send", "--to", TO, "--body", ""]);
  assert.equal(empty.code, 1);
  assert.equal(empty.stderr, "Error: --body must not be empty\n");
  const long = await run(api, ["sms", "send", "--to", TO, "--body", "x".repeat(1601)]);
  assert.equal(long.code, 1);
  assert.equal(long.stderr, "Error: --body must be at most 1600 characters: got 1601\n");
  assert.equal(api.requests.length, 0);
});

test("sms send: a body of more than one segment is sent with a warning on stderr (GSM-7 and UCS-2)", async (t) => {
  const api = await fakeTwilioRest(t);
  const single = await run(api, ["sms", "send", "--to", TO, "--body", "x".repeat(160)]);
  assert.equal(single.stderr, "");
  const gsm = await run(api, ["sms", "send", "--to", TO, "--body", "x".repeat(161)]);
  assert.equal(gsm.code, 0);
  assert.equal(gsm.stderr, "Warning: the body is 161 GSM-7 units, sent as 2 segments of up to 153 (each billed as one SMS)\n");
  assert.match(gsm.stdout, /^SM[0-9a-f]{32}\n$/);
  const ucs2 = await run(api, ["sms", "send", "--to", TO, "--body", "Здравствуйте! ".repeat(6)]);
  assert.equal(ucs2.code, 0);
  assert.equal(ucs2.stderr, "Warning: the body is 84 UCS-2 units, sent as 2 segments of up to 67 (each billed as one SMS)\n");
  assert.equal(requestsTo(api, "POST", "Messages.json").length, 3, "the warning does not stop the send");
});

test("sms send: Twilio's error is printed with its code and link, exit code 1, no stack, no token", async (t) => {
  const api = await fakeTwilioRest(t);
  api.failNext(400, 21610, "Attempt to send to unsubscribed recipient");
  const result = await run(api, ["sms", "send", "--to", TO, "--body", "hi"]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr, "Error 21610: Attempt to send to unsubscribed recipient (https://www.twilio.com/docs/errors/21610)\n");

  api.failNext(400, 21610, "Attempt to send to unsubscribed recipient");
  const verbose = await run(api, ["--verbose", "sms", "send", "--to", TO, "--body", "hi"]);
  assert.equal(verbose.code, 1);
  assert.match(verbose.stderr, /^Error 21610: .*\n.*\n\s+at /);
  assert.doesNotMatch(verbose.stderr, new RegExp(AUTH_TOKEN));
});

test("sms get: the message as aligned key: value lines", async (t) => {
  const api = await fakeTwilioRest(t);
  const message = api.addMessage({
    status: "undelivered",
    errorCode: 30003,
    errorMessage: "Unreachable destination handset",
    numSegments: 2,
    body: "Line one\nLine two",
  });
  const result = await run(api, ["sms", "get", message.sid]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      `sid:           ${message.sid}`,
      "status:        undelivered",
      "direction:     outbound-api",
      "from:          +61255501234",
      "to:            +61491570156",
      "date sent:     2026-11-24T01:00:01Z",
      "segments:      2",
      "error code:    30003",
      "error message: Unreachable destination handset",
      "body:          Line one",
      "               Line two",
      "",
    ].join("\n"),
  );
  assert.equal(api.requests[0]?.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}.json`);
});

test("sms get --json prints the client's toJSON()", async (t) => {
  const api = await fakeTwilioRest(t);
  const message = api.addMessage();
  const result = await run(api, ["sms", "get", message.sid, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.equal(json.sid, message.sid);
  assert.equal(json.body, "Hello");
  assert.equal(json.numSegments, "1");
  assert.equal(json.dateSent, "2026-11-24T01:00:01.000Z");
});

test("sms get: a malformed SID is refused locally; an unknown one is Twilio's 20404", async (t) => {
  const api = await fakeTwilioRest(t);
  const bad = await run(api, ["sms", "get", "SM123"]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "Error: the message SID must be SM or MM followed by 32 hexadecimal digits: got 'SM123'\n");
  assert.equal(api.requests.length, 0);
  const unknown = await run(api, ["sms", "get", `SM${"f".repeat(32)}`]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Error 20404: The requested resource .* was not found \(https:\/\/www\.twilio\.com\/docs\/errors\/20404\)\n$/);
});

test("sms list: filters and limit go as To, From and PageSize; a table with the body cut to fit", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addMessage({ body: "older" });
  api.addMessage({ body: `A long message that will not fit in the table ${"and more ".repeat(10)}`, dateSent: null, status: "queued" });
  const result = await run(api, ["sms", "list", "--to", "+61491570156", "--from", OUR_NUMBER, "--limit", "5"]);
  assert.equal(result.code, 0, result.stderr);
  const [get] = requestsTo(api, "GET", "Messages.json");
  assert.equal(get?.query.get("To"), "+61491570156");
  assert.equal(get?.query.get("From"), OUR_NUMBER);
  assert.equal(get?.query.get("PageSize"), "5");
  const lines = result.stdout.trimEnd().split("\n");
  assert.deepEqual(lines.slice(0, 1), ["DATE SENT             DIRECTION     STATUS     FROM          TO            BODY"]);
  assert.equal(lines[1], "-                     outbound-api  queued     +61255501234  +61491570156  A long message that will…");
  assert.equal(lines[2], "2026-11-24T01:00:01Z  outbound-api  delivered  +61255501234  +61491570156  older");
  assert.ok(lines.every((line) => [...line].length <= 100));
});

test("sms list: default limit 20, at most 1000; --json prints an array", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addMessage();
  const json = await run(api, ["sms", "list", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(requestsTo(api, "GET", "Messages.json")[0]?.query.get("PageSize"), "20");
  assert.equal((JSON.parse(json.stdout) as unknown[]).length, 1);
  const tooMany = await run(api, ["sms", "list", "--limit", "1001"]);
  assert.equal(tooMany.code, 1);
  assert.equal(tooMany.stderr, "Error: --limit must be a whole number from 1 to 1000: got '1001'\n");
  const badTo = await run(api, ["sms", "list", "--to", "+61 491 570 156"]);
  assert.equal(badTo.code, 1);
  assert.match(badTo.stderr, /remove spaces/);
  assert.equal(api.requests.length, 1);
});
