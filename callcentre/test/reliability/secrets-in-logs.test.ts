// Twilio's REST API failing in every way it can (refused, reset, no answer, 400, 429, 500, 503), the
// real twilio client sending a message, and the error logged through the service's logger at every
// level: no line may carry the auth token, the Basic credentials, an Authorization header, a full
// phone number or the message body. The same through the job worker, which logs each failed attempt.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test, type TestContext } from "node:test";
import Fastify from "fastify";
import { loggerOptions, logSecrets } from "../../src/app.js";
import { describeError } from "../../src/cli/errors.js";
import { createTwilioClient } from "../../src/twilio-client.js";
import { ACCOUNT_SID, sid, signedPost, testApp, testConfig, voiceParams } from "../helpers.js";

const TO = "+61491570100";
const FROM = "+61255501234";
const BODY = "New voicemail from the Smiths about their account";
const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
/** Not a substring of the Account SID (which is in every URL), unlike the other tests' token. */
const AUTH_TOKEN = "fedcba9876543210fedcba9876543210";
const BASIC = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64");

/** What no log line may contain, whatever failed. */
function assertNothingSecret(text: string, what: string): void {
  assert.ok(!text.includes(AUTH_TOKEN), `${what}: the auth token is logged`);
  assert.ok(!text.includes(BASIC), `${what}: the Basic credentials are logged`);
  assert.doesNotMatch(text, /authorization/i, `${what}: an Authorization header is logged`);
  for (const number of [TO, FROM, "+61491570001"]) {
    assert.ok(!text.includes(number.slice(1)), `${what}: ${number} is logged in full`);
  }
  assert.ok(!text.includes("Smiths") && !text.includes("Smiths".replace(" ", "%20")), `${what}: the message body is logged`);
}

async function listen(t: TestContext, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Twilio's error document (docs/twilio-contract.md §8): 21211 quotes the number it refused. */
function twilioError(status: number, code: number, message: string): Server {
  return createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
    });
  });
}

interface FailureMode {
  name: string;
  /** The API's base URL, failing that way. */
  api: (t: TestContext) => Promise<string>;
  /** What the logged error must still say (each pattern somewhere in the line). */
  expect: RegExp[];
}

/** A network error still names the request it was making (method and URL, no credentials). */
const REQUEST = /"method":"POST","url":"http:\/\/127\.0\.0\.1:\d+\/2010-04-01\/Accounts\/AC\w+\/Messages\.json"/;

/** A closed port on loopback (9, discard: nothing listens there), as in testConfig(). */
const REFUSED = "http://127.0.0.1:9";

const MODES: FailureMode[] = [
  { name: "refused", api: async () => REFUSED, expect: [/"code":"ECONNREFUSED"/, REQUEST] },
  { name: "reset", api: (t) => listen(t, createServer((req) => req.socket.destroy())), expect: [/"code":"ECONNRESET"/, REQUEST] },
  { name: "timeout", api: (t) => listen(t, createServer(() => undefined)), expect: [/"code":"ECONNABORTED"/, /timeout of 200ms exceeded/, REQUEST] },
  {
    name: "400",
    api: (t) => listen(t, twilioError(400, 21211, `The 'To' number ${TO} is not a valid phone number.`)),
    expect: [/"status":400/, /"code":21211/, /"moreInfo":"https:\/\/www.twilio.com\/docs\/errors\/21211"/, /The 'To' number \+614\*+100 is not/],
  },
  { name: "429", api: (t) => listen(t, twilioError(429, 20429, "Too Many Requests")), expect: [/"status":429/, /"code":20429/] },
  { name: "500", api: (t) => listen(t, twilioError(500, 20500, "Internal Server Error")), expect: [/"status":500/, /"code":20500/] },
  { name: "503", api: (t) => listen(t, twilioError(503, 20503, "Service Unavailable")), expect: [/"status":503/, /"code":20503/] },
];

