// The dashboard's pages and API over real webhooks: live view, metrics, the call log, voicemail,
// callbacks, messages and subscribers, with Twilio's REST API stood in by a local server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { DEFAULT_FLOW_FILE } from "../../src/config.js";
import { ACCOUNT_SID, BASE_URL, fakeTwilioApi, RECORDING_WAV, sid, signedPost, testApp, voiceParams, waitFor } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";
import { get, postForm, postJson, signIn } from "./dashboard-helpers.js";

const CENTRE = "+61255501234";
const ALICE = "+61491570156";

test("live: a caller waiting for Sales shows in its queue with the wait, then as talking to the agent, then is gone", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  const callSid = await driver.toSales("+61491570002");
  clock.advance(30);
  let live = (await get(app, session, "/api/live")).json();
  assert.deepEqual(live.queues, [{ department: "Sales", waiting: 1, longestWaitSeconds: 30, callers: [{ sid: callSid, from: "+61491570002", since: "2026-11-24T01:00:00.000Z" }] }]);
  assert.equal(live.calls[0].state, "waiting");
  assert.equal(live.calls[0].step, "transfer.started sales");
  const fragment = await get(app, session, "/live/fragment");
  assert.match(fragment.body, /<section class="queue" data-department="Sales">/);
  assert.match(fragment.body, /<span class="ticker" data-since="2026-11-24T01:00:00.000Z">0:30<\/span>/);

  await driver.agentAnswers(callSid);
  live = (await get(app, session, "/api/live")).json();
  assert.deepEqual([live.waiting, live.calls[0].state, live.calls[0].agent], [0, "talking", "Jack Wilson"]);
  await driver.dialEnded(callSid, "completed", 45);
  await driver.ended(callSid);
  live = (await get(app, session, "/api/live")).json();
  assert.deepEqual(live.calls, []);
  const [visit] = await app.repositories.transfers.forCall(callSid);
  assert.deepEqual([visit?.result, visit?.agent, visit?.answeredAt?.toISOString()], ["answered", "Jack Wilson", "2026-11-24T01:00:30.000Z"]);
});

test("live: a caller in the menu is said to be on the automated line, not 'ringing' (the incoming webhook's status)", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const callSid = await new CallDriver(app, clock).call("+61491570003");
  const live = (await get(app, session, "/api/live")).json();
  assert.deepEqual([live.calls[0].sid, live.calls[0].state, live.calls[0].status], [callSid, "in-flow", "ringing"], "the API keeps Twilio's status");
  const fragment = (await get(app, session, "/live/fragment")).body;
  assert.match(fragment, /<span class="state in-flow">on the automated line<\/span>/);
  assert.doesNotMatch(fragment, />ringing</);
});

test("live: 'longest wait now' is the clock of the longest-waiting caller, so it always equals the longest wait listed; steps in words", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  await driver.toSales("+61491570002");
  clock.advance(10);
  await driver.call("+61491570003", "2"); // Faults, 10 s later
  clock.advance(30);
  const live = (await get(app, session, "/api/live")).json();
  assert.equal(live.longestWaitingSince, "2026-11-24T01:00:00.000Z");
  assert.equal(live.longestWaitSeconds, 40);
  const fragment = (await get(app, session, "/live/fragment")).body;
  // The browser ticks every [data-since] from its own start against the server's clock (live.js):
  // the tile and the caller share the start, so they show the same wait at every tick.
  const tile = /<span class="value" data-metric="longest"><span class="ticker" data-since="([^"]+)">([^<]+)<\/span><\/span>/.exec(fragment);
  assert.ok(tile, fragment);
  const waits = [...fragment.matchAll(/<li><a href="\/calls\/[^"]+">[^<]+<\/a> waiting <span class="ticker" data-since="([^"]+)">([^<]+)<\/span><\/li>/g)].map((m) => ({ since: m[1], shown: m[2] }));
  assert.deepEqual(waits.map((w) => w.shown).sort(), ["0:30", "0:40"]);
  const longest = waits.reduce((a, b) => ((a.since ?? "") <= (b.since ?? "") ? a : b));
  assert.deepEqual([tile[1], tile[2]], [longest.since, longest.shown]);
  assert.match(fragment, /<td>12:00:00<\/td>\n<td><span class="state waiting">waiting<\/span><\/td>\n<td>Sales<\/td>\n<td>Ringing the department: Sales<\/td>/);
  assert.doesNotMatch(fragment, /transfer\.started|in-progress/);
});

