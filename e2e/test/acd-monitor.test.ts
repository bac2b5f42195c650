// A supervisor monitors a conversation through the carrier (docs/monitoring.md): a caller in Billing's
// line is taken by Ava; the owner listens in (their handset joins the conference muted: they hear
// both, nobody hears them), whispers (only Ava hears them), barges (both do), and leaves. Who hears
// whom is the carrier's: a handset's speech is heard by the conference's participants by Twilio's
// rules, as "heard" events on their calls. Each start, change and end is a step of the caller's call,
// with who did it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NOAH, callWithAva, deskOf, participant, ringing, startAcdSystem, waitFor } from "./acd-system.js";
import type { CarrierClient } from "./system.js";

const SUPERVISOR = "+61491570190";

/** The handset on `sid` says `text`: whether anyone heard it. */
async function speak(carrier: CarrierClient, sid: string, text: string): Promise<boolean> {
  const res = await fetch(`${carrier.url}/_carrier/calls/${sid}/speech`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text }) });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { accepted: boolean }).accepted;
}

/** Whether the handset on `sid` heard `text` (the carrier's "heard" events). */
async function heard(carrier: CarrierClient, sid: string, text: string): Promise<boolean> {
  return (await carrier.call(sid)).timeline.some((e) => e.type === "heard" && e.text === text);
}

test("a supervisor listens, whispers, barges and leaves a conversation carried by the carrier", async (t) => {
  const system = await startAcdSystem(t);
  const { carrier, owner } = system;
  const ava = await deskOf(system, "ava");
  await ava.state("available");

  const { caller, ava: avaCall } = await callWithAva(system);
  const entryId = (await ava.snapshot()).work?.entryId;
  assert.ok(entryId);
  assert.equal(await speak(carrier, caller, "my bill is wrong"), true);
  assert.equal(await heard(carrier, avaCall, "my bill is wrong"), true, "the caller and Ava hear each other");

  // Listen: the supervisor's phone rings; answered, it is in the conference, muted.
  const { monitor } = await owner.post<{ monitor: { id: number; callSid: string } }>(`/api/conversations/${entryId}/monitor`, { mode: "listen", to: SUPERVISOR });
  const supervisorCall = await ringing(carrier, SUPERVISOR);
  assert.equal(supervisorCall.sid, monitor.callSid);
  await carrier.answer(supervisorCall.sid);
  await waitFor("the supervisor in the conference", async () => ((await participant(system, supervisorCall.sid))?.status === "connected" ? true : undefined));
  const joined = async () => {
    const { agents } = await owner.get<{ agents: { id: string; call: { monitors: { id: number; mode: string; joined: boolean }[] } | null }[] }>("/api/live");
    return agents.find((a) => a.id === "ava")?.call?.monitors.find((m) => m.id === monitor.id);
  };
  await waitFor("the session joined", async () => ((await joined())?.joined ? true : undefined));
  assert.deepEqual(await participant(system, supervisorCall.sid).then((p) => p && { muted: p.muted, coaching: p.coaching }), { muted: true, coaching: false });
  assert.equal(await speak(carrier, caller, "the March bill"), true);
  assert.equal(await heard(carrier, supervisorCall.sid, "the March bill"), true, "the supervisor hears the caller");
  assert.equal(await speak(carrier, avaCall, "let me check"), true);
  assert.equal(await heard(carrier, supervisorCall.sid, "let me check"), true, "and Ava");
  assert.equal(await speak(carrier, supervisorCall.sid, "listening only"), false, "nobody hears a listening supervisor");
  assert.equal(await heard(carrier, caller, "listening only"), false);
  assert.equal(await heard(carrier, avaCall, "listening only"), false);

  // Whisper: Ava hears the supervisor; the caller does not.
  await owner.post(`/api/monitors/${monitor.id}/mode`, { mode: "whisper" });
  const coaching = await participant(system, supervisorCall.sid);
  assert.deepEqual(coaching && { muted: coaching.muted, coaching: coaching.coaching, toCoach: coaching.call_sid_to_coach }, { muted: false, coaching: true, toCoach: avaCall });
  assert.equal(await speak(carrier, supervisorCall.sid, "offer the payment plan"), true);
  assert.equal(await heard(carrier, avaCall, "offer the payment plan"), true, "Ava hears the whisper");
  assert.equal(await heard(carrier, caller, "offer the payment plan"), false, "the caller does not");
  assert.equal(await speak(carrier, caller, "can I pay later"), true);
  assert.equal(await heard(carrier, supervisorCall.sid, "can I pay later"), true, "the supervisor still hears the caller");

  // Barge: both hear the supervisor.
  await owner.post(`/api/monitors/${monitor.id}/mode`, { mode: "barge" });
  assert.deepEqual(await participant(system, supervisorCall.sid).then((p) => p && { muted: p.muted, coaching: p.coaching }), { muted: false, coaching: false });
  assert.equal(await speak(carrier, supervisorCall.sid, "I am the team lead"), true);
  assert.equal(await heard(carrier, caller, "I am the team lead"), true);
  assert.equal(await heard(carrier, avaCall, "I am the team lead"), true);

  // Leave: the supervisor's call ends; the conversation goes on.
  await owner.post(`/api/monitors/${monitor.id}/leave`, {});
  await waitFor("the supervisor's call to end", async () => ((await carrier.call(supervisorCall.sid)).status === "completed" ? true : undefined));
  assert.equal((await carrier.call(caller)).activity, "bridged");
  assert.equal(await speak(carrier, caller, "thanks"), true);
  assert.equal(await heard(carrier, avaCall, "thanks"), true);

  await waitFor("the conference's word that the supervisor left", async () =>
    (await owner.events(caller)).some((e) => e.kind === "conference.participant-leave" && e.detail.who === "supervisor") ? true : undefined,
  );
  const steps = (await owner.events(caller)).filter((e) => e.kind.startsWith("monitor.") || (e.kind.startsWith("conference.participant") && e.detail.who === "supervisor"));
  assert.deepEqual(
    steps.map((e) => [e.kind, e.detail.by ?? e.detail.who, e.detail.reason ?? null]),
    [
      ["monitor.listen", "owner", null],
      ["conference.participant-join", "supervisor", null],
      ["monitor.whisper", "owner", null],
      ["monitor.barge", "owner", null],
      ["monitor.left", "owner", "left"],
      ["conference.participant-leave", "supervisor", null],
    ],
  );

  // A second session, ended by the supervisor hanging up; then the conversation's end.
  const again = await owner.post<{ monitor: { id: number } }>(`/api/conversations/${entryId}/monitor`, { mode: "listen", to: SUPERVISOR });
  const second = await waitFor("the supervisor's phone again", async () => (await carrier.phoneCalls(SUPERVISOR)).calls.find((c) => c.status === "ringing" && c.sid !== supervisorCall.sid));
  await carrier.answer(second.sid);
  await waitFor("the session joined", async () => ((await participant(system, second.sid))?.status === "connected" ? true : undefined));
  await carrier.hangup(second.sid);
  await waitFor("the session ended by the hang-up", async () => {
    const events = await owner.events(caller);
    return events.some((e) => e.kind === "monitor.left" && e.detail.monitor === again.monitor.id && e.detail.reason === "hung up") ? true : undefined;
  });
  await carrier.hangup(avaCall);
  await carrier.hangup(caller);
  await waitFor("Ava in wrap-up", async () => ((await ava.snapshot()).agent.state === "wrap-up" ? true : undefined));
});

