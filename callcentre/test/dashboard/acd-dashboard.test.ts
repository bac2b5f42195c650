// The dashboard over the ACD's own rows (docs/dashboard.md): the Live page's lines and agents, the
// Metrics page's line figures, and a call's conversation recordings and survey. The lines are made
// through the real repositories (enqueue, dispatch, accept, the end of the agent's call, a survey) on
// calls made through the webhooks, on a hand clock.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { ACCOUNT_SID, fakeTwilioApi, RECORDING_WAV, sid, testApp } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";
import { get, signIn } from "./dashboard-helpers.js";
import type { Database } from "../../src/db/database.js";

const iso = (clock: HandClock, seconds = 0) => new Date(clock.now().getTime() + seconds * 1000).toISOString();

async function setUp(t: TestContext, config: { twilioApiBaseUrl?: string } = {}) {
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now, config });
  const session = await signIn(app);
  const driver = new CallDriver(app, clock);
  const { queue, agents, surveys } = app.repositories;
  /** A call made through the webhooks (so it is an inbound call of the log), then put in Billing's line. */
  const joins = async (from: string) => {
    const callSid = await driver.call(from);
    return queue.enqueue({ callSid, department: "billing", number: from, enqueuedAt: clock.now() });
  };
  const dispatch = () => db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  /** Ava is offered the next caller, accepts, and her call is `agentCall`. */
  const avaTakes = async (agentCall: string) => {
    const [offer] = await dispatch();
    assert.ok(offer, "an offer was made");
    assert.equal(offer.agent.id, "ava");
    await queue.offerCalling(offer.offer.id, agentCall);
    const accepted = await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now()));
    assert.ok(accepted);
    return accepted.entry;
  };
  return { app, db: db as Database, session, clock, queue, agents, surveys, joins, dispatch, avaTakes };
}

const live = async (app: FastifyInstance, session: Awaited<ReturnType<typeof signIn>>) => (await get(app, session, "/api/live")).json();

