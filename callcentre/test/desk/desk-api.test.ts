// The desk's actions and what it shows, over HTTP: states chosen through the ACD's port (to the real
// database), refused while a call rings or is connected; the offer, the call with who is calling, the
// wrap-up's disposition saved to the caller's entry; the event stream pushing changes. The Agents page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CallsRepository } from "../../src/repositories/calls-repository.js";
import { QueueRepository } from "../../src/repositories/queue-repository.js";
import { MessagesRepository } from "../../src/repositories/messages-repository.js";
import type { DeskSnapshot } from "../../src/desk/desk-service.js";
import { verifyPassword } from "../../src/plugins/app/agent-passwords.js";
import { ACCOUNT_SID, OPEN_TIME, sid, waitFor } from "../helpers.js";
import { get, postForm, postJson, signIn } from "../dashboard/dashboard-helpers.js";
import { AVA_PASSWORD, BOB_PASSWORD, deskApp, offerCaller, signInAgent } from "./desk-helpers.js";
import { openDeskStream } from "./desk-stream-client.js";

const snapshotOf = async (app: Parameters<typeof get>[0], session: Parameters<typeof get>[1]) => {
  const response = await get(app, session, "/desk/api/snapshot");
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { snapshot: DeskSnapshot }).snapshot;
};

test("an agent goes available, on a break with a reason and offline; each change is in the agent's history", async (t) => {
  const { app, agents, port } = await deskApp(t);
  const session = await signInAgent(app, "ava", AVA_PASSWORD);
  assert.equal((await snapshotOf(app, session)).agent.state, "offline");

  const available = await postForm(app, session, "/desk/api/state", { state: "available", redirect: "/desk" });
  assert.equal(available.statusCode, 303);
  assert.equal(available.headers.location, "/desk");
  assert.equal((await agents.get("ava"))?.state, "available");

  const lunch = await postJson(app, session, "/desk/api/state", { state: "break", reason: "lunch" });
  assert.deepEqual(lunch.json(), { ok: true, state: "break" });
  const row = await agents.get("ava");
  assert.deepEqual([row?.state, row?.reason], ["break", "lunch"]);
  assert.match((await get(app, session, "/desk")).body, /On break · Lunch/);

  assert.equal((await postJson(app, session, "/desk/api/state", { state: "offline" })).statusCode, 200);
  const history = await agents.history("ava", new Date(0), new Date(OPEN_TIME.getTime() + 1));
  assert.deepEqual(history.map((h) => [h.state, h.reason]), [["available", null], ["break", "lunch"], ["offline", null]]);
  assert.deepEqual(port.choices.map((c) => c.agentId), ["ava", "ava", "ava"], "every change went through the ACD's port");

  const unknownReason = await postJson(app, session, "/desk/api/state", { state: "break", reason: "nap" });
  assert.equal(unknownReason.statusCode, 400);
  const noCsrf = await postForm(app, session, "/desk/api/state", { state: "available" }, "");
  assert.equal(noCsrf.statusCode, 403, "the desk's forms need the session's CSRF token");
});

test("while a call is offered the agent cannot change state, and the desk says why", async (t) => {
  const { app, db, agents } = await deskApp(t);
  const session = await signInAgent(app, "ava", AVA_PASSWORD);
  await postJson(app, session, "/desk/api/state", { state: "available" });
  const [offer] = await offerCaller(db, OPEN_TIME, { n: 1 });
  assert.equal(offer?.agent.id, "ava");
  assert.equal((await agents.get("ava"))?.state, "busy");

  const refused = await postJson(app, session, "/desk/api/state", { state: "offline" });
  assert.equal(refused.statusCode, 409);
  assert.match(refused.json().message, /your state follows the call/);
  const form = await postForm(app, session, "/desk/api/state", { state: "break", reason: "lunch", redirect: "/desk" });
  assert.equal(form.statusCode, 303);
  assert.equal(form.headers.location, "/desk?error=busy");
  const page = await get(app, session, "/desk?error=busy");
  assert.match(page.body, /Not changed: a call is ringing for you or you are on one\./);
  assert.match(page.body, /Your state follows the call until it ends\./);
  assert.equal((await agents.get("ava"))?.state, "busy", "still busy");
});