test("a whisper follows the call when Ava hands it over to Noah (a warm transfer)", async (t) => {
  const system = await startAcdSystem(t);
  const { carrier, owner } = system;
  const ava = await deskOf(system, "ava");
  const noah = await deskOf(system, "noah");
  await ava.state("available");

  const { caller, ava: avaCall } = await callWithAva(system);
  const entryId = (await ava.snapshot()).work?.entryId;
  const { monitor } = await owner.post<{ monitor: { id: number; callSid: string } }>(`/api/conversations/${entryId}/monitor`, { mode: "whisper", to: SUPERVISOR });
  await carrier.answer((await ringing(carrier, SUPERVISOR)).sid);
  await waitFor("the supervisor in the conference", async () => ((await participant(system, monitor.callSid))?.status === "connected" ? true : undefined));
  await waitFor("the session joined", async () => ((await owner.events(caller)).some((e) => e.kind === "conference.participant-join" && e.detail.who === "supervisor") ? true : undefined));

  await noah.state("available");
  assert.equal((await ava.call("consult", "agent:noah")).status, 200);
  const toNoah = await ringing(carrier, NOAH);
  await carrier.answer(toNoah.sid);
  await carrier.settled(toNoah.sid);
  await carrier.press(toNoah.sid, "1");
  await waitFor("Noah in the conference", async () => ((await ava.snapshot()).work?.controls?.consult?.status === "joined" ? true : undefined));
  assert.equal((await ava.call("complete-transfer")).status, 200);
  await waitFor("Ava's call to end", async () => ((await carrier.call(avaCall)).status === "completed" ? true : undefined));

  assert.equal((await participant(system, monitor.callSid))?.call_sid_to_coach, toNoah.sid, "the whisper coaches Noah now");
  assert.equal(await speak(carrier, monitor.callSid, "Noah, check the March bill"), true);
  assert.equal(await heard(carrier, toNoah.sid, "Noah, check the March bill"), true);
  assert.equal(await heard(carrier, caller, "Noah, check the March bill"), false, "the caller still does not hear the whisper");

  // Noah hangs up: the conversation is over for the supervisor too.
  await carrier.hangup(toNoah.sid);
  await waitFor("the supervisor's call to end", async () => ((await carrier.call(monitor.callSid)).status === "completed" ? true : undefined));
  // Closed by whichever Twilio tells first: the conference's end, or the supervisor's call completed.
  const left = await waitFor("the session closed", async () => (await owner.events(caller)).find((e) => e.kind === "monitor.left"));
  assert.ok(["conversation ended", "hung up"].includes(String(left.detail.reason)), String(left.detail.reason));
  await carrier.hangup(caller);
});
