import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import type { Config } from "../../src/config.js";
import type { Clock } from "../../src/lib/clock.js";
import { isGsm7 } from "../../src/weather/gsm7.js";
import { ACCOUNT_SID, BASE_URL, fakeTwilioApi, OPEN_TIME, sid, signedPost, testApp, testConfig } from "../helpers.js";
import { startOpenMeteoFixture } from "@callcentre/testkit";

const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const CENTRE = "+61255501234";
const ALICE = "+61491570156";
const SYDNEY_FORECAST = "Sydney today: Light showers, 16 to 21C, rain 80%, wind 25km/h. Tmrw: Partly cloudy, 12 to 19C. Reply HELP for help, STOP to end.";

let messageCount = 0;
function inbound(body: string, extra: Record<string, string> = {}) {
  messageCount += 1;
  return {
    MessageSid: sid("SM", 0x5000 + messageCount),
    SmsSid: sid("SM", 0x5000 + messageCount),
    SmsMessageSid: sid("SM", 0x5000 + messageCount),
    AccountSid: ACCOUNT_SID,
    From: ALICE,
    To: CENTRE,
    Body: body,
    NumMedia: "0",
    NumSegments: "1",
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
    FromCountry: "AU",
    ToCountry: "AU",
    ...extra,
  };
}

/** A clock the test moves by hand. */
function handClock(start: Date) {
  let now = start.getTime();
  const clock: Clock = () => new Date(now);
  return { clock, advance: (ms: number) => (now += ms) };
}

async function smsApp(t: TestContext, options: { config?: Partial<Config>; clock?: Clock; weatherTimeoutMs?: number } = {}) {
  const weather = await startOpenMeteoFixture(t);
  const api = await fakeTwilioApi(t);
  const base = testConfig();
  const { app, db } = await testApp(t, {
    clock: options.clock ?? (() => new Date(OPEN_TIME)),
    config: {
      twilioApiBaseUrl: api.url,
      weather: { geocodingUrl: weather.geocodingUrl, forecastUrl: weather.forecastUrl, timeoutMs: options.weatherTimeoutMs ?? 2_000 },
      ...options.config,
      sms: { ...base.sms, ...options.config?.sms },
    },
  });
  const text = (body: string, extra?: Record<string, string>) => signedPost(app, "/twilio/sms/incoming", inbound(body, extra));
  /** The body of the TwiML reply, or undefined for an empty <Response/>. */
  const replyTo = async (body: string, extra?: Record<string, string>) => {
    const res = await text(body, extra);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers["content-type"]), /^text\/xml/);
    if (res.body === `${XML}<Response/>`) return undefined;
    const match = /^<\?xml[^>]*\?><Response><Message statusCallback="[^"]+">([^<]*)<\/Message><\/Response>$/.exec(res.body);
    assert.ok(match, `unexpected TwiML: ${res.body}`);
    return match[1]?.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  };
  return { app, db, weather, api, text, replyTo };
}

