// Supervisors monitoring a conversation (docs/monitoring.md) through the dashboard's API: listen,
// whisper, barge and leave as conference participant requests at Twilio's REST API (a local stand-in
// at the HTTP boundary), each a step of the caller's call with who did it; one monitor per
// supervisor; the session closed by the supervisor hanging up and by the conversation ending. The
// conversation is made through the real repositories on a hand clock.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { ACCOUNT_SID, BASE_URL, fakeTwilioApi, sid, signedPost, testApp, voiceParams, waitFor } from "../helpers.js";
import { CallDriver, HandClock } from "../dashboard/call-driver.js";
import { postForm, postJson, signIn } from "../dashboard/dashboard-helpers.js";
import { TEST_SCRYPT } from "../desk/desk-helpers.js";

const CONFERENCE = sid("CF", 0x77);
const AGENT_CALL = sid("CA", 0xa9a);
const SUPERVISOR = "+61491570999";

async function setUp(t: TestContext) {
  const api = await fakeTwilioApi(t);
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: api.url } });
  const session = await signIn(app);
  const { queue, agents, monitors } = app.repositories;
  const driver = new CallDriver(app, clock);
  /** A caller in Billing's line, taken by Ava: the conversation's entry, its conference known. */
  const conversation = async () => {
    await agents.choose("ava", "available", null, clock.now());
    const callSid = await driver.call("+61491570201");
    const entry = await queue.enqueue({ callSid, department: "billing", number: "+61491570201", called: "+61255501234", enqueuedAt: clock.now() });
    const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
    assert.equal(offer?.agent.id, "ava");
    await queue.offerCalling(offer.offer.id, AGENT_CALL);
    assert.ok(await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now())));
    await queue.setConferenceSid(entry.id, CONFERENCE);
    return entry;
  };
  const steps = async (callSid: string) =>
    (await db.query<{ kind: string; detail: Record<string, unknown> }>(`select kind, detail from call_events where call_sid = $1 and kind like 'monitor.%' order by id`, [callSid])).map((e) => [
      e.kind,
      e.detail.by,
      ...(e.detail.reason ? [e.detail.reason] : []),
    ]);
  const participantRequests = () => api.requests.filter((r) => r.method === "POST" && r.path.includes(`/Conferences/${CONFERENCE}/Participants`));
  return { api, app, db, clock, session, queue, agents, monitors, conversation, steps, participantRequests };
}

test("listen, whisper, barge and leave: participant requests at Twilio, and steps with who did each", async (t) => {
  const { app, session, conversation, steps, participantRequests, api, monitors } = await setUp(t);
  const entry = await conversation();

  const started = await postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR });
  assert.equal(started.statusCode, 200, started.body);
  const { monitor } = started.json() as { monitor: { id: number; callSid: string; mode: string; supervisor: string } };
  assert.deepEqual([monitor.mode, monitor.supervisor], ["listen", "owner"]);
  const [create] = participantRequests();
  assert.ok(create);
  const form = Object.fromEntries(create.form);
  assert.deepEqual(
    { To: form.To, From: form.From, Muted: form.Muted, Coaching: form.Coaching, Beep: form.Beep, EndConferenceOnExit: form.EndConferenceOnExit, EarlyMedia: form.EarlyMedia },
    { To: SUPERVISOR, From: "+61255501234", Muted: "true", Coaching: "false", Beep: "false", EndConferenceOnExit: "false", EarlyMedia: "true" },
  );
  assert.equal(form.StatusCallback, `${BASE_URL}/twilio/voice/monitor/${monitor.id}/status`);
  assert.equal((await monitors.get(monitor.id))?.supervisorCallSid, monitor.callSid);

  const whisper = await postJson(app, session, `/api/monitors/${monitor.id}/mode`, { mode: "whisper" });
  assert.equal(whisper.statusCode, 200, whisper.body);
  const update = participantRequests().at(-1);
  assert.ok(update);
  assert.ok(update.path.endsWith(`/Participants/${monitor.callSid}.json`));
  assert.deepEqual(Object.fromEntries(update.form), { Muted: "false", Coaching: "true", CallSidToCoach: AGENT_CALL }, "coaching Ava: the caller does not hear");

  assert.equal((await postJson(app, session, `/api/monitors/${monitor.id}/mode`, { mode: "barge" })).statusCode, 200);
  assert.deepEqual(Object.fromEntries(participantRequests().at(-1)?.form ?? []), { Muted: "false", Coaching: "false" });

  const left = await postJson(app, session, `/api/monitors/${monitor.id}/leave`, {});
  assert.equal(left.statusCode, 200, left.body);
  const hangUp = api.requests.findLast((r) => r.method === "POST" && r.path.endsWith(`/Calls/${monitor.callSid}.json`));
  assert.equal(hangUp?.form.get("Status"), "completed", "leaving hangs up the supervisor's call");
  assert.ok((await monitors.get(monitor.id))?.endedAt);
  assert.equal((await postJson(app, session, `/api/monitors/${monitor.id}/leave`, {})).statusCode, 404, "left already");
  assert.equal((await postJson(app, session, `/api/monitors/${monitor.id}/mode`, { mode: "listen" })).statusCode, 404);

  assert.deepEqual(await steps(entry.callSid), [
    ["monitor.listen", "owner"],
    ["monitor.whisper", "owner"],
    ["monitor.barge", "owner"],
    ["monitor.left", "owner", "left"],
  ]);
  // The call's page says it in words.
  const detail = (await app.inject({ method: "GET", url: `/calls/${entry.callSid}`, headers: { cookie: session.cookie } })).body;
  assert.match(detail, /Listen started<\/strong>: <span class="where">Billing<\/span> · by owner/);
  assert.match(detail, /Monitoring ended<\/strong>: <span class="where">Billing<\/span> · by owner · left/);
});