for (const mode of MODES) {
  test(`REST failure "${mode.name}": logged at every level without token, Authorization, numbers or body`, async (t) => {
    // Only the timeout case waits out the client's timeout; the others get 10 s, so that a machine busy
    // with other test files cannot turn a reset or an error answer into a timeout.
    const timeoutMs = mode.name === "timeout" ? 200 : 10_000;
    const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, source: "environment" }, await mode.api(t), { timeoutMs });
    const error = await client.messages.create({ to: TO, from: FROM, body: BODY }).then(
      () => assert.fail("the send should fail"),
      (caught: unknown) => caught,
    );
    for (const level of LEVELS) {
      const lines: string[] = [];
      const app = Fastify({ logger: { ...(loggerOptions(level) as object), stream: { write: (line: string) => void lines.push(line) } } });
      const log = app.log.child({ queue: "notification-send" });
      log[level]({ err: error, job: 1 }, "job failed");
      log[level]({ error }, "send failed");
      log[level](error as Error, "send failed");
      await app.close();
      assert.equal(lines.length, 3, `${level}: every call wrote a line`);
      const text = lines.join("");
      assertNothingSecret(text, `${mode.name} at ${level}`);
      for (const line of lines) for (const expected of mode.expect) assert.match(line, expected, `${level}: the line still says what went wrong`);
    }
    // The CLI prints errors on its own (with --verbose, the stack too), to the person who typed the
    // number: never the credentials.
    const printed = describeError(error, { verbose: true, apiBaseUrl: "http://127.0.0.1", secrets: [AUTH_TOKEN] });
    assert.ok(!printed.includes(AUTH_TOKEN) && !printed.includes(BASIC) && !/authorization/i.test(printed), printed);
  });
}

test("the job worker's log of a notice Twilio refused to connect for, on every retry, keeps the secrets out", async (t) => {
  const logLines: string[] = [];
  // The default test API base URL is a closed port on loopback: every attempt is refused.
  const { app } = await testApp(t, {
    logLines,
    config: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, source: "environment" }, twilioApiBaseUrl: REFUSED },
  });
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 1)}`;
  const voicemail = await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", voiceParams(sid("CA", 1), { RecordingUrl: recordingUrl, RecordingDuration: "9" }), AUTH_TOKEN);
  assert.equal(voicemail.statusCode, 200);
  const attempts = await app.workers.drain();
  assert.equal(attempts, 4, "the first attempt and three retries");
  // Each attempt but the last fails the job (pg-boss retries it); the last gives up on the notice.
  const failed = logLines.filter((line) => line.includes('"msg":"job failed"'));
  assert.equal(failed.length, 3, "each retried attempt is logged");
  assert.equal(logLines.filter((line) => line.includes('"msg":"notification not sent"')).length, 4);
  for (const line of failed) assert.match(line, /"level":40.*"err":\{"type":"AxiosError".*"code":"ECONNREFUSED"/);
  assertNothingSecret(logLines.join(""), "job worker");
});

test("the configuration's secrets are scrubbed from any log line, however they got there", async () => {
  const password = 'a "quoted" dashboard password';
  const config = testConfig({
    twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, source: "environment" },
    dashboard: { password, source: "environment" },
    databaseUrl: "postgres://callcentre:db%20secret%21@db.example:5432/callcentre",
  });
  const lines: string[] = [];
  const app = Fastify({ logger: { ...(loggerOptions("info", logSecrets(config)) as object), stream: { write: (line: string) => void lines.push(line) } } });
  app.log.info({ twilio: config.twilio, header: `Basic ${BASIC}`, password, databasePassword: "db secret!" }, `careless ${AUTH_TOKEN}`);
  await app.close();
  const text = lines.join("");
  for (const secret of [AUTH_TOKEN, BASIC, '\\"quoted\\"', "db secret!"]) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  assert.match(text, /"authToken":"\[redacted\]"/);
  assert.match(text, /"msg":"careless \[redacted\]"/);
});