test("live: the event stream sends a snapshot at once and another when a call arrives", async (t) => {
  const { app } = await testApp(t);
  const session = await signIn(app);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const abort = new AbortController();
  t.after(() => abort.abort());
  const response = await fetch(`http://127.0.0.1:${port}/api/live/stream`, { headers: { cookie: session.cookie }, signal: abort.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reader = response.body?.getReader();
  assert.ok(reader);
  const events: string[] = [];
  let buffer = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += new TextDecoder().decode(value);
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (event.startsWith("event: live")) events.push(event.split("\ndata: ")[1] ?? "");
      }
    }
  })();
  await waitFor(() => events.length === 1, "the first snapshot");
  assert.deepEqual(JSON.parse(events[0] ?? "").calls, []);
  const callSid = sid("CA", 0x51);
  assert.equal((await signedPost(app, "/twilio/voice/incoming", voiceParams(callSid))).statusCode, 200);
  await waitFor(() => events.length === 2, "a snapshot with the new call");
  assert.equal(JSON.parse(events[1] ?? "").calls[0].sid, callSid);
  abort.abort();
  await pump;
});

test("metrics: the worked example's calls, made through the webhooks, give its service level, abandonment rate and ASA", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  for (const wait of [3, 12, 19, 20, 40]) await driver.answeredAfter(wait);
  for (const wait of [2, 5, 8, 30]) await driver.abandonedAfter(wait);
  await driver.call("+61491570003", "4"); // address and hours: never reaches a department
  const m = (await get(app, session, "/api/metrics?date=2026-11-24")).json();
  assert.equal(m.timezone, "Australia/Sydney");
  assert.equal(m.calls, 10);
  assert.equal(m.callsPerHour[12], 10, "12:00 in Sydney");
  assert.deepEqual(
    [m.queue.offered, m.queue.answered, m.queue.abandoned, m.queue.shortAbandoned, m.queue.answeredWithinTarget],
    [9, 5, 2, 2, 4],
  );
  assert.equal(m.queue.serviceLevel.toFixed(1), "57.1");
  assert.equal(m.queue.abandonmentRate.toFixed(1), "28.6");
  assert.equal(m.queue.averageSpeedOfAnswer, 18.8);
  assert.equal(m.queue.longestWait, 40);
  assert.deepEqual(m.outcomes, { answered: 5, abandoned: 4, none: 1 });
  const page = await get(app, session, "/metrics?date=2026-11-24");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /data-metric="service-level">57\.1 %</);
  assert.match(page.body, /data-metric="abandonment-rate">28\.6 %</);
  assert.match(page.body, /data-metric="asa">18\.8 s</);
  assert.match(page.body, /Service level<\/strong> = answered within 20 s ÷ \(answered \+ abandoned after 5 s\) × 100/);
  assert.match(page.body, /data-live-fragment="\/metrics\/fragment\?date=2026-11-24"/, "today's metrics follow the live stream");
  const yesterday = (await get(app, session, "/api/metrics?date=2026-11-23")).json();
  assert.deepEqual([yesterday.calls, yesterday.queue.serviceLevel], [0, null]);
  assert.match((await get(app, session, "/metrics?date=2026-11-23")).body, /data-metric="service-level">—</);
});