test("one monitor at a time per supervisor, even when asked twice at once; refusals say why", async (t) => {
  const { app, session, conversation, queue } = await setUp(t);
  const entry = await conversation();
  const [a, b] = await Promise.all([
    postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR }),
    postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "barge", to: SUPERVISOR }),
  ]);
  assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
  assert.match((a.statusCode === 409 ? a : b).body, /already monitoring/);

  const bad = async (url: string, body: Record<string, unknown>, status: number, reason: RegExp) => {
    const response = await postJson(app, session, url, body);
    assert.equal(response.statusCode, status, `${url} ${JSON.stringify(body)}: ${response.body}`);
    assert.match(response.body, reason);
  };
  await bad(`/api/conversations/${entry.id}/monitor`, { mode: "shout", to: SUPERVISOR }, 400, /mode/);
  await bad(`/api/conversations/${entry.id}/monitor`, { mode: "listen", to: "12345" }, 400, /E\.164/);
  await bad(`/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR, extra: 1 }, 400, /extra/);
  await bad(`/api/conversations/abc/monitor`, { mode: "listen", to: SUPERVISOR }, 400, /entryId/);
  await bad(`/api/conversations/99999/monitor`, { mode: "listen", to: SUPERVISOR }, 404, /no conversation/);
  await bad(`/api/monitors/99999/mode`, { mode: "listen" }, 404, /no such monitoring session/);
  const waiting = await queue.enqueue({ callSid: sid("CA", 0xbb1), department: "billing", number: "+61491570202", enqueuedAt: new Date() });
  await bad(`/api/conversations/${waiting.id}/monitor`, { mode: "listen", to: SUPERVISOR }, 409, /not in progress/);
  // Without a number, the account's: the owner's session has none yet.
  await app.repositories.monitors.endForEntry(entry.id, "test", new Date());
  await bad(`/api/conversations/${entry.id}/monitor`, { mode: "listen" }, 400, /give a number/);

  // A form without the session's CSRF token is refused, as every dashboard write.
  const forged = await postForm(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR }, "");
  assert.equal(forged.statusCode, 403);
  // From the Live page's form: back to the page with a notice.
  const fromForm = await postForm(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: "client:sam", redirect: "/" });
  assert.equal(fromForm.statusCode, 303);
  assert.equal(fromForm.headers.location, "/?done=monitor-listen");
});

test("a supervisor's account: its phone is where it rings by default, and it is who monitors; an agent's session cannot monitor", async (t) => {
  const { app, conversation, participantRequests, clock, steps } = await setUp(t);
  const entry = await conversation();
  await app.repositories.accounts.create({ id: "sam", name: "Sam Lee", role: "supervisor", phone: "+61491570888" }, await hashPassword("sam's long password", TEST_SCRYPT), clock.now());
  const sam = await signIn(app, "sam's long password", "sam");
  const started = await postJson(app, sam, `/api/conversations/${entry.id}/monitor`, { mode: "listen" });
  assert.equal(started.statusCode, 200, started.body);
  assert.equal(participantRequests()[0]?.form.get("To"), "+61491570888");
  assert.deepEqual(await steps(entry.callSid), [["monitor.listen", "sam"]]);
  // The Live page rings Sam's phone unless told otherwise.
  const page = (await app.inject({ method: "GET", url: "/", headers: { cookie: sam.cookie } })).body;
  assert.match(page, /<input id="monitor-to" name="to" value="\+61491570888"/);
  // A supervisor cannot have the centre ring a number that is not theirs; a Client identity will do.
  const patchedOut = await postJson(app, sam, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: "+61491570999" });
  assert.equal(patchedOut.statusCode, 403, patchedOut.body);
  assert.match(patchedOut.body, /phone on their account/);
  assert.equal(participantRequests().length, 1, "nothing was asked of Twilio");
  // Sam's session is not the owner's: the owner cannot leave or change it.
  const owner = await signIn(app);
  const { monitor } = started.json() as { monitor: { id: number } };
  assert.equal((await postJson(app, owner, `/api/monitors/${monitor.id}/leave`, {})).statusCode, 403);

  await app.repositories.agents.setPasswordHash("noah", await hashPassword("noah's long password", TEST_SCRYPT));
  const login = await app.inject({ method: "POST", url: "/login", payload: { user: "noah", password: "noah's long password" } });
  assert.equal(login.statusCode, 303);
  const cookie = String(login.headers["set-cookie"]).split(";")[0] ?? "";
  const desk = (await app.inject({ method: "GET", url: "/desk", headers: { cookie } })).body;
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(desk)?.[1] ?? "";
  assert.ok(csrf);
  const refused = await app.inject({ method: "POST", url: `/api/conversations/${entry.id}/monitor`, headers: { cookie, "x-csrf-token": csrf }, payload: { mode: "listen", to: SUPERVISOR } });
  assert.equal(refused.statusCode, 403, refused.body);
});

test("the session ends when the supervisor hangs up, and when the conversation ends", async (t) => {
  const { app, session, conversation, steps, monitors, api } = await setUp(t);
  const entry = await conversation();
  const start = async () => {
    const response = await postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR });
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as { monitor: { id: number; callSid: string } }).monitor;
  };
  const status = (id: number, callSid: string, CallStatus: string) => signedPost(app, `/twilio/voice/monitor/${id}/status`, voiceParams(callSid, { CallStatus, Direction: "outbound-api" }));

  const first = await start();
  assert.equal((await status(first.id, first.callSid, "in-progress")).statusCode, 204);
  assert.ok((await monitors.get(first.id))?.answeredAt, "answered");
  // A callback naming another call changes nothing.
  assert.equal((await status(first.id, sid("CA", 0x999), "completed")).statusCode, 204);
  assert.equal((await monitors.get(first.id))?.endedAt, null);
  assert.equal((await status(first.id, first.callSid, "completed")).statusCode, 204);
  assert.equal((await monitors.get(first.id))?.endReason, "hung up");
  assert.equal((await status(first.id, first.callSid, "completed")).statusCode, 204, "a repeat is harmless");

  // The supervisor's phone is still ringing when the conversation ends: it stops, and the session ends.
  const second = await start();
  const ended = await signedPost(app, `/twilio/voice/entry/${entry.id}/conference`, {
    AccountSid: ACCOUNT_SID,
    ConferenceSid: sid("CF", 0x77),
    FriendlyName: `entry-${entry.id}`,
    StatusCallbackEvent: "conference-end",
    ReasonConferenceEnded: "participant-with-end-conference-on-exit-left",
  });
  assert.equal(ended.statusCode, 204);
  assert.equal((await monitors.get(second.id))?.endReason, "conversation ended");
  assert.equal(api.requests.findLast((r) => r.path.endsWith(`/Calls/${second.callSid}.json`))?.form.get("Status"), "completed");
  assert.deepEqual(await steps(entry.callSid), [
    ["monitor.listen", "owner"],
    ["monitor.left", "owner", "hung up"],
    ["monitor.listen", "owner"],
    ["monitor.left", "owner", "conversation ended"],
  ]);
});

test("a supervisor's participant-join is the supervisor's on the call's steps", async (t) => {
  const { app, session, conversation, db, monitors } = await setUp(t);
  const entry = await conversation();
  const { monitor } = (await postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "whisper", to: SUPERVISOR })).json() as { monitor: { id: number; callSid: string } };
  const joined = await signedPost(app, `/twilio/voice/entry/${entry.id}/conference`, {
    AccountSid: ACCOUNT_SID,
    ConferenceSid: CONFERENCE,
    FriendlyName: `entry-${entry.id}`,
    StatusCallbackEvent: "participant-join",
    CallSid: monitor.callSid,
  });
  assert.equal(joined.statusCode, 204);
  assert.ok((await monitors.get(monitor.id))?.answeredAt);
  const [step] = await db.query<{ detail: { who: string } }>(`select detail from call_events where call_sid = $1 and kind = 'conference.participant-join'`, [entry.callSid]);
  assert.equal(step?.detail.who, "supervisor");
});

test("the Live page: Listen, Whisper, Barge on a conversation; the mode and Leave for the one monitoring, the others' buttons waiting; agents' state controls", async (t) => {
  const { app, db, queue, session, conversation, agents, clock } = await setUp(t);
  const entry = await conversation();
  await agents.choose("noah", "break", "missed", clock.now());
  const fragment = async () => (await app.inject({ method: "GET", url: "/live/fragment", headers: { cookie: session.cookie } })).body;
  const rowOf = (body: string, agent: string) => new RegExp(`<tr data-agent="${agent}">[\\s\\S]*?</tr>`).exec(body)?.[0] ?? "";

  let ava = rowOf(await fragment(), "ava");
  assert.match(ava, new RegExp(`action="/api/conversations/${entry.id}/monitor"`));
  assert.deepEqual([...ava.matchAll(/value="(listen|whisper|barge)"[^>]*>(\w+)</g)].map((m) => m[2]), ["Listen", "Whisper", "Barge"]);
  assert.doesNotMatch(ava, /Make available|Sign out/, "no state buttons while Ava is on a call");
  const noah = rowOf(await fragment(), "noah");
  assert.match(noah, /action="\/api\/agents\/noah\/state"[\s\S]*value="available"[\s\S]*Make available/);
  assert.match(noah, /Sign out/);

  const started = await postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR });
  const { monitor } = started.json() as { monitor: { id: number; callSid: string } };
  ava = rowOf(await fragment(), "ava");
  assert.match(ava, /Your phone is ringing/);
  assert.match(ava, new RegExp(`action="/api/monitors/${monitor.id}/leave"`));
  await signedPost(app, `/twilio/voice/monitor/${monitor.id}/status`, voiceParams(monitor.callSid, { CallStatus: "in-progress", Direction: "outbound-api" }));
  ava = rowOf(await fragment(), "ava");
  assert.match(ava, /You are listening/);
  assert.match(ava, /value="listen"[^>]*aria-pressed="true"[^>]*disabled/);
  const live = (await app.inject({ method: "GET", url: "/api/live", headers: { cookie: session.cookie } })).json() as { agents: { id: string; call: { monitors: unknown[] } | null }[] };
  assert.deepEqual(live.agents.find((a) => a.id === "ava")?.call?.monitors, [{ id: monitor.id, supervisor: "owner", mode: "listen", joined: true }]);

  // Taking Noah off his break from the page's form: back to the page.
  const made = await postForm(app, session, "/api/agents/noah/state", { state: "available", redirect: "/" });
  assert.equal(made.statusCode, 303);
  assert.equal(made.headers.location, "/?done=state");
  assert.equal((await agents.get("noah"))?.state, "available");

  // Noah takes another caller: while the owner monitors Ava's call, Noah's buttons wait for Leave.
  // (The ACD's own dispatch, woken by Noah's new state, has nobody to offer: it is let finish first.)
  await app.acd.settled();
  await queue.enqueue({ callSid: sid("CA", 0xbb2), department: "billing", number: "+61491570203", enqueuedAt: clock.now() });
  const [second] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  assert.equal(second?.agent.id, "noah");
  await queue.offerCalling(second.offer.id, sid("CA", 0xbb3));
  assert.ok(await db.transaction((tx) => queue.with(tx).accept(second.offer.id, clock.now())));
  const body = await fragment();
  const noahsButtons = [...rowOf(body, "noah").matchAll(/<button type="submit" name="mode" value="(\w+)"[^>]*>/g)].map((m) => m[0]);
  assert.equal(noahsButtons.length, 3);
  for (const button of noahsButtons) assert.match(button, /title="You are monitoring another call: leave it first\." [^>]*disabled/);
  assert.match(rowOf(body, "ava"), new RegExp(`action="/api/monitors/${monitor.id}/leave"`), "the call monitored keeps its Leave");
});

test("a conversation that ends while the supervisor's call is being placed: the call is hung up, the session closed", async (t) => {
  const { app, db, session, conversation, steps, monitors, api, participantRequests } = await setUp(t);
  const entry = await conversation();
  const held = api.holdNextAnswer();
  const starting = postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR });
  await waitFor(() => participantRequests().length > 0, "the participant requested");
  const ended = await signedPost(app, `/twilio/voice/entry/${entry.id}/conference`, {
    AccountSid: ACCOUNT_SID,
    ConferenceSid: CONFERENCE,
    FriendlyName: `entry-${entry.id}`,
    StatusCallbackEvent: "conference-end",
  });
  assert.equal(ended.statusCode, 204);
  held.release();
  const answer = await starting;
  assert.equal(answer.statusCode, 409, answer.body);
  const [row] = await db.query<{ id: number; supervisorCallSid: string }>(`select id::int, supervisor_call_sid as "supervisorCallSid" from monitor_sessions`);
  assert.ok(row?.supervisorCallSid);
  assert.ok((await monitors.get(row.id))?.endedAt);
  assert.equal(api.requests.findLast((r) => r.path.endsWith(`/Calls/${row.supervisorCallSid}.json`))?.form.get("Status"), "completed", "the supervisor's call is hung up");
  assert.deepEqual(await steps(entry.callSid), [
    ["monitor.listen", "owner"],
    ["monitor.left", "owner", "conversation ended"],
  ]);
});

test("a supervisor's call Twilio refuses: the session ends, with a step, and the answer says why", async (t) => {
  const { app, session, conversation, steps, api, monitors } = await setUp(t);
  const entry = await conversation();
  api.fail(400, 21211, "Invalid 'To' Phone Number", 1);
  const refused = await postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "barge", to: SUPERVISOR });
  assert.equal(refused.statusCode, 502, refused.body);
  assert.match(refused.body, /21211/);
  assert.equal(await monitors.openFor("owner"), undefined, "free to try again");
  assert.deepEqual(await steps(entry.callSid), [
    ["monitor.barge", "owner"],
    ["monitor.left", "owner", "call not placed"],
  ]);
});

test("mode changes: two at once make one change at Twilio and one step; a phone not yet in the conference is refused", async (t) => {
  const { app, session, conversation, steps, participantRequests, api } = await setUp(t);
  const entry = await conversation();
  const { monitor } = (await postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "listen", to: SUPERVISOR })).json() as { monitor: { id: number } };
  api.fail(404, 20404, "The requested resource was not found", 1);
  const early = await postJson(app, session, `/api/monitors/${monitor.id}/mode`, { mode: "barge" });
  assert.equal(early.statusCode, 409, early.body);
  assert.match(early.body, /not joined/);

  const before = participantRequests().length;
  const answers = await Promise.all([1, 2].map(() => postJson(app, session, `/api/monitors/${monitor.id}/mode`, { mode: "whisper" })));
  assert.deepEqual(answers.map((a) => a.statusCode), [200, 200]);
  assert.equal(participantRequests().length - before, 1, "one participant update");
  assert.deepEqual(await steps(entry.callSid), [
    ["monitor.listen", "owner"],
    ["monitor.whisper", "owner"],
  ]);
});

test("the caller's leaving the conversation (the <Dial action>) closes the sessions on it too", async (t) => {
  const { app, session, conversation, monitors } = await setUp(t);
  const entry = await conversation();
  const { monitor } = (await postJson(app, session, `/api/conversations/${entry.id}/monitor`, { mode: "barge", to: SUPERVISOR })).json() as { monitor: { id: number } };
  const left = await signedPost(app, `/twilio/voice/entry/${entry.id}/caller-left`, voiceParams(entry.callSid, { CallStatus: "completed", DialCallStatus: "completed" }));
  assert.equal(left.statusCode, 200, left.body);
  assert.equal((await monitors.get(monitor.id))?.endReason, "conversation ended");
  assert.equal((await postJson(app, session, `/api/monitors/${monitor.id}/mode`, { mode: "listen" })).statusCode, 404);
});