test("an offer shows the department, the caller's city, the wait and where to answer", async (t) => {
  const { app, db } = await deskApp(t);
  const ava = await signInAgent(app, "ava", AVA_PASSWORD);
  await postJson(app, ava, "/desk/api/state", { state: "available" });
  await offerCaller(db, OPEN_TIME, { n: 1, waitedMs: 130_000 });
  const snapshot = await snapshotOf(app, ava);
  assert.equal(snapshot.work?.status, "ringing");
  assert.equal(snapshot.work?.departmentName, "Billing");
  assert.equal(snapshot.work?.enqueuedAt, new Date(OPEN_TIME.getTime() - 130_000).toISOString());
  const page = await get(app, ava, "/desk");
  assert.match(page.body, /Billing call from Sydney, waiting <span class="ticker" data-since="[^"]+">2:10<\/span> — answer on your phone/);

  // Bob has a phone and a softphone: he chooses where calls ring, and the offer says so.
  const bob = await signInAgent(app, "bob", BOB_PASSWORD);
  assert.match((await get(app, bob, "/desk")).body, /<select id="device" name="device">/);
  assert.doesNotMatch(page.body, /<select id="device"/, "Ava has only a phone: no choice");
  await postJson(app, bob, "/desk/api/device", { device: "client" });
  await postJson(app, bob, "/desk/api/state", { state: "available" });
  await offerCaller(db, OPEN_TIME, { n: 2, number: "+61491570002", city: "MELBOURNE", waitedMs: 5_000 });
  assert.match((await get(app, bob, "/desk")).body, /Billing call from Melbourne, waiting <span[^>]*>0:05<\/span> — answer in the softphone/);
});

