// A warm transfer, as both warm-transfer apps (Express and Flask) do it, driven through the carrier:
// the caller waits in a conference named for the call while the app adds agent 1 over the
// Participants API; agent 1's desk (the app's /desk routes) puts the caller on hold, adds agent 2,
// talks to agent 2 where the caller cannot hear, takes the caller off hold and leaves; the caller
// and agent 2 talk on until the caller hangs up. Both apps follow the same script, so one scenario
// checks both, timeline by timeline.
import assert from "node:assert/strict";
import twilio from "twilio";
import { ACCOUNT_SID, AUTH_TOKEN, heard, said, type CallView, type RunningCarrier } from "./carrier.js";

export const NUMBER = "+15005550006";
export const CALLER = "+14155550100";
export const AGENT1 = "client:agent1";
export const AGENT2 = "client:agent2";

/** A conference status callback as the app received it (its signature checked). */
export interface ConferenceEvent {
  event: string;
  sequenceNumber: number;
  callSid?: string | null | undefined;
  label?: string | null | undefined;
  hold?: string | null | undefined;
}

/** A running warm-transfer app, as the scenario sees it. */
export interface WarmTransferApp {
  /** Its origin: /incoming is the number's voice URL, /desk/{conference}/… the agent's desk. */
  url: string;
  /** The words of its greeting, wait music and hold music (`<Say>`s). */
  texts: { greeting: string; waitMusic: string; holdMusic: string };
  /** The conference status callbacks it has accepted. */
  events(): Promise<ConferenceEvent[]>;
  /** The requests it answered with 4xx or 5xx. */
  rejected(): Promise<{ path: string; status: number }[]>;
}

/** Buys the number for the app and brings both agents' browsers online. */
export async function prepare(carrier: RunningCarrier, app: WarmTransferApp): Promise<void> {
  await carrier.buyNumber(NUMBER, { voiceUrl: `${app.url}/incoming` });
  await carrier.registerClient("agent1");
  await carrier.registerClient("agent2");
}

