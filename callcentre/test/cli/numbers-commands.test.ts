import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tunnel } from "../../src/cli/tunnel.js";
import { ACCOUNT_SID, fakeTwilioRest } from "./fake-twilio-rest.js";
import { OUR_NUMBER, PUBLIC_BASE_URL, requestsTo, run } from "./cli-harness.js";

test("numbers configure: points TWILIO_PHONE_NUMBER at the app and prints before and after", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addNumber("+61255509999");
  const number = api.addNumber(OUR_NUMBER, { voiceUrl: "https://old.example/answer", voiceMethod: "GET" });
  const result = await run(api, ["numbers", "configure"]);
  assert.equal(result.code, 0, result.stderr);

  const [lookup] = requestsTo(api, "GET", "IncomingPhoneNumbers.json");
  assert.equal(lookup?.query.get("PhoneNumber"), OUR_NUMBER);
  const [update] = api.requests.filter((r) => r.method === "POST");
  assert.equal(update?.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers/${number.sid}.json`);
  assert.deepEqual(Object.fromEntries(update?.form ?? []), {
    VoiceUrl: `${PUBLIC_BASE_URL}/twilio/voice/incoming`,
    VoiceMethod: "POST",
    StatusCallback: `${PUBLIC_BASE_URL}/twilio/voice/status`,
    StatusCallbackMethod: "POST",
    SmsUrl: `${PUBLIC_BASE_URL}/twilio/sms/incoming`,
    SmsMethod: "POST",
  });
  assert.equal(
    result.stdout,
    [
      `${OUR_NUMBER} (${number.sid})`,
      "Before:",
      "  voice:           GET https://old.example/answer",
      "  status callback: -",
      "  sms:             -",
      "After:",
      `  voice:           POST ${PUBLIC_BASE_URL}/twilio/voice/incoming`,
      `  status callback: POST ${PUBLIC_BASE_URL}/twilio/voice/status`,
      `  sms:             POST ${PUBLIC_BASE_URL}/twilio/sms/incoming`,
      "",
    ].join("\n"),
  );
  assert.equal(api.numbers.get(number.sid)?.smsUrl, `${PUBLIC_BASE_URL}/twilio/sms/incoming`);
});

test("numbers configure --number: another of the account's numbers; one it does not have is an error", async (t) => {
  const api = await fakeTwilioRest(t);
  const other = api.addNumber("+61255509999");
  const ok = await run(api, ["numbers", "configure", "--number", "+61255509999"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(api.numbers.get(other.sid)?.voiceUrl, `${PUBLIC_BASE_URL}/twilio/voice/incoming`);

  const missing = await run(api, ["numbers", "configure", "--number", "+61255500000"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `Error: +61255500000 is not a number of the account ${ACCOUNT_SID}\n`);
  const bad = await run(api, ["numbers", "configure", "--number", "02 5550 0000"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: --number must be an E.164 number such as \+61491570156: got '02 5550 0000' \(only \+ and digits/);
});

test("numbers configure with real Twilio and a localhost PUBLIC_BASE_URL warns that Twilio cannot reach it", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addNumber(OUR_NUMBER);
  // Real Twilio's base URL, with the client pointed at the fake anyway.
  const { createTwilioClient } = await import("../../src/twilio-client.js");
  const result = await run(api, ["numbers", "configure"], {
    env: { PUBLIC_BASE_URL: undefined, TWILIO_API_BASE_URL: undefined },
    deps: { createClient: (config) => createTwilioClient(config.twilio, api.url) },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^Warning: PUBLIC_BASE_URL is http:\/\/localhost:3000, which Twilio cannot reach/);
});

test("numbers list: each number with its webhooks", async (t) => {
  const api = await fakeTwilioRest(t);
  const a = api.addNumber(OUR_NUMBER, { voiceUrl: "https://a.example/voice", smsUrl: "https://a.example/sms", smsMethod: "GET" });
  const b = api.addNumber("+61255509999");
  const result = await run(api, ["numbers", "list"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      `${OUR_NUMBER}  ${a.sid}  ${OUR_NUMBER}`,
      "  voice:           POST https://a.example/voice",
      "  status callback: -",
      "  sms:             GET https://a.example/sms",
      "",
      `+61255509999  ${b.sid}  +61255509999`,
      "  voice:           -",
      "  status callback: -",
      "  sms:             -",
      "",
    ].join("\n"),
  );
  const json = await run(api, ["numbers", "list", "--json"]);
  assert.deepEqual((JSON.parse(json.stdout) as { phoneNumber: string }[]).map((n) => n.phoneNumber), [OUR_NUMBER, "+61255509999"]);
});

test("--tunnel without NGROK_AUTHTOKEN fails with what to do, before any request", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addNumber(OUR_NUMBER);
  const result = await run(api, ["--tunnel", "numbers", "configure"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: --tunnel needs NGROK_AUTHTOKEN: set it to your ngrok authtoken/);
  assert.equal(api.requests.length, 0);
});

test("--tunnel: configures the number with the tunnel's URL, prints it, and keeps it open until interrupted", async (t) => {
  const api = await fakeTwilioRest(t);
  const number = api.addNumber(OUR_NUMBER);
  const events: string[] = [];
  const tunnel: Tunnel = { url: "https://abc123.ngrok.app", close: async () => void events.push("closed") };
  const result = await run(api, ["numbers", "configure", "--tunnel"], {
    env: { NGROK_AUTHTOKEN: "ngrok-token-for-tests" },
    deps: {
      openTunnel: async (addr) => {
        events.push(`open ${addr}`);
        return tunnel;
      },
      untilInterrupted: async () => {
        events.push(`waiting, voice url ${api.numbers.get(number.sid)?.voiceUrl}`);
      },
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(events, ["open 127.0.0.1:3000", "waiting, voice url https://abc123.ngrok.app/twilio/voice/incoming", "closed"]);
  assert.match(result.stdout, /^Tunnel: https:\/\/abc123\.ngrok\.app -> 127\.0\.0\.1:3000\n/);
  assert.match(result.stdout, /The tunnel stays open until Ctrl-C\.\n$/);
  assert.match(result.stderr, /start it with PUBLIC_BASE_URL=https:\/\/abc123\.ngrok\.app/);
  assert.equal(api.numbers.get(number.sid)?.statusCallback, "https://abc123.ngrok.app/twilio/voice/status");
});

test("--tunnel: the tunnel is closed when configuring fails", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addNumber(OUR_NUMBER);
  let closed = false;
  const result = await run(api, ["--tunnel", "numbers", "configure"], {
    env: { NGROK_AUTHTOKEN: "ngrok-token-for-tests", PORT: "3100" },
    deps: {
      openTunnel: async (addr) => {
        assert.equal(addr, "127.0.0.1:3100");
        api.failNext(400, 21402, "VoiceUrl is not valid");
        return { url: "https://abc123.ngrok.app", close: async () => void (closed = true) };
      },
    },
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Error 21402: VoiceUrl is not valid/);
  assert.ok(closed);
});