test("WEATHER Sydney is answered in the webhook with a one-segment forecast, and both messages are stored", async (t) => {
  const { app, text } = await smsApp(t);
  const params = inbound("weather sydney");
  const res = await signedPost(app, "/twilio/sms/incoming", params);
  assert.equal(res.statusCode, 200);
  const match = /<Message statusCallback="https:\/\/callcentre\.example\.test\/twilio\/sms\/status\?reply=(\d+)">([^<]+)<\/Message>/.exec(res.body);
  assert.ok(match, res.body);
  assert.equal(match[2], SYDNEY_FORECAST);
  assert.ok(isGsm7(SYDNEY_FORECAST) && SYDNEY_FORECAST.length <= 160);

  const conversation = await app.repositories.messages.conversation(ALICE);
  assert.deepEqual(
    conversation.map((m) => [m.direction, m.kind, m.status, m.sid]),
    [
      ["inbound", "weather", "received", params.MessageSid],
      ["outbound-reply", "weather", "queued", null],
    ],
  );

  // The reply's status callbacks name its SID and move it forward only.
  const replySid = sid("SM", 0xabc);
  const status = (s: string) =>
    signedPost(app, `/twilio/sms/status?reply=${match[1]}`, { MessageSid: replySid, SmsSid: replySid, AccountSid: ACCOUNT_SID, From: CENTRE, To: ALICE, MessageStatus: s, SmsStatus: s, ApiVersion: "2010-04-01" });
  assert.equal((await status("sent")).statusCode, 204);
  assert.equal((await status("delivered")).statusCode, 204);
  assert.equal((await status("sent")).statusCode, 204, "a late callback is acknowledged");
  const reply = await app.repositories.messages.bySid(replySid);
  assert.equal(reply?.status, "delivered");
  assert.equal(reply?.body, SYDNEY_FORECAST);

  // Twilio repeating the same inbound webhook gets no second reply and stores nothing new.
  const again = await signedPost(app, "/twilio/sms/incoming", params);
  assert.equal(again.body, `${XML}<Response/>`);
  assert.equal((await app.repositories.messages.conversation(ALICE)).length, 2);
  void text;
});

test("a bare place name is a forecast request; the place is geocoded once and then cached", async (t) => {
  const { replyTo, weather } = await smsApp(t);
  assert.equal(await replyTo("Sydney"), SYDNEY_FORECAST);
  assert.equal(await replyTo("  SYDNEY  "), SYDNEY_FORECAST);
  assert.equal(weather.requests.filter((r) => r.api === "geocoding").length, 1);
});

test("an ambiguous place offers the top matches; a reply of 2 picks the second", async (t) => {
  const { replyTo, app } = await smsApp(t);
  const offer = await replyTo("weather Springfield");
  assert.match(offer ?? "", /^Which Springfield\? Reply 1, 2 or 3: 1\) Springfield, [^2]+ 2\) Springfield, [^3]+ 3\) Springfield, /);
  assert.ok((offer ?? "").length <= 160 && isGsm7(offer ?? ""));
  const second = /2\) Springfield, ([A-Za-z ]+),/.exec(offer ?? "")?.[1];
  const forecast = await replyTo("2");
  assert.match(forecast ?? "", /^Springfield today: /);
  assert.equal((await app.repositories.contacts.get(ALICE))?.pendingChoice, null, "the choice is used up");
  assert.ok(second);
  // With no choice waiting, a digit is a message for an agent.
  assert.match((await replyTo("2")) ?? "", /no choice waiting/);
});

test("a choice answered while the forecast is slow or down is not lost", async (t) => {
  const { replyTo, weather, api, app } = await smsApp(t, { config: { sms: { replyBudgetMs: 50, messagesPerSecond: 1_000, keywordReplies: "twilio", sendLeaseMs: 120_000 } } });
  const hold = weather.delay(undefined, "geocoding");
  assert.equal(await replyTo("weather Springfield"), undefined, "the offer outlasts the webhook's budget");
  hold.release();
  await app.workers.drain();
  assert.match(String(api.created[0]?.body), /^Which Springfield\?/);

  // "2" while the forecast is down: told so, and the choice still holds.
  weather.fail("forecast", 503);
  const held = weather.delay(undefined, "forecast");
  assert.equal(await replyTo("2"), undefined);
  held.release();
  await app.workers.drain();
  assert.equal(api.created[1]?.body, "Sorry, the forecast is unavailable right now. Please try again later.");
  weather.recover();
  const slow = weather.delay(undefined, "forecast");
  assert.equal(await replyTo("2"), undefined, "the forecast outlasts the webhook's budget");
  slow.release();
  await app.workers.drain();
  assert.match(String(api.created[2]?.body), /^Springfield today: /);
  assert.equal((await app.repositories.contacts.get(ALICE))?.pendingChoice, null, "used up by the forecast sent");
  assert.deepEqual(await app.repositories.messages.inbox(), []);
});