test("calls: the log is searched by number, status, department and day, and paginated; a call's page shows its steps", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  const answered = await driver.answeredAfter(7);
  await driver.call("+61491570004", "4");
  const all = (await get(app, session, "/api/calls")).json();
  assert.equal(all.total, 2);
  assert.deepEqual((await get(app, session, "/api/calls?number=570004")).json().calls.map((c: { from: string }) => c.from), ["+61491570004"]);
  assert.equal((await get(app, session, "/api/calls?department=sales&status=completed")).json().calls[0].sid, answered);
  assert.equal((await get(app, session, "/api/calls?from=2026-11-25")).json().total, 0);
  assert.equal((await get(app, session, "/api/calls?from=2026-11-24&to=2026-11-24")).json().total, 2);
  const second = (await get(app, session, "/api/calls?page=2")).json();
  assert.deepEqual([second.total, second.calls.length], [2, 0]);
  const list = await get(app, session, "/calls?number=%2B61491570001");
  assert.match(list.body, /1 call;/);
  assert.match(list.body, new RegExp(`<a href="/calls/${answered}">2026-11-24 12:00:00</a></td>\n<td>\\+61491570001</td><td>\\+61255501234</td><td>ended</td><td>Sales</td><td>answered by an agent</td>`));
  const page = await get(app, session, `/calls/${answered}`);
  // People's words and times to the second (Sydney), never the stored identifiers.
  assert.match(page.body, /<li><time>12:00:00<\/time> <strong>Chose<\/strong>: <span class="where">main menu<\/span> · Sales \(key 3\)<\/li>/);
  assert.match(page.body, /<li><time>12:00:00<\/time> <strong>Ringing the department<\/strong>: <span class="where">Sales<\/span> · ringing Isla Taylor, Jack Wilson<\/li>/);
  assert.match(page.body, /<li><time>12:00:07<\/time> <strong>Agent answered<\/strong>: <span class="where">Sales<\/span> · Jack Wilson<\/li>/);
  assert.match(page.body, /<li><time>12:01:07<\/time> <strong>Transfer ended<\/strong>: <span class="where">Sales<\/span> · talked · 60 s<\/li>/);
  assert.match(page.body, /<dt>Direction<\/dt><dd>incoming<\/dd>\n<dt>Status<\/dt><dd>ended<\/dd>\n<dt>Outcome<\/dt><dd>answered by an agent<\/dd>/);
  assert.match(page.body, /<tr><td>Sales<\/td><td>0:07<\/td><td>answered<\/td><td>Jack Wilson<\/td><\/tr>/);
  assert.doesNotMatch(page.body, /transfer\.|menu\.|call\.incoming|main-menu<|>inbound<|>completed</);
  assert.equal((await get(app, session, `/calls/${sid("CA", 0x999)}`)).statusCode, 404);
});

test("bad input is a 400 that names the field, on pages and the API", async (t) => {
  const { app } = await testApp(t);
  const session = await signIn(app);
  const cases: [string, RegExp][] = [
    ["/api/calls?from=24-11-2026", /from: must be a date, YYYY-MM-DD/],
    ["/api/calls?status=ringing-ish", /status/],
    ["/api/calls?page=0", /page/],
    ["/api/calls?colour=red", /colour/],
    ["/api/calls?number=abc", /number: must be digits/],
    ["/api/metrics?date=2026-02-30", /date/],
    ["/api/calls/CA123", /sid: must be a CA SID/],
    ["/api/conversations/0491570156", /number: must be an E\.164 number/],
    ["/api/voicemails?status=old", /status/],
    [`/api/recordings/${sid("CA", 1)}/audio`, /sid: must be a RE SID/],
  ];
  for (const [url, reason] of cases) {
    const response = await get(app, session, url);
    assert.equal(response.statusCode, 400, url);
    assert.match(response.json().message, reason, url);
  }
  const page = await get(app, session, "/calls?from=yesterday");
  assert.equal(page.statusCode, 400);
  assert.match(String(page.headers["content-type"]), /text\/html/);
  assert.match(page.body, /That request was not valid<\/h1><p>from: must be a date, YYYY-MM-DD<\/p>/);
  const posts: [string, Record<string, unknown>, RegExp][] = [
    [`/api/conversations/${encodeURIComponent(ALICE)}/reply`, { body: "   " }, /body: must not be empty/],
    [`/api/conversations/${encodeURIComponent(ALICE)}/reply`, { body: "x".repeat(1601) }, /1,600/],
    [`/api/conversations/${encodeURIComponent(ALICE)}/reply`, {}, /body/],
    ["/api/messages/abc/handled", { handled: true }, /id/],
    ["/api/messages/1/handled", { handled: "maybe" }, /handled/],
    [`/api/voicemails/${sid("RE", 1)}/handled`, { handled: true, extra: 1 }, /extra/],
  ];
  for (const [url, body, reason] of posts) {
    const response = await postJson(app, session, url, body);
    assert.equal(response.statusCode, 400, `${url} ${JSON.stringify(body)}`);
    assert.match(response.json().message, reason);
  }
});