async function desk(appUrl: string, conference: string, action: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${appUrl}/desk/${conference}/${action}`, { method: "POST" });
  const body = await res.text();
  assert.equal(res.status, 200, `${action}: ${body}`);
  return JSON.parse(body) as Record<string, unknown>;
}

/** The call's timeline events of these types, without their seq and time. */
function steps(call: CallView, ...types: string[]) {
  return call.timeline.filter((e) => types.includes(e.type)).map(({ seq: _seq, at: _at, ...rest }) => rest);
}

async function answer(carrier: RunningCarrier, address: string): Promise<CallView> {
  const leg = await carrier.ringingOn(address);
  await carrier.control("POST", `/calls/${leg.sid}/answer`);
  return carrier.settled(leg.sid);
}

/** The conference status callbacks in SequenceNumber order (they are sent at once, so may arrive out of it). */
function ordered(events: ConferenceEvent[]) {
  return [...events].sort((a, b) => a.sequenceNumber - b.sequenceNumber).map((e) => [e.sequenceNumber, e.event, e.label ?? null]);
}

/** The whole transfer, step by step, with what each party's timeline shows. */
export async function warmTransfer(carrier: RunningCarrier, app: WarmTransferApp): Promise<void> {
  const { texts } = app;
  // The caller is greeted, then waits in the conference (named for the call) with the app's music.
  const caller = await carrier.call(CALLER, NUMBER);
  await carrier.advance(10);
  const waiting = await carrier.settled(caller.sid);
  assert.deepEqual(said(waiting), [texts.greeting, texts.waitMusic]);
  assert.deepEqual(
    steps(waiting, "conference.join", "conference.wait").map((e) => [e.type, e.name ?? e.music, e.label ?? e.hold]),
    [
      ["conference.join", caller.sid, "customer"],
      ["conference.wait", `${app.url}/music/wait`, false],
    ],
  );
  assert.equal(await carrier.speak(caller.sid, "Hello?"), false, "before an agent joins, nobody hears the caller");

  // Agent 1's browser rings (the app's Participants create); answering starts the conference.
  const agent1 = await answer(carrier, AGENT1);
  assert.equal(agent1.status, "in-progress");
  assert.ok(await carrier.speak(caller.sid, "My printer is on fire"));
  assert.ok(await carrier.speak(agent1.sid, "Let me get a colleague"));

  // Hold: the caller hears the app's hold music (HoldUrl, GET) and no longer hears the agents.
  assert.deepEqual(await desk(app.url, caller.sid, "hold"), { callSid: caller.sid, hold: true });
  await carrier.advance(10);
  const held = await carrier.settled(caller.sid);
  assert.equal(said(held).at(-1), texts.holdMusic);
  assert.equal(held.timeline.filter((e) => e.type === "conference.wait" && e.hold === true && e.music === `${app.url}/music/hold`).length, 1);

  // Agent 2 (Participants create) joins; the agents talk, and the caller hears neither.
  const added = await desk(app.url, caller.sid, "add-agent");
  const agent2 = await answer(carrier, AGENT2);
  assert.equal(added.callSid, agent2.sid);
  assert.ok(await carrier.speak(agent1.sid, "Customer with a printer fire"));
  assert.ok(await carrier.speak(agent2.sid, "I'll take it"));
  assert.equal(await carrier.speak(caller.sid, "Is anyone there?"), false, "the caller on hold is heard by nobody");

  // Unhold: all three hear each other; then agent 1 leaves (removed) and the caller talks to agent 2.
  assert.deepEqual(await desk(app.url, caller.sid, "unhold"), { callSid: caller.sid, hold: false });
  assert.ok(await carrier.speak(agent1.sid, "Sam will help you now"));
  assert.deepEqual(await desk(app.url, caller.sid, "leave"), { left: true });
  const gone = await carrier.settled(agent1.sid);
  assert.equal(gone.status, "completed", "agent 1's Dial had no action: its call ends");
  assert.ok(await carrier.speak(agent2.sid, "Hello, this is Sam"));
  assert.ok(await carrier.speak(caller.sid, "Thanks Sam"));
  // The caller hangs up: endConferenceOnExit ends the conference, and agent 2's call with it.
  await carrier.control("POST", `/calls/${caller.sid}/hangup`);
  const [c, a1, a2] = await Promise.all([caller.sid, agent1.sid, agent2.sid].map((sid) => carrier.settled(sid)));
  assert.ok(c && a1 && a2);
  assert.equal(a2.status, "completed");

  // Each timeline shows each step, and who heard what.
  assert.deepEqual(heard(c), [
    ["Let me get a colleague", AGENT1],
    ["Sam will help you now", AGENT1],
    ["Hello, this is Sam", AGENT2],
  ]);
  assert.deepEqual(heard(a1), [
    ["My printer is on fire", CALLER],
    ["I'll take it", AGENT2],
  ]);
  assert.deepEqual(heard(a2), [
    ["Customer with a printer fire", AGENT1],
    ["Sam will help you now", AGENT1],
    ["Thanks Sam", CALLER],
  ]);
  assert.deepEqual(steps(c, "conference.update").map((e) => e.hold), [true, false]);
  assert.deepEqual(steps(a1, "conference.join", "conference.leave").map((e) => [e.type, e.label ?? e.reason]), [
    ["conference.join", "agent1"],
    ["conference.leave", "participant-kicked"],
  ]);
  assert.deepEqual(steps(c, "conference.status").map((e) => [e.status, e.reason]), [
    ["in-progress", undefined],
    ["completed", "participant-with-end-conference-on-exit-left"],
  ]);

  // The app got every conference status callback (signed: none was rejected), numbered in order.
  assert.deepEqual(ordered(await app.events()), [
    [1, "participant-join", "customer"],
    [2, "participant-join", "agent1"],
    [3, "conference-start", null],
    [4, "participant-hold", "customer"],
    [5, "participant-join", "agent2"],
    [6, "participant-unhold", "customer"],
    [7, "participant-leave", "agent1"],
    [8, "participant-leave", "customer"],
    [9, "conference-end", null],
    [10, "participant-leave", "agent2"],
  ]);
  assert.deepEqual(await app.rejected(), [], "the app rejected none of the carrier's requests");
  for (const call of [c, a1, a2]) {
    assert.ok(call.timeline.every((e) => e.type !== "error" && e.type !== "twiml.error"), JSON.stringify(steps(call, "error", "twiml.error")));
  }
}

/**
 * A conference status callback signed with another token gets the app's 403; signed right, it is
 * taken. A signed TwiML request is answered text/html, the framework's default for a string.
 */
export async function forgedCallback(app: WarmTransferApp): Promise<void> {
  const params = { AccountSid: ACCOUNT_SID, ConferenceSid: `CF${"0".repeat(32)}`, FriendlyName: "room", StatusCallbackEvent: "conference-end", SequenceNumber: "1" };
  const url = `${app.url}/conference/events`;
  const forged = await fetch(url, {
    method: "POST",
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature("not-the-auth-token", url, params) },
    body: new URLSearchParams(params),
  });
  assert.equal(forged.status, 403);
  assert.equal((await app.events()).length, 0);
  const signed = await fetch(url, {
    method: "POST",
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params) },
    body: new URLSearchParams(params),
  });
  assert.equal(signed.status, 204);
  assert.deepEqual((await app.events()).map((e) => e.event), ["conference-end"]);

  // Its TwiML comes as its framework sends a string by default (text/html), which the carrier runs.
  const waitParams = { AccountSid: ACCOUNT_SID, CallSid: `CA${"0".repeat(32)}`, ConferenceSid: params.ConferenceSid, FriendlyName: "room" };
  const waitUrl = `${app.url}/music/wait`;
  const music = await fetch(waitUrl, {
    method: "POST",
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(AUTH_TOKEN, waitUrl, waitParams) },
    body: new URLSearchParams(waitParams),
  });
  assert.equal(music.status, 200);
  assert.match(music.headers.get("content-type") ?? "", /^text\/html; charset=utf-8$/);
  assert.equal(
    await music.text(),
    `<?xml version="1.0" encoding="UTF-8"?><Response><Say loop="0">${app.texts.waitMusic}</Say></Response>`,
  );
}