test("places that are not found, invalid names, empty bodies, media, emoji and long bodies all get a clear reply", async (t) => {
  const { replyTo } = await smsApp(t);
  assert.equal(await replyTo("WEATHER Xyzzyqux"), "Sorry, no place called Xyzzyqux was found. Try a nearby town or add the country, e.g. Paris, FR");
  assert.match((await replyTo(`WEATHER ${"a".repeat(1590)}`)) ?? "", /too long/);
  assert.match((await replyTo("weather")) ?? "", /^Which place\?/);
  assert.match((await replyTo("")) ?? "", /^Your message was empty\./);
  assert.match((await replyTo("", { NumMedia: "1", MediaUrl0: "https://api.twilio.com/x.jpg", MediaContentType0: "image/jpeg" })) ?? "", /only read text/);
  assert.equal(await replyTo("weather ☀️ Sydney 😀"), SYDNEY_FORECAST);
  for (const reply of [await replyTo("COMMANDS"), await replyTo("?")]) assert.match(reply ?? "", /WEATHER.*SUBSCRIBE.*STOP/);
});

test("anything else goes to the inbox, acknowledged at most once an hour per number", async (t) => {
  const { clock, advance } = handClock(OPEN_TIME);
  const { replyTo, app } = await smsApp(t, { clock });
  const ack = await replyTo("My power has been out since 9am, can someone call me back?");
  assert.match(ack ?? "", /^Thanks, we got your message/);
  assert.equal(await replyTo("👍"), undefined, "a second message within the hour is not acknowledged");
  assert.equal(await replyTo("x".repeat(1600)), undefined);
  advance(61 * 60_000);
  assert.match((await replyTo("Still waiting")) ?? "", /^Thanks/);
  const inbox = await app.repositories.messages.inbox();
  assert.equal(inbox.length, 4);
  assert.ok(inbox.every((m) => m.kind === "inbox" && m.handledAt === null));
});

test("STOP opts the number out of everything (Twilio confirms, not us); START opts back in; HELP is Twilio's", async (t) => {
  const { replyTo, app } = await smsApp(t);
  assert.match((await replyTo("subscribe Sydney 6:30am")) ?? "", /^Subscribed: the Sydney forecast every day at 06:30/);
  assert.equal(await replyTo("HELP"), undefined);
  assert.equal(await replyTo(" stop "), undefined);
  assert.ok((await app.repositories.contacts.get(ALICE))?.optedOutAt);
  const sub = await app.repositories.subscriptions.byNumber(ALICE);
  assert.equal(sub?.cancelReason, "opted out");
  assert.equal(await replyTo("weather Sydney"), undefined, "nothing is sent to an opted-out number");
  assert.equal(await replyTo("UNSTOP"), undefined);
  assert.equal((await app.repositories.contacts.get(ALICE))?.optedOutAt, null);
  assert.equal(await replyTo("weather Sydney"), SYDNEY_FORECAST);
  assert.equal((await app.repositories.subscriptions.byNumber(ALICE))?.cancelledAt !== null, true, "START does not restart the daily forecast");
});

test("with SMS_KEYWORD_REPLIES=app (short codes) the service confirms STOP, START and HELP itself", async (t) => {
  const { replyTo } = await smsApp(t, { config: { sms: { keywordReplies: "app", replyBudgetMs: 3_000, messagesPerSecond: 1_000, sendLeaseMs: 120_000 } } });
  assert.match((await replyTo("HELP")) ?? "", /WEATHER/);
  assert.match((await replyTo("Stop")) ?? "", /unsubscribed/);
  assert.match((await replyTo("start")) ?? "", /receive messages from us again/);
});