test("voicemail: listed new with its transcription and player, played through the server, marked handled, and called back", async (t) => {
  const api = await fakeTwilioApi(t);
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: api.url } });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  const callSid = await driver.call("+61491570005", "2"); // Faults
  await driver.dialEnded(callSid, "no-answer", 0, "faults", "+61491570005");
  const recordingSid = sid("RE", 0x77);
  const recordingUrl = `${api.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
  const params = (extra: Record<string, string>) => voiceParams(callSid, { From: "+61491570005", ...extra });
  assert.equal((await signedPost(app, "/twilio/voice/voicemail/faults-voicemail/recorded", params({ RecordingUrl: recordingUrl, RecordingDuration: "9", RecordingSid: recordingSid }))).statusCode, 200);
  const transcription = { RecordingSid: recordingSid, RecordingUrl: recordingUrl, TranscriptionStatus: "completed", TranscriptionText: "Power's out at <12> Smith St & the lights flicker." };
  assert.equal((await signedPost(app, "/twilio/voice/voicemail/faults-voicemail/transcription", params(transcription))).statusCode, 204);

  const [voicemail] = (await get(app, session, "/api/voicemails")).json().voicemails;
  assert.deepEqual([voicemail.sid, voicemail.from, voicemail.department, voicemail.durationSeconds], [recordingSid, "+61491570005", "Faults", 9]);
  const page = await get(app, session, "/voicemail");
  assert.match(page.body, new RegExp(`<audio controls preload="none" src="/api/recordings/${recordingSid}/audio"`));
  assert.match(page.body, /Power&#39;s out at &lt;12&gt; Smith St &amp; the lights flicker\./, "the transcription is escaped");

  const audio = await get(app, session, `/api/recordings/${recordingSid}/audio`);
  assert.equal(audio.statusCode, 200);
  assert.equal(audio.headers["content-type"], "audio/x-wav");
  assert.deepEqual(audio.rawPayload, RECORDING_WAV, "fetched with the account's credentials, which the browser never sees");

  const handled = await postForm(app, session, `/api/voicemails/${recordingSid}/handled`, { handled: "true", redirect: "/voicemail" });
  assert.equal(handled.statusCode, 303);
  assert.equal(handled.headers.location, "/voicemail?done=handled");
  assert.match((await get(app, session, "/voicemail?done=handled")).body, /Marked as handled\.[\s\S]*No new voicemail\./);
  assert.equal((await get(app, session, "/api/voicemails?status=handled")).json().voicemails.length, 1);

  const back = await postJson(app, session, `/api/voicemails/${recordingSid}/call-back`);
  assert.equal(back.statusCode, 200, back.body);
  const placed = api.requests.find((r) => r.path.endsWith("/Calls.json"));
  assert.equal(placed?.form.get("To"), "+61491570005");
  assert.equal(placed?.form.get("From"), CENTRE);
  assert.equal(placed?.form.get("Url"), `${BASE_URL}/twilio/voice/call-back/faults`, "who is calling, then the department the caller wanted");
  assert.equal(placed?.form.get("StatusCallback"), `${BASE_URL}/twilio/voice/status`);
  assert.equal(back.json().callSid, (await app.repositories.recordings.get(recordingSid))?.callbackCallSid);
  assert.equal((await postJson(app, session, `/api/voicemails/${sid("RE", 0x78)}/call-back`)).statusCode, 404);
  api.fail(400, 21215, "Geo Permission configuration is not permitting call", 1);
  const refused = await postForm(app, session, `/api/voicemails/${recordingSid}/call-back`, { redirect: "/voicemail?status=handled" });
  assert.equal(refused.headers.location, "/voicemail?status=handled&error=twilio&code=21215");
  assert.match((await get(app, session, "/voicemail?status=handled&error=twilio&code=21215")).body, /Twilio refused the request \(error 21215\)\./);
});

test("voicemail: a recording Twilio will not hand over is a 502, and a URL elsewhere never gets the account's credentials", async (t) => {
  const api = await fakeTwilioApi(t);
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: "http://127.0.0.1:9" } });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  const callSid = await driver.call("+61491570006", "5");
  const recordingSid = sid("RE", 0x79);
  const recordingUrl = `${api.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
  await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", voiceParams(callSid, { From: "+61491570006", RecordingUrl: recordingUrl, RecordingDuration: "4", RecordingSid: recordingSid }));
  const audio = await get(app, session, `/api/recordings/${recordingSid}/audio`);
  assert.equal(audio.statusCode, 502);
  assert.equal(api.requests.at(-1)?.authorization, undefined, "not the configured API: no credentials sent");
});

