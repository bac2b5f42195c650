// Twilio's REST API unreachable, then answering 503, then 429: every piece of outbound work (a daily
// forecast, a voicemail notice, a late reply to a text) waits and is retried, and each message goes
// exactly once when Twilio recovers. The API is a local stand-in behind a TCP proxy the test takes down.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import type { AppDependencies } from "../../src/app.js";
import { QUEUES } from "../../src/jobs/jobs.js";
import { nextOccurrence } from "../../src/sms/schedule.js";
import { ACCOUNT_SID, fakeTwilioApi, fixedClock, OPEN_TIME, sid, signedPost, testApp, testConfig, voiceParams } from "../helpers.js";
import { startOpenMeteoFixture } from "@callcentre/testkit";
import { TcpProxy } from "./tcp-proxy.js";

const CENTRE = "+61255501234";
const SUBSCRIBER = "+61491570156";
const TEXTER = "+61491570157";
const ON_CALL = "+61491570100"; // general-voicemail's notify number in the shipped flow
const SYDNEY = { placeName: "Sydney", placeLabel: "Sydney, New South Wales, AU", latitude: -33.86785, longitude: 151.20732, timezone: "Australia/Sydney" };

/** One of each kind of outbound work, queued while Twilio is fine; nothing has been sent yet. */
async function outboundWork(policies: NonNullable<AppDependencies["jobs"]>["policies"], t: TestContext) {
  const weather = await startOpenMeteoFixture(t);
  const api = await fakeTwilioApi(t);
  const target = new URL(api.url);
  const proxy = await TcpProxy.start(target.hostname, Number(target.port));
  t.after(() => proxy.close());
  const { app, db } = await testApp(t, {
    clock: fixedClock(OPEN_TIME),
    policies,
    config: {
      twilioApiBaseUrl: `http://${proxy.address.host}:${proxy.address.port}`,
      weather: { geocodingUrl: weather.geocodingUrl, forecastUrl: weather.forecastUrl, timeoutMs: 2_000 },
      sms: { ...testConfig().sms, replyBudgetMs: 20 },
    },
  });
  // A daily forecast due now.
  await app.repositories.subscriptions.upsert({ number: SUBSCRIBER, fromNumber: CENTRE, ...SYDNEY, sendTime: "07:00", nextSendAt: nextOccurrence("07:00", SYDNEY.timezone, OPEN_TIME) }, OPEN_TIME);
  assert.equal((await app.forecasts.broadcast()).queued, 1);
  // A voicemail, whose notice goes to the on-call number.
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 1)}`;
  const voicemail = await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", voiceParams(sid("CA", 1), { RecordingUrl: recordingUrl, RecordingDuration: "9" }));
  assert.equal(voicemail.statusCode, 200);
  // A text whose forecast was slower than the webhook's budget: the reply is left to a job.
  const hold = weather.delay(undefined, "forecast");
  const text = await signedPost(app, "/twilio/sms/incoming", {
    MessageSid: sid("SM", 0x77),
    AccountSid: ACCOUNT_SID,
    From: TEXTER,
    To: CENTRE,
    Body: "weather Sydney",
    NumMedia: "0",
    ApiVersion: "2010-04-01",
  });
  assert.equal(text.statusCode, 200);
  hold.release();
  return { app, db, api, proxy };
}

/** The jobs table of the app's pg-boss schema. */
const jobsTable = (db: { schema?: string }) => `${db.schema ? `${db.schema}_jobs` : "pgboss"}.job`;

test("Twilio unreachable, then 503, then 429: all outbound work is retried and sent exactly once", async (t) => {
  // Retries an hour apart, brought forward by the test: each phase is exactly one attempt at each job,
  // however long an attempt takes (while Twilio answers 429 the client backs off for up to 1.4 s itself,
  // and a drain would run a retry that fell due meanwhile: with 1 s delays it could use up the retries).
  const policy = { retryLimit: 10, retryDelay: 3600, retryBackoff: false };
  const { app, db, api, proxy } = await outboundWork({ "forecast-send": policy, "notification-send": policy, "sms-reply": policy }, t);
  const attemptEach = async (what: string) => {
    await db.query(`update ${jobsTable(db)} set start_after = now() where state = 'retry'`);
    assert.equal(await app.workers.drain(), 3, `${what}: one attempt each`);
  };

  await proxy.down();
  await attemptEach("an attempt each while Twilio is unreachable");
  assert.equal(api.requests.length, 0, "nothing reached Twilio");

  await proxy.up();
  api.fail(503, 20500, "Service Unavailable");
  await attemptEach("an attempt each while Twilio answers 503");
  assert.equal(api.requests.filter((r) => r.method === "POST").length, 3);

  api.fail(429, 20429, "Too Many Requests");
  const postsBefore429 = api.requests.filter((r) => r.method === "POST").length;
  await attemptEach("an attempt each while Twilio answers 429");
  assert.equal(api.created.length, 0, "nothing accepted yet");
  assert.equal(api.requests.filter((r) => r.method === "POST").length - postsBefore429, 3 * 4, "the client retried each 429 three times itself");

  // Nothing was given up on: each piece of work is still waiting for its next attempt.
  const [delivery] = await db.query<{ status: string }>("select status from forecast_deliveries");
  assert.equal(delivery?.status, "queued");
  const [notice] = await app.repositories.notifications.forSubject(sid("RE", 1));
  assert.notEqual(notice?.status, "failed");

  api.fail(429, 20429, "Too Many Requests", 0);
  await attemptEach("the attempts after Twilio recovers");
  assert.deepEqual(
    api.created.map((m) => m.to).sort(),
    [ON_CALL, SUBSCRIBER, TEXTER].sort(),
    "each message once",
  );
  assert.match(String(api.created.find((m) => m.to === SUBSCRIBER)?.body), /^Sydney today:/);
  assert.match(String(api.created.find((m) => m.to === ON_CALL)?.body), /^New voicemail/);
  assert.match(String(api.created.find((m) => m.to === TEXTER)?.body), /^Sydney today:/);

  // Finished: further runs send nothing more.
  assert.equal(await app.workers.drain(), 0);
  assert.equal(api.created.length, 3);
  const [sent] = await db.query<{ status: string; attempts: number }>("select status, attempts from forecast_deliveries");
  assert.equal(sent?.status, "sent");
  assert.equal(sent?.attempts, 4, "an attempt in each phase");
  assert.equal((await app.repositories.notifications.forSubject(sid("RE", 1)))[0]?.status, "sent");
});

test("retries back off: the shipped policy waits 30-60 s, then 60-120 s, before trying again", async (t) => {
  // The shipped policies, not the tests' immediate retries.
  const { app, db, proxy } = await outboundWork({}, t);
  await proxy.down();
  const delays = async () =>
    db.query<{ name: string; retryCount: number; seconds: number }>(
      `select name, retry_count as "retryCount", extract(epoch from start_after - now())::float8 as seconds
       from ${jobsTable(db)} where name = $1 and state = 'retry'`,
      [QUEUES.forecastSend],
    );
  await app.workers.drain();
  const [first] = await delays();
  assert.equal(first?.retryCount, 0, "pg-boss counts a retry when it starts");
  assert.ok(first && first.seconds > 25 && first.seconds <= 60, `first retry in ${first?.seconds} s`);
  // As if that time had passed: the second failure doubles the wait.
  await db.query(`update ${jobsTable(db)} set start_after = now() where name = $1 and state = 'retry'`, [QUEUES.forecastSend]);
  await app.workers.drain();
  const [second] = await delays();
  assert.equal(second?.retryCount, 1);
  assert.ok(second && second.seconds > 55 && second.seconds <= 120, `second retry in ${second?.seconds} s`);
});