test("SUBSCRIBE at a local time; a bad time is refused; STOP DAILY ends only the daily forecast", async (t) => {
  const { replyTo, app } = await smsApp(t);
  assert.match((await replyTo("SUBSCRIBE Sydney 3am")) ?? "", /^Sorry, "3am" is not a time we can use\. Pick one from 06:00 to 21:00/);
  assert.match((await replyTo("subscribe sydney 25:00")) ?? "", /not a time/);
  assert.equal(await replyTo("subscribe Sydney"), "Subscribed: the Sydney forecast every day at 07:00 Sydney time. Text STOP DAILY to end it, STOP to end all texts.");
  const sub = await app.repositories.subscriptions.byNumber(ALICE);
  assert.equal(sub?.timezone, "Australia/Sydney");
  assert.equal(sub?.sendTime, "07:00");
  // OPEN_TIME is 12:00 on 24 November in Sydney (AEDT, +11): the next 07:00 is 25 November, 20:00Z on the 24th.
  assert.equal(sub?.nextSendAt.toISOString(), "2026-11-24T20:00:00.000Z");
  assert.match((await replyTo("subscribe Sydney at 7:45pm")) ?? "", /at 19:45/);
  assert.equal((await app.repositories.subscriptions.byNumber(ALICE))?.nextSendAt.toISOString(), "2026-11-24T08:45:00.000Z");
  assert.equal(await replyTo("STOP DAILY"), "Your daily Sydney forecast has stopped. Text SUBSCRIBE and a place to start one again.");
  assert.equal((await app.repositories.subscriptions.byNumber(ALICE))?.cancelReason, "unsubscribed");
  assert.match((await replyTo("unsubscribe forecast")) ?? "", /^You have no daily forecast/);
  assert.equal(await app.repositories.contacts.isOptedOut(ALICE), false, "other messages still reach them");
});

test("forecast service down: an honest reply, never an error", async (t) => {
  const { replyTo, weather } = await smsApp(t);
  weather.fail("forecast", 503, { error: true, reason: "Service unavailable" });
  assert.equal(await replyTo("weather Sydney"), "Sorry, the forecast is unavailable right now. Please try again later.");
  weather.fail("geocoding", 500, "<html>oops</html>");
  assert.equal(await replyTo("weather London"), "Sorry, the forecast is unavailable right now. Please try again later.");
});

test("Open-Meteo failing or unreachable: a text that is not clearly a forecast request still reaches the inbox", async (t) => {
  const { clock, advance } = handClock(OPEN_TIME);
  const { replyTo, weather, app } = await smsApp(t, { clock });
  const down = "Thanks, we got your message and someone will reply soon. Forecasts are unavailable just now: text WEATHER and a place later.";
  weather.fail("geocoding", 503, { error: true, reason: "Service unavailable" });
  assert.equal(await replyTo("my power is out"), down);
  assert.equal(await replyTo("weather Sydney"), "Sorry, the forecast is unavailable right now. Please try again later.", "an explicit WEATHER is told");
  advance(61 * 60_000);
  await weather.close(); // connections refused from now on
  assert.equal(await replyTo("the lights are flickering"), down);
  assert.equal(await replyTo("Sydney"), undefined, "a bare name may be a message too: inbox, acknowledged once an hour");
  assert.equal(await replyTo("subscribe Sydney 7am"), "Sorry, the forecast is unavailable right now. Please try again later.");
  const inbox = await app.repositories.messages.inbox();
  assert.deepEqual(inbox.map((m) => m.body).sort(), ["Sydney", "my power is out", "the lights are flickering"]);
});