test("callbacks: a caller who asked for one is listed and called back from the page", async (t) => {
  const api = await fakeTwilioApi(t);
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: api.url } });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  const from = "+61491570007";
  const callSid = await driver.call(from, "1");
  await signedPost(app, "/twilio/voice/menu/billing-menu?attempt=1", voiceParams(callSid, { From: from, Digits: "2" }));
  // Billing's line, with nobody signed in: on to the call-back offer.
  assert.match((await signedPost(app, "/twilio/voice/queue/billing", voiceParams(callSid, { From: from }))).body, /Sorry, nobody from our billing team/);
  await signedPost(app, "/twilio/voice/menu/billing-callback-offer?attempt=1", voiceParams(callSid, { From: from, Digits: "1" }));
  const [request] = (await get(app, session, "/api/callbacks")).json().callbacks;
  assert.deepEqual([request.callSid, request.number, request.department], [callSid, from, "Billing"]);
  assert.match((await get(app, session, "/voicemail")).body, new RegExp(`action="/api/callbacks/${callSid}/call-back"`));
  const done = await postForm(app, session, `/api/callbacks/${callSid}/call-back`, { redirect: "/voicemail" });
  assert.equal(done.headers.location, "/voicemail?done=called-back");
  assert.equal(api.requests.find((r) => r.path.endsWith("/Calls.json"))?.form.get("Url"), `${BASE_URL}/twilio/voice/call-back/billing`);
  assert.deepEqual((await get(app, session, "/api/callbacks")).json().callbacks, []);
  assert.equal((await get(app, session, "/api/callbacks?status=done")).json().callbacks[0].status, "called-back");
  const [visit] = await app.repositories.transfers.forCall(callSid);
  assert.equal(visit?.result, "deflected", "nobody signed in: a visit to Billing, not answered");
});