test("on a call the desk shows who is calling, their way through the menu, the wait and their history; the wrap-up is saved to the entry", async (t) => {
  const { app, db, queue, agents } = await deskApp(t);
  const calls = new CallsRepository(db);
  const messages = new MessagesRepository(db);
  const number = "+61491570001";
  const earlier = new Date(OPEN_TIME.getTime() - 86_400_000);
  await calls.upsert({ sid: sid("CA", 9), accountSid: ACCOUNT_SID, from: number, to: "+61255501234", direction: "inbound", status: "completed" }, earlier);
  await calls.upsert({ sid: sid("CA", 1), accountSid: ACCOUNT_SID, from: number, to: "+61255501234", direction: "inbound", status: "in-progress", callerName: "JANE CITIZEN" }, OPEN_TIME);
  await calls.addEvents(sid("CA", 1), [{ kind: "menu.option", node: "main-menu", detail: { label: "Billing", key: "1" } }], OPEN_TIME);
  await messages.add({ direction: "inbound", from: number, to: "+61255501234", body: "Is my bill ready?", status: "received", kind: "inbox" }, earlier);

  const session = await signInAgent(app, "ava", AVA_PASSWORD);
  await postJson(app, session, "/desk/api/state", { state: "available" });
  const [offer] = await offerCaller(db, OPEN_TIME, { n: 1, number, waitedMs: 95_000 });
  assert.ok(offer);
  await queue.offerCalling(offer.offer.id, sid("CA", 0xa1));
  assert.ok(await queue.accept(offer.offer.id, OPEN_TIME));

  const onCall = await snapshotOf(app, session);
  assert.equal(onCall.work?.status, "connected");
  assert.equal(onCall.caller?.name, "JANE CITIZEN");
  assert.equal(onCall.caller?.waitedSeconds, 95);
  assert.deepEqual(onCall.caller?.path, ["Chose: main menu · Billing (key 1)"]);
  assert.deepEqual(onCall.caller?.previousCalls.map((c) => c.sid), [sid("CA", 9)], "the call itself is not among the earlier ones");
  assert.deepEqual(onCall.caller?.texts.map((m) => m.body), ["Is my bill ready?"]);
  const page = (await get(app, session, "/desk")).body;
  assert.match(page, /On a call: Billing/);
  // The call controls: hold, mute, the recording (Billing records), hang up; nowhere to transfer to.
  assert.match(page, /<div id="call-controls" data-held="false" data-muted="false" data-recording="on">/);
  for (const action of ["hold", "mute", "pause-recording", "hangup"]) assert.match(page, new RegExp(`data-action="${action}"`));
  assert.doesNotMatch(page, /data-action="transfer"/);
  assert.match(page, /<dd>1:35<\/dd>/, "waited 1:35");

  await queue.agentCallEnded(sid("CA", 0xa1), new Date(OPEN_TIME.getTime() + 60_000), 0);
  assert.equal((await agents.get("ava"))?.state, "wrap-up");
  const wrapUp = await snapshotOf(app, session);
  assert.equal(wrapUp.wrapUp?.entryId, offer.entry.id);
  assert.match((await get(app, session, "/desk")).body, /Wrap-up: Billing call from \+61491570001/);

  const saved = await postForm(app, session, "/desk/api/wrap-up", { entryId: String(offer.entry.id), disposition: "follow-up", note: "  Call back Friday\r\nwith the refund  ", redirect: "/desk" });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, "/desk?done=saved");
  const [row] = await db.query<{ disposition: string; note: string }>("select disposition, note from queue_entries where id = $1", [offer.entry.id]);
  assert.deepEqual(row, { disposition: "follow-up", note: "Call back Friday\nwith the refund" });
  assert.match((await get(app, session, "/desk?done=saved")).body, /Saved: Follow-up needed/);

  const bob = await signInAgent(app, "bob", BOB_PASSWORD);
  const notBobs = await postJson(app, bob, "/desk/api/wrap-up", { entryId: offer.entry.id, disposition: "resolved" });
  assert.equal(notBobs.statusCode, 409, "an agent wraps up only their own calls");
  const bad = await postJson(app, session, "/desk/api/wrap-up", { entryId: offer.entry.id, disposition: "forgotten" });
  assert.equal(bad.statusCode, 400);

  const ready = await postForm(app, session, "/desk/api/state", { state: "available", redirect: "/desk" });
  assert.equal(ready.statusCode, 303);
  assert.equal((await agents.get("ava"))?.state, "available", "Ready: available again");
});

test("the desk's stream sends the snapshot, then every change the ACD reports, and ends when the agent signs out", async (t) => {
  const { app, db, port } = await deskApp(t);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const session = await signInAgent(app, "ava", AVA_PASSWORD);
  const stream = await openDeskStream(t, app, session.cookie);
  assert.equal(stream.status, 200);
  await waitFor(() => stream.events.length >= 1, "the first snapshot");
  assert.equal(stream.events[0]?.snapshot.agent.state, "offline");
  assert.match(stream.events[0]?.html ?? "", /You are offline/);

  await postJson(app, session, "/desk/api/state", { state: "available" });
  await waitFor(() => stream.events.some((e) => e.snapshot.agent.state === "available"), "the change of state");

  // An offer made elsewhere (dispatch), announced by the ACD through the port.
  await offerCaller(db, OPEN_TIME, { n: 1 });
  port.changed("ava");
  await waitFor(() => stream.events.some((e) => e.snapshot.work?.status === "ringing"), "the offer");
  assert.match(stream.events.at(-1)?.html ?? "", /Billing call from Sydney/);

  // The caller hangs up while it rings: the offer is canceled and Ava is available again. Changes that
  // show nothing new (a refused choice, every agent's desk) send nothing.
  port.changed(undefined);
  port.changed("bob");
  await postJson(app, session, "/desk/api/state", { state: "offline" }).then((r) => assert.equal(r.statusCode, 409));
  await new QueueRepository(db).callerGone(sid("CA", 1), OPEN_TIME);
  port.changed("ava");
  await waitFor(() => stream.events.at(-1)?.snapshot.work === null && stream.events.at(-1)?.snapshot.agent.state === "available", "the offer to go");
  const texts = stream.events.map((e) => JSON.stringify(e.snapshot));
  assert.ok(texts.every((text, i) => i === 0 || text !== texts[i - 1]), "no snapshot is sent twice in a row");

  await postForm(app, session, "/logout", {});
  await waitFor(() => stream.ended(), "the stream to end with the session");
});