test("Open-Meteo too slow for the webhook: a bare text goes to the inbox, acknowledged by REST", async (t) => {
  const { replyTo, weather, api, app } = await smsApp(t, {
    config: { sms: { replyBudgetMs: 50, messagesPerSecond: 1_000, keywordReplies: "twilio", sendLeaseMs: 120_000 } },
    weatherTimeoutMs: 200,
  });
  // Held past WEATHER_TIMEOUT_MS: the webhook answers at once; the job finds the lookup timing out too.
  weather.delay(undefined, "geocoding");
  assert.equal(await replyTo("my power is out"), undefined);
  await app.workers.drain();
  assert.deepEqual((await app.repositories.messages.inbox()).map((m) => m.body), ["my power is out"]);
  assert.deepEqual(api.created.map((m) => [m.to, m.body]), [[ALICE, "Thanks, we got your message and someone will reply soon. Forecasts are unavailable just now: text WEATHER and a place later."]]);
});

test("a forecast slower than the webhook's budget: the webhook answers at once, the forecast follows by REST", async (t) => {
  const { replyTo, weather, api, app } = await smsApp(t, { config: { sms: { replyBudgetMs: 50, messagesPerSecond: 1_000, keywordReplies: "twilio", sendLeaseMs: 120_000 } } });
  const hold = weather.delay(undefined, "forecast");
  assert.equal(await replyTo("weather Sydney"), undefined);
  hold.release();
  await app.workers.drain();
  assert.equal(api.created.length, 1);
  const [sent] = api.created;
  assert.equal(sent?.body, SYDNEY_FORECAST);
  assert.equal(sent?.to, ALICE);
  assert.equal(sent?.from, CENTRE);
  assert.equal(api.requests[0]?.form.get("StatusCallback"), `${BASE_URL}/twilio/sms/status`);
  const stored = await app.repositories.messages.conversation(ALICE);
  assert.deepEqual(stored.map((m) => [m.direction, m.kind]), [["inbound", "weather"], ["outbound-api", "weather"]]);
  // The job running again sends nothing more.
  await app.jobs.enqueue([{ name: "sms-reply", data: { inboundId: stored[0]?.id } }]);
  await app.workers.drain();
  assert.equal(api.created.length, 1);
});

test("bad signatures are refused with 403 and malformed messages with 400, storing nothing", async (t) => {
  const { app } = await smsApp(t);
  const params = inbound("weather Sydney");
  const forged = await app.inject({
    method: "POST",
    url: "/twilio/sms/incoming",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilio.getExpectedTwilioSignature("wrong-token-wrong-token", `${BASE_URL}/twilio/sms/incoming`, params) },
    payload: new URLSearchParams(params).toString(),
  });
  assert.equal(forged.statusCode, 403);
  const cases: [Record<string, string>, RegExp][] = [
    [{ ...params, MessageSid: "SMnope" }, /MessageSid: must be a message SID/],
    [{ ...params, Body: "x".repeat(1601) }, /Body: must be at most 1600 characters/],
    [{ ...params, NumMedia: "many" }, /NumMedia: must be a whole number/],
  ];
  for (const [body, reason] of cases) {
    const res = await signedPost(app, "/twilio/sms/incoming", body);
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, reason);
  }
  const status = await signedPost(app, "/twilio/sms/status", { MessageSid: sid("SM", 1), AccountSid: ACCOUNT_SID, MessageStatus: "exploded" });
  assert.equal(status.statusCode, 400);
  assert.equal((await app.repositories.messages.conversation(ALICE)).length, 0);
});

test("an internal error while answering a text still replies with valid TwiML that apologises", async (t) => {
  const { app, db } = await smsApp(t);
  await db.close();
  const res = await signedPost(app, "/twilio/sms/incoming", inbound("weather Sydney"));
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, `${XML}<Response><Message>Sorry, something went wrong on our side. Please try again later.</Message></Response>`);
});

test("a text holding characters that cannot be stored or spoken is kept, with U+FFFD in their place", async (t) => {
  const { text, app } = await smsApp(t);
  const response = await text("call me back\u0000 please\u000c");
  assert.equal(response.statusCode, 200);
  const [stored] = await app.repositories.messages.conversation(ALICE);
  assert.equal(stored?.body, "call me back\uFFFD please\uFFFD");
});