test("messages: the inbox and conversations; a reply goes out through the REST API; opted-out numbers and Twilio errors are refused clearly", async (t) => {
  const api = await fakeTwilioApi(t);
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: api.url } });
  const session = await signIn(app);
  const inbound = { MessageSid: sid("SM", 0x61), AccountSid: ACCOUNT_SID, From: ALICE, To: CENTRE, Body: "my <bill> is wrong", NumMedia: "0", SmsStatus: "received", ApiVersion: "2010-04-01" };
  assert.equal((await signedPost(app, "/twilio/sms/incoming", inbound)).statusCode, 200);
  const [message] = (await get(app, session, "/api/inbox")).json().messages;
  assert.equal(message.body, "my <bill> is wrong");
  const [conversation] = (await get(app, session, "/api/conversations")).json().conversations;
  assert.deepEqual([conversation.contact, conversation.unhandled], [ALICE, 1]);
  const list = await get(app, session, "/messages");
  assert.match(list.body, /my &lt;bill&gt; is wrong/);
  assert.match(list.body, /<span class="badge">1 new<\/span>/);

  const reply = await postForm(app, session, `/api/conversations/${encodeURIComponent(ALICE)}/reply`, { body: "Sorry! We've fixed it.", redirect: `/messages/${encodeURIComponent(ALICE)}` });
  assert.equal(reply.statusCode, 303);
  assert.equal(reply.headers.location, `/messages/${encodeURIComponent(ALICE)}?done=replied`);
  const sent = api.requests.find((r) => r.path.endsWith("/Messages.json") && r.form.get("Body") === "Sorry! We've fixed it.");
  assert.deepEqual([sent?.form.get("To"), sent?.form.get("From")], [ALICE, CENTRE]);
  const thread = (await get(app, session, `/api/conversations/${encodeURIComponent(ALICE)}`)).json();
  assert.deepEqual(thread.messages.map((m: { kind: string }) => m.kind).slice(-1), ["agent-reply"]);
  assert.match((await get(app, session, `/messages/${encodeURIComponent(ALICE)}?done=replied`)).body, /Reply sent\.[\s\S]*Sorry! We&#39;ve fixed it\./);

  const marked = await postJson(app, session, `/api/messages/${message.id}/handled`, { handled: true });
  assert.equal(marked.statusCode, 200);
  assert.deepEqual((await get(app, session, "/api/conversations")).json().conversations[0].unhandled, 0);

  api.fail(400, 21211, "The 'To' number is not a valid phone number.", 1);
  const failed = await postJson(app, session, `/api/conversations/${encodeURIComponent(ALICE)}/reply`, { body: "hello?" });
  assert.equal(failed.statusCode, 502);
  assert.match(failed.json().message, /error 21211/);

  await app.repositories.contacts.optOut(ALICE, clock.now());
  const requestsBefore = api.requests.length;
  const refused = await postJson(app, session, `/api/conversations/${encodeURIComponent(ALICE)}/reply`, { body: "one more thing" });
  assert.equal(refused.statusCode, 409);
  assert.match(refused.json().message, /opted out/);
  const form = await postForm(app, session, `/api/conversations/${encodeURIComponent(ALICE)}/reply`, { body: "one more thing", redirect: `/messages/${encodeURIComponent(ALICE)}` });
  assert.equal(form.headers.location, `/messages/${encodeURIComponent(ALICE)}?error=opted-out`);
  assert.equal(api.requests.length, requestsBefore, "nothing sent to a number that opted out");
  assert.doesNotMatch((await get(app, session, `/messages/${encodeURIComponent(ALICE)}`)).body, /<textarea/, "no reply box for it");
});

test("subscribers: subscriptions with their next send, and opted-out numbers", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const { subscriptions, contacts } = app.repositories;
  const base = { fromNumber: CENTRE, latitude: -33.87, longitude: 151.21, sendTime: "07:00" };
  await subscriptions.upsert({ ...base, number: ALICE, placeName: "Sydney", placeLabel: "Sydney, NSW", timezone: "Australia/Sydney", nextSendAt: new Date("2026-11-24T20:00:00Z") }, clock.now());
  await subscriptions.upsert({ ...base, number: "+61491570157", placeName: "Perth", placeLabel: "Perth, WA", timezone: "Australia/Perth", nextSendAt: new Date("2026-11-24T23:00:00Z") }, clock.now());
  await contacts.optOut("+61491570157", clock.now());
  await subscriptions.cancel("+61491570157", "opted out (STOP)", clock.now());
  const data = (await get(app, session, "/api/subscribers")).json();
  assert.deepEqual(data.subscriptions.map((s: { number: string; optedOut: boolean }) => [s.number, s.optedOut]), [[ALICE, false], ["+61491570157", true]]);
  assert.deepEqual(data.optedOut.map((c: { number: string }) => c.number), ["+61491570157"]);
  const page = await get(app, session, "/subscribers");
  assert.match(page.body, /1 active daily-forecast subscription\./);
  assert.match(page.body, /<td>2026-11-25 07:00:00 <small>\(2026-11-25 07:00:00 here\)<\/small><\/td>/);
  assert.match(page.body, /<td>opted out<\/td>/);
});

test("flow: the loaded flow is drawn; a flow file edited into an invalid state shows its problems with line numbers", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "flow-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "flow.yaml");
  copyFileSync(DEFAULT_FLOW_FILE, file);
  const { app } = await testApp(t, { config: { flowFile: file } });
  const session = await signIn(app);
  let page = await get(app, session, "/flow");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(page.body, /data-node="main-menu"/);
  assert.doesNotMatch(page.body, /not valid/);
  writeFileSync(file, readFileSync(file, "utf8").replace("goto: billing-menu", "goto: billing-menuu"));
  page = await get(app, session, "/flow");
  assert.match(page.body, /The flow file on disk is not valid/);
  assert.match(page.body, /flow\.yaml:\d+:\d+: nodes\.main-menu\.options\[0\]\.goto: unknown node &quot;billing-menuu&quot;/);
  assert.match(page.body, /data-node="billing-menu"/, "the running flow is still drawn");
  writeFileSync(file, readFileSync(file, "utf8").replace("goto: billing-menuu", "goto: billing-menu").replace("retries: 2", "retries: 3"));
  assert.match((await get(app, session, "/flow")).body, /has changed since start and is valid/);
  const api = (await get(app, session, "/api/flow")).json();
  assert.equal(api.flow.company, "Bluegum Energy");
  assert.deepEqual([api.file.problems, api.file.changed], [[], true]);
});