test("the owner's Agents page lists the agents and sets a password, shown once; the agent signs in with it", async (t) => {
  const { app, agents } = await deskApp(t);
  await agents.setPasswordHash("bob", null);
  const owner = await signIn(app);
  const page = await get(app, owner, "/agents");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<tr data-agent="ava">[\s\S]*?Ava Nguyen[\s\S]*?Billing[\s\S]*?offline[\s\S]*?data-password-state="set"/);
  assert.match(page.body, /<tr data-agent="bob">[\s\S]*?Billing, Sales \(overflow\)[\s\S]*?data-password-state="not-set"/);

  const set = await postForm(app, owner, "/agents/bob/password", {});
  assert.equal(set.statusCode, 200);
  assert.equal(set.headers["cache-control"], "no-store");
  const password = /<code class="password" data-password>([^<]+)<\/code>/.exec(set.body)?.[1];
  assert.ok(password && password.length >= 12);
  assert.ok(await verifyPassword(password, await agents.passwordHash("bob")));
  assert.match(set.body, /<tr data-agent="bob">[\s\S]*?data-password-state="set"/);
  assert.doesNotMatch((await get(app, owner, "/agents")).body, new RegExp(password), "shown once");
  await signInAgent(app, "bob", password);

  const api = await postJson(app, owner, "/api/agents/ava/password");
  assert.equal(api.statusCode, 200);
  assert.equal(typeof api.json().password, "string");
  assert.equal((await postJson(app, owner, "/api/agents/nobody/password")).statusCode, 404);
  const list = await get(app, owner, "/api/agents");
  assert.deepEqual(
    list.json().agents.map((a: { id: string; passwordSet: boolean }) => [a.id, a.passwordSet]),
    [["ava", true], ["bob", true]],
  );
});

test("call controls and an owner's change of state refuse bad input with the reason, and change nothing", async (t) => {
  const { app, agents } = await deskApp(t);
  const ava = await signInAgent(app, "ava", AVA_PASSWORD);
  const refused = async (url: string, body: Record<string, unknown>, status: number, reason: RegExp, session = ava) => {
    const res = await postJson(app, session, url, body);
    assert.equal(res.statusCode, status, res.body);
    assert.match(res.json().message, reason);
  };
  await refused("/desk/api/call", { action: "hold-forever" }, 400, /action/);
  await refused("/desk/api/call", { action: "transfer" }, 400, /to: a transfer needs somewhere to go/);
  await refused("/desk/api/call", { action: "transfer", to: "queue:sales" }, 400, /to: must be "department:<id>" or "agent:<id>"/);
  await refused("/desk/api/call", { action: "consult", to: "department:sales" }, 400, /to: a consultation is with an agent/);
  await refused("/desk/api/call", { action: "hold", extra: "x" }, 400, /extra|unrecognized/i);
  const owner = await signIn(app);
  await refused("/api/agents/ava/state", { state: "asleep" }, 400, /state/, owner);
  await refused("/api/agents/nobody/state", { state: "available" }, 404, /no agent nobody/, owner);
  // An agent's session cannot change another agent's state through the owner's API.
  assert.equal((await postJson(app, ava, "/api/agents/bob/state", { state: "available" })).statusCode, 403);
  assert.deepEqual((await agents.list()).map((a) => [a.id, a.state]), [["ava", "offline"], ["bob", "offline"]]);
  const done = await postJson(app, owner, "/api/agents/ava/state", { state: "break", reason: "training" });
  assert.equal(done.statusCode, 200);
  assert.deepEqual([done.json().agent.state, done.json().agent.reason], ["break", "training"]);
});
