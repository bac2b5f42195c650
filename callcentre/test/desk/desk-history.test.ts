// The agent's own pages beside the desk: their calls and today's figures (never another agent's), the
// voicemails of their departments only (the audio too), and the SMS inbox, read-only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CallsRepository } from "../../src/repositories/calls-repository.js";
import { MessagesRepository } from "../../src/repositories/messages-repository.js";
import { RecordingsRepository } from "../../src/repositories/recordings-repository.js";
import { ACCOUNT_SID, OPEN_TIME, sid } from "../helpers.js";
import { get } from "../dashboard/dashboard-helpers.js";
import { AVA_PASSWORD, BOB_PASSWORD, deskApp, signInAgent } from "./desk-helpers.js";

const MINUTE = 60_000;
const at = (minutes: number) => new Date(OPEN_TIME.getTime() + minutes * MINUTE);

test("My calls: the agent's own conversations and today's figures; another agent's are not there", async (t) => {
  const { app, db } = await deskApp(t);
  // Ava took two calls (one with a survey) and missed an offer; Bob took one.
  const entry = async (n: number, agent: string, connected: number, ended: number | null, number: string) => {
    const [row] = await db.query<{ id: number }>(
      `insert into queue_entries (call_sid, department, status, enqueued_at, number, city, agent_id, connected_at, ended_at, outcome)
       values ($1, 'billing', $2, $3, $4, 'SYDNEY', $5, $6, $7, $8) returning id::int as id`,
      [sid("CA", n), ended === null ? "connected" : "ended", at(connected - 1), number, agent, at(connected), ended === null ? null : at(ended), ended === null ? null : "ended"],
    );
    return row?.id ?? 0;
  };
  const first = await entry(1, "ava", 10, 14, "+61491570001");
  await entry(2, "ava", 20, 22, "+61491570002");
  const bobs = await entry(3, "bob", 30, 31, "+61491570003");
  await db.query(`insert into surveys (entry_id, call_sid, department, agent_id, score, at) values ($1, $2, 'billing', 'ava', 4, $3)`, [first, sid("CA", 1), at(15)]);
  await db.query(`insert into offers (entry_id, agent_id, status, created_at) values ($1, 'ava', 'missed', $2)`, [bobs, at(29)]);

  const ava = await signInAgent(app, "ava", AVA_PASSWORD);
  const api = await get(app, ava, "/desk/api/calls");
  assert.equal(api.statusCode, 200, api.body);
  const { calls, today } = api.json();
  assert.deepEqual(calls.map((c: { number: string }) => c.number), ["+61491570002", "+61491570001"], "newest first, Bob's not among them");
  assert.equal(calls[1].surveyScore, 4);
  assert.deepEqual(today, { handled: 2, averageTalkSeconds: 180, missedOffers: 1, surveys: 1, averageSurveyScore: 4 });

  const page = await get(app, ava, "/desk/calls");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<a href="\/desk\/calls" aria-current="page">My calls<\/a>/);
  assert.match(page.body, /data-stat="handled"><span class="label">Calls today<\/span><span class="value">2</);
  assert.doesNotMatch(page.body, /\+61491570003/);
});

test("Voicemail: only the departments the agent serves, with their audio; another department's is not found", async (t) => {
  const { app, db } = await deskApp(t);
  const callsRepo = new CallsRepository(db);
  const recordings = new RecordingsRepository(db);
  for (const [n, department] of [
    [1, "Billing"],
    [2, "Sales"],
  ] as const) {
    await callsRepo.upsert({ sid: sid("CA", n), accountSid: ACCOUNT_SID, from: `+6149157000${n}`, to: "+61255501234", direction: "inbound", status: "completed" }, at(n));
    await recordings.saveVoicemail({ sid: sid("RE", n), callSid: sid("CA", n), url: `http://127.0.0.1:9/recordings/${sid("RE", n)}`, durationSeconds: 12, node: "voicemail", department });
  }
  // Ava serves Billing; Bob serves Billing and Sales (overflow).
  const ava = await signInAgent(app, "ava", AVA_PASSWORD);
  const avas = (await get(app, ava, "/desk/api/voicemails")).json().voicemails.map((v: { sid: string }) => v.sid);
  assert.deepEqual(avas, [sid("RE", 1)]);
  const page = await get(app, ava, "/desk/voicemail");
  assert.match(page.body, new RegExp(`src="/desk/api/recordings/${sid("RE", 1)}/audio"`));
  assert.doesNotMatch(page.body, new RegExp(sid("RE", 2)));
  assert.doesNotMatch(page.body, /Mark handled|Call back/, "read-only");
  const other = await get(app, ava, `/desk/api/recordings/${sid("RE", 2)}/audio`);
  assert.equal(other.statusCode, 404, "another department's recording is not theirs to play");
  const own = await get(app, ava, `/desk/api/recordings/${sid("RE", 1)}/audio`);
  assert.equal(own.statusCode, 502, "theirs is fetched from the configured API (unreachable here)");

  const bob = await signInAgent(app, "bob", BOB_PASSWORD);
  const bobs = (await get(app, bob, "/desk/api/voicemails")).json().voicemails.map((v: { sid: string }) => v.sid);
  assert.deepEqual(bobs.sort(), [sid("RE", 1), sid("RE", 2)]);
});

test("Messages: the SMS inbox, read-only", async (t) => {
  const { app, db } = await deskApp(t);
  await new MessagesRepository(db).add(
    { sid: sid("SM", 1), direction: "inbound", from: "+61491570009", to: "+61255501234", body: "my <bill> is wrong", status: "received", kind: "inbox" },
    at(1),
  );
  const ava = await signInAgent(app, "ava", AVA_PASSWORD);
  const page = await get(app, ava, "/desk/messages");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /my &lt;bill&gt; is wrong/);
  assert.doesNotMatch(page.body, /<form method="post" action="\/api\//, "no reply or handled forms");
  assert.equal((await get(app, ava, "/desk/api/inbox")).json().messages.length, 1);
});