test("webhooks in any order give the same visit: a late dial action corrects an 'abandoned' guess; a hang-up while talking is answered", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const driver = new CallDriver(app, clock);
  // The agent's answered callback is lost, and the final status callback comes before the dial action.
  const late = await driver.toSales();
  clock.advance(70);
  await driver.ended(late);
  assert.equal((await app.repositories.transfers.forCall(late))[0]?.result, "abandoned", "all the status callback can tell");
  await driver.dialEnded(late, "completed", 60);
  const [corrected] = await app.repositories.transfers.forCall(late);
  assert.deepEqual([corrected?.result, corrected?.answeredAt?.toISOString()], ["answered", "2026-11-24T01:00:10.000Z"], "answered 60 s (the talk) before the end");
  assert.equal((await app.repositories.calls.get(late))?.outcome, "answered");
  // The caller hangs up while talking: Twilio makes no dial request.
  const talking = await driver.toSales();
  clock.advance(5);
  await driver.agentAnswers(talking);
  clock.advance(30);
  await driver.ended(talking);
  assert.equal((await app.repositories.transfers.forCall(talking))[0]?.result, "answered");
  assert.equal((await app.repositories.calls.get(talking))?.outcome, "answered");
});

test("a call-back placed from the dashboard is not queue traffic: it shows live but not in the metrics", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const callSid = sid("CA", 0xcb01);
  const outbound = voiceParams(callSid, { Direction: "outbound-api", From: CENTRE, To: "+61491570008", Caller: CENTRE, Called: "+61491570008" });
  assert.equal((await signedPost(app, "/twilio/voice/call-back/sales", outbound)).statusCode, 200);
  const live = (await get(app, session, "/api/live")).json();
  assert.deepEqual([live.calls[0].sid, live.calls[0].state, live.queues[0].department], [callSid, "waiting", "Sales"]);
  const m = (await get(app, session, "/api/metrics")).json();
  assert.deepEqual([m.queue.offered, m.calls], [0, 0]);
});

test("metrics: outcomes are said in words, a call without one included", async (t) => {
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  await driver.call("+61491570009"); // still at the menu: no outcome
  await driver.call("+61491570010", "5"); // at the voicemail prompt, nothing recorded yet
  assert.deepEqual((await get(app, session, "/api/metrics")).json().outcomes, { none: 1, "voicemail-offered": 1 });
  const page = (await get(app, session, "/metrics")).body;
  assert.match(page, /<li data-outcome="none"><strong>1<\/strong> no outcome \(hung up in the menu, or still there\)<\/li>/);
  assert.match(page, /<li data-outcome="voicemail-offered"><strong>1<\/strong> reached voicemail, left no message<\/li>/);
});

test("a voicemail without a department is called back at the flow's callback.then, else its start, after the call-back greeting", async (t) => {
  const api = await fakeTwilioApi(t);
  const clock = new HandClock();
  const { app } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: api.url } });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  const callSid = await driver.call("+61491570011", "5");
  const recordingSid = sid("RE", 0x7a);
  const recordingUrl = `${api.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
  await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", voiceParams(callSid, { From: "+61491570011", RecordingUrl: recordingUrl, RecordingDuration: "4", RecordingSid: recordingSid }));
  assert.equal((await postJson(app, session, `/api/voicemails/${recordingSid}/call-back`)).statusCode, 200);
  assert.equal(api.requests.find((r) => r.path.endsWith("/Calls.json"))?.form.get("Url"), `${BASE_URL}/twilio/voice/call-back/main-menu`);
});