test("live: a line lists its callers first in line first, a call back holding its place and an offer ringing; its agents by state; every agent with their call", async (t) => {
  const { app, session, clock, queue, agents, joins, dispatch } = await setUp(t);
  await agents.choose("ava", "available", null, clock.now());
  await agents.choose("noah", "break", "lunch", clock.now());
  const first = await joins("+61491570201");
  clock.advance(10);
  const second = await joins("+61491570202");
  assert.equal(await queue.toCallback(second.callSid), true);
  clock.advance(5);
  const third = await joins("+61491570203");
  clock.advance(5);
  const [offer] = await dispatch();
  assert.equal(offer?.entry.id, first.id, "the first in line is offered first");
  clock.advance(3);

  let snapshot = await live(app, session);
  assert.equal(snapshot.lines.length, 1);
  const [billing] = snapshot.lines;
  assert.deepEqual(
    { department: billing.department, name: billing.name, waiting: billing.waiting, callbacks: billing.callbacks, longest: billing.longestWaitingSince },
    { department: "billing", name: "Billing", waiting: 2, callbacks: 1, longest: first.enqueuedAt.toISOString() },
  );
  assert.deepEqual(
    billing.callers.map((c: { sid: string; kind: string; offeredTo: string | null }) => [c.sid, c.kind, c.offeredTo]),
    [
      [first.callSid, "call", "Ava Nguyen"],
      [second.callSid, "callback", null],
      [third.callSid, "call", null],
    ],
  );
  assert.deepEqual(
    billing.agents.map((a: { id: string; state: string; reason: string | null }) => [a.id, a.state, a.reason]),
    [
      ["ava", "busy", "offered"],
      ["noah", "break", "lunch"],
    ],
  );
  const ava = snapshot.agents.find((a: { id: string }) => a.id === "ava");
  assert.deepEqual(ava.call, { sid: first.callSid, entryId: first.id, department: "Billing", kind: "call", customer: "+61491570201", ringing: true, since: iso(clock, -3), monitors: [] });
  assert.equal(snapshot.agents.find((a: { id: string }) => a.id === "noah").call, null);
  // "Longest wait now" counts the callers on the phone: the call back is not waiting on the line.
  assert.deepEqual([snapshot.waiting, snapshot.longestWaitingSince, snapshot.longestWaitSeconds], [2, first.enqueuedAt.toISOString(), 23]);

  let fragment = (await get(app, session, "/live/fragment")).body;
  assert.match(fragment, /<section class="line" data-line="billing">\n<h3>Billing <small>2 waiting · 1 call back<\/small><\/h3>/);
  assert.match(fragment, /<strong data-metric="line-longest"><span class="ticker" data-since="2026-11-24T01:00:00.000Z">0:23<\/span><\/strong>/);
  const items = [...fragment.matchAll(/<li data-entry="(\d+)">(.*?)<\/li>/g)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(
    items.map(([id]) => id),
    [first.id, second.id, third.id],
  );
  assert.match(String(items[0]?.[1]), /<span class="wait">waiting <span class="ticker" data-since="[^"]+">0:23<\/span><\/span> <span class="tag offered">offered to Ava Nguyen<\/span>$/);
  assert.match(String(items[1]?.[1]), /<span class="wait">held <span class="ticker" data-since="[^"]+">0:13<\/span><\/span> <span class="tag callback">call back<\/span>$/);
  assert.doesNotMatch(String(items[2]?.[1]), /tag/);
  assert.match(fragment, /<li data-state="break"><span class="state break">break 1<\/span> <span class="agent">Noah Williams \(lunch\) <span class="ticker" data-since="2026-11-24T01:00:00.000Z">0:23<\/span><\/span><\/li>/);
  assert.match(fragment, /<tr data-agent="ava">[\s\S]*?<span class="state busy">busy \(offered\)<\/span>[\s\S]*?ringing: <a href="\/calls\/[^"]+">Billing · \+61491570201<\/a> since <span class="ticker"[^>]*>0:03<\/span>/);
  assert.doesNotMatch(fragment, /<section class="queue" data-department="Billing">/, "a line's callers are listed in the line, not again as ringing a department");

  // Ava accepts: the caller leaves the line; Ava is on the call from the acceptance.
  await queue.offerCalling(offer!.offer.id, sid("CA", 0x5001));
  await queue.accept(offer!.offer.id, clock.now());
  clock.advance(40);
  snapshot = await live(app, session);
  assert.deepEqual(
    snapshot.lines[0].callers.map((c: { sid: string }) => c.sid),
    [second.callSid, third.callSid],
  );
  assert.equal(snapshot.lines[0].longestWaitingSince, third.enqueuedAt.toISOString());
  assert.deepEqual(snapshot.agents.find((a: { id: string }) => a.id === "ava").call, { sid: first.callSid, entryId: first.id, department: "Billing", kind: "call", customer: "+61491570201", ringing: false, since: iso(clock, -40), monitors: [] });
  fragment = (await get(app, session, "/live/fragment")).body;
  assert.match(fragment, /<span class="state busy">busy \(on a call\)<\/span><\/td>\n<td class="in-state"><span class="ticker"[^>]*>0:40<\/span><\/td>\n<td class="current"><a href="\/calls\/[^"]+">Billing · \+61491570201<\/a> since/);

  // Her call ends: wrap-up, with no call.
  await queue.agentCallEnded(sid("CA", 0x5001), clock.now(), 30);
  snapshot = await live(app, session);
  const after = snapshot.agents.find((a: { id: string }) => a.id === "ava");
  assert.deepEqual([after.state, after.since, after.call], ["wrap-up", iso(clock), null]);
  assert.match((await get(app, session, "/")).body, /<li data-state="wrap-up"><span class="state wrap-up">wrap-up 1<\/span> <span class="agent">Ava Nguyen <span class="ticker"/);
});

test("metrics: each line's figures from the line itself, with its call backs and surveys, and the formulas on the page", async (t) => {
  const { app, session, clock, queue, agents, surveys, joins, avaTakes } = await setUp(t);
  await agents.choose("ava", "available", null, clock.now());
  const ready = () => agents.choose("ava", "available", null, clock.now());

  // Answered after 12 s and after 30 s, each scored.
  const a = await joins("+61491570301");
  clock.advance(12);
  const answeredA = await avaTakes(sid("CA", 0x6001));
  await surveys.scored(answeredA, 5, clock.now());
  clock.advance(48);
  await queue.agentCallEnded(sid("CA", 0x6001), clock.now(), 0);
  await ready();
  await joins("+61491570302");
  clock.advance(30);
  const answeredD = await avaTakes(sid("CA", 0x6002));
  await surveys.scored(answeredD, 3, clock.now());
  clock.advance(10);
  await queue.agentCallEnded(sid("CA", 0x6002), clock.now(), 0);
  await ready();
  // Abandoned in queue after 8 s, and a short abandon after 3 s; one who left for voicemail.
  const e = await joins("+61491570303");
  clock.advance(8);
  await queue.callerGone(e.callSid, clock.now());
  const f = await joins("+61491570304");
  clock.advance(3);
  await queue.callerGone(f.callSid, clock.now());
  const g = await joins("+61491570305");
  clock.advance(10);
  assert.equal(await queue.leave(g.callSid, "voicemail", clock.now()), true);
  // A call back completed, and one whose customer never answered.
  const b = await joins("+61491570306");
  await queue.toCallback(b.callSid);
  clock.advance(10);
  const callbackB = await avaTakes(sid("CA", 0x6003));
  await queue.callbackDialled(callbackB.id, sid("CA", 0x6103));
  clock.advance(50);
  await queue.agentCallEnded(sid("CA", 0x6003), clock.now(), 0);
  await ready();
  const c = await joins("+61491570307");
  await queue.toCallback(c.callSid);
  clock.advance(10);
  const callbackC = await avaTakes(sid("CA", 0x6004));
  await queue.callbackDialled(callbackC.id, sid("CA", 0x6104));
  clock.advance(10);
  assert.equal(await queue.callbackUnanswered(callbackC.id, clock.now(), 1, 60), "failed");
  // Still waiting: Ava is busy.
  await joins("+61491570308");
  clock.advance(60);

  const metrics = (await get(app, session, "/api/metrics")).json();
  assert.deepEqual(metrics.lines, [
    {
      department: "billing",
      name: "Billing",
      metrics: {
        offered: 8,
        answered: 2,
        answeredWithinTarget: 1,
        abandoned: 1,
        shortAbandoned: 1,
        deflected: 3,
        waiting: 1,
        serviceLevel: (1 / 3) * 100,
        abandonmentRate: (1 / 3) * 100,
        averageSpeedOfAnswer: 21,
        longestWaitNow: 60,
        callbacks: { requested: 2, completed: 1, failed: 1, pending: 0 },
        survey: { count: 2, averageScore: 4 },
      },
    },
  ]);
  assert.ok(a);
  const page = (await get(app, session, "/metrics")).body;
  assert.match(
    page,
    /<tr data-line="billing"><td>Billing<\/td><td>8<\/td><td>2<\/td><td>1<\/td><td>1<\/td><td>3<\/td>\n<td>33\.3 %<\/td><td>33\.3 %<\/td><td>21\.0 s<\/td><td>1<\/td><td>1:00<\/td>\n<td>2 \/ 1 \/ 1<\/td><td>4\.00 \(2\)<\/td><\/tr>/,
  );
  assert.match(page, /<strong>Service level<\/strong> = answered within 20 s ÷ \(answered \+ abandoned in queue after 5 s\) × 100/);
  assert.match(page, /<strong>Call backs<\/strong>: requested = callers who chose one; completed = /);
  // Another day: no places taken, no rates ("—", never 0 %).
  const yesterday = (await get(app, session, "/api/metrics?date=2026-11-23")).json();
  assert.deepEqual(
    [yesterday.lines[0].metrics.offered, yesterday.lines[0].metrics.serviceLevel, yesterday.lines[0].metrics.survey],
    [0, null, { count: 0, averageScore: null }],
  );
});

test("a call's page: its conversation recording (paused while paused) with a player, and its survey with the comment played through the server", async (t) => {
  const api = await fakeTwilioApi(t);
  const { app, session, clock, queue, agents, surveys, joins, avaTakes } = await setUp(t, { twilioApiBaseUrl: api.url });
  await agents.choose("ava", "available", null, clock.now());
  const entry = await joins("+61491570401");
  clock.advance(4);
  const connected = await avaTakes(sid("CA", 0x7001));
  const recordingSid = sid("RE", 0x7101);
  const recordingUrl = `${api.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
  const save = (status: string, durationSeconds?: number) =>
    app.repositories.recordings.saveConversation({ sid: recordingSid, callSid: entry.callSid, entryId: entry.id, department: "Billing", url: recordingUrl, status, durationSeconds });
  await save("in-progress");
  await save("paused");

  let page = (await get(app, session, `/calls/${entry.callSid}`)).body;
  assert.match(
    page,
    new RegExp(`<article class="recording" data-recording-kind="conversation" data-recording-status="paused">\\n<p>Conversation with an agent · — · Billing · paused</p>\\n<audio controls preload="none" src="/api/recordings/${recordingSid}/audio" data-recording="${recordingSid}"></audio>\\n\\n</article>`),
  );
  assert.doesNotMatch(page, /No transcription yet/, "a conversation is not transcribed");

  clock.advance(95);
  await queue.agentCallEnded(sid("CA", 0x7001), clock.now(), 0);
  await save("completed", 95);
  await surveys.scored(connected, 4, clock.now());
  const commentUrl = `${api.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid("RE", 0x7102)}`;
  await surveys.comment(entry.id, commentUrl, 7);

  page = (await get(app, session, `/calls/${entry.callSid}`)).body;
  assert.match(page, /<p>Conversation with an agent · 1:35 · Billing<\/p>/, "a finished recording shows no status");
  assert.match(page, new RegExp(`<h2>Survey</h2><article class="survey" data-survey="${entry.id}">\\n<p><strong data-score="4">4 out of 5</strong> · Billing · Ava Nguyen · 2026-11-24 12:01:39</p>`));
  assert.match(page, new RegExp(`Comment \\(0:07\\): <a href="/api/surveys/${entry.id}/comment/audio">open the recording</a>`));

  const audio = await get(app, session, `/api/recordings/${recordingSid}/audio`);
  assert.deepEqual([audio.statusCode, audio.headers["content-type"]], [200, "audio/x-wav"]);
  const comment = await get(app, session, `/api/surveys/${entry.id}/comment/audio`);
  assert.deepEqual([comment.statusCode, comment.headers["content-type"], comment.headers["content-security-policy"]], [200, "audio/x-wav", "default-src 'none'; sandbox"]);
  assert.deepEqual(comment.rawPayload, RECORDING_WAV);
  assert.ok(api.requests.some((r) => r.path.endsWith(`/Recordings/${sid("RE", 0x7102)}.wav`)), "fetched from Twilio with the account's credentials");
  assert.equal((await get(app, session, `/api/surveys/${entry.id + 1}/comment/audio`)).statusCode, 404);
  assert.equal((await get(app, undefined, `/api/surveys/${entry.id}/comment/audio`)).statusCode, 401);

  const detail = (await get(app, session, `/api/calls/${entry.callSid}`)).json();
  assert.deepEqual(
    detail.recordings.map((r: { kind: string; status: string; durationSeconds: number }) => [r.kind, r.status, r.durationSeconds]),
    [["conversation", "completed", 95]],
  );
  assert.deepEqual(
    detail.surveys.map((s: { score: number; agentName: string; commentSeconds: number }) => [s.score, s.agentName, s.commentSeconds]),
    [[4, "Ava Nguyen", 7]],
  );
});
