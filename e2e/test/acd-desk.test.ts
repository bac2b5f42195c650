// An agent's conversation, driven from their desk through the carrier (docs/queue.md, "From the
// desk"): hold and resume, mute, the recording paused while a card number is read, a cold transfer to
// another department's line (at its front), and a warm transfer: the caller on hold while a second
// agent is consulted, then handed over. Callers and agents are the carrier's handsets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { said } from "./system.js";
import { LIAM, NOAH, callWithAva, deskOf, inConversation, participant, ringing, startAcdSystem, waitFor, type AcdSystem } from "./acd-system.js";

async function recordingStatus(system: AcdSystem): Promise<string | undefined> {
  const { carrier } = system;
  const auth = `Basic ${Buffer.from(`${carrier.credentials.accountSid}:${carrier.credentials.authToken}`).toString("base64")}`;
  const base = `${carrier.url}/2010-04-01/Accounts/${carrier.credentials.accountSid}`;
  const { conferences } = (await (await fetch(`${base}/Conferences.json?Status=in-progress`, { headers: { authorization: auth } })).json()) as { conferences: { sid: string }[] };
  const [conference] = conferences;
  if (!conference) return undefined;
  const { recordings } = (await (await fetch(`${base}/Conferences/${conference.sid}/Recordings.json`, { headers: { authorization: auth } })).json()) as { recordings: { status: string }[] };
  return recordings[0]?.status;
}

test("from the desk: hold, mute, pausing the recording, cold and warm transfers", async (t) => {
  const system = await startAcdSystem(t);
  const { carrier, owner } = system;
  const ava = await deskOf(system, "ava");
  const noah = await deskOf(system, "noah");
  await ava.state("available");

  await t.test("hold and resume, mute, and the recording paused while a card number is read", async () => {
    const { caller, ava: avaCall } = await callWithAva(system);
    let desk = await ava.snapshot();
    assert.deepEqual(desk.work?.controls && { held: desk.work.controls.callerHeld, records: desk.work.controls.records }, { held: false, records: true });

    assert.equal((await ava.call("hold")).status, 200);
    assert.equal((await participant(system, caller))?.hold, true, "the caller is on hold in the conference");
    desk = await ava.snapshot();
    assert.equal(desk.work?.controls?.callerHeld, true);
    assert.equal((await ava.call("resume")).status, 200);
    assert.equal((await participant(system, caller))?.hold, false);

    assert.equal((await ava.call("mute")).status, 200);
    assert.equal((await participant(system, avaCall))?.muted, true);
    assert.equal((await ava.call("unmute")).status, 200);

    assert.equal(await recordingStatus(system), "in-progress");
    assert.equal((await ava.call("pause-recording")).status, 200);
    assert.equal(await recordingStatus(system), "paused");
    assert.equal((await ava.snapshot()).work?.controls?.recordingPaused, true);
    assert.equal((await ava.call("resume-recording")).status, 200);
    assert.equal(await recordingStatus(system), "in-progress");
    const events = await owner.events(caller);
    assert.deepEqual(
      events.filter((e) => /^(call\.(held|resumed)|recording\.(paused|resumed))$/.test(e.kind)).map((e) => e.kind),
      ["call.held", "call.resumed", "recording.paused", "recording.resumed"],
      "each is one of the call's steps, with its time",
    );

    assert.equal((await ava.call("hangup")).status, 200);
    await waitFor("Ava's call to end", async () => ((await carrier.call(avaCall)).status === "completed" ? true : undefined));
    await carrier.hangup(caller);
    await waitFor("Ava in wrap-up", async () => ((await ava.snapshot()).agent.state === "wrap-up" ? true : undefined));
    await ava.state("available");
  });

  await t.test("a call action with no call is refused", async () => {
    const refused = await noah.call("hold");
    assert.equal(refused.status, 409);
    assert.match(refused.body, /not on a call/);
  });

  await t.test("a cold transfer puts the caller at the front of another department's line, with their wait", async () => {
    await owner.setState("liam", "break", "meeting");
    const { caller, ava: avaCall } = await callWithAva(system);
    assert.equal((await ava.call("transfer", "department:sales")).status, 200);
    await waitFor("Ava's call to end", async () => ((await carrier.call(avaCall)).status === "completed" ? true : undefined));
    const line = await waitFor("the caller in Sales' line", async () => {
      const { queues } = await owner.get<{ queues: { department: string; waiting: { callSid: string; waitSeconds: number }[] }[] }>("/api/queues");
      return queues.find((q) => q.department === "sales")?.waiting.find((w) => w.callSid === caller);
    });
    assert.ok(line.waitSeconds >= 0);
    // Not settled: that would play the hold music on the manual clock until the line's maximum wait.
    const call = await carrier.call(caller);
    assert.ok(said(call).includes("Please hold while I transfer you to our sales team."), said(call).join("\n"));
    await owner.setState("liam", "available");
    const toLiam = await ringing(carrier, LIAM).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(await owner.get("/api/agents"))} ${JSON.stringify(await owner.get("/api/queues"))} ${JSON.stringify((await owner.events(caller)).slice(-8))}`);
    });
    await carrier.answer(toLiam.sid);
    const whisper = await carrier.settled(toLiam.sid);
    assert.ok(said(whisper).some((text) => text.startsWith("Sales call from Sydney")), said(whisper).join("\n"));
    await carrier.press(toLiam.sid, "1");
    await inConversation(carrier, caller);
    const events = await owner.events(caller);
    assert.ok(events.some((e) => e.kind === "transfer.cold" && e.detail.to === "sales"));
    await carrier.hangup(caller);
    await waitFor("Ava in wrap-up", async () => ((await ava.snapshot()).agent.state === "wrap-up" ? true : undefined));
    await ava.state("available");
    await owner.setState("liam", "offline");
  });

  await t.test("a warm transfer: the caller on hold while Noah is consulted, then handed over to him", async () => {
    const { caller, ava: avaCall } = await callWithAva(system);
    await noah.state("available");
    assert.equal((await ava.call("consult", "agent:noah")).status, 200);
    assert.equal((await participant(system, caller))?.hold, true, "the caller waits on hold");
    const toNoah = await ringing(carrier, NOAH);
    await carrier.answer(toNoah.sid);
    const whisper = await carrier.settled(toNoah.sid);
    assert.ok(said(whisper).includes("Ava Nguyen would like to consult you about a billing call. Press 1 to accept."), said(whisper).join("\n"));
    await carrier.press(toNoah.sid, "1");
    await waitFor("Noah in the conference", async () => ((await ava.snapshot()).work?.controls?.consult?.status === "joined" ? true : undefined));
    assert.equal((await ava.call("complete-transfer")).status, 200);
    await waitFor("Ava's call to end", async () => ((await carrier.call(avaCall)).status === "completed" ? true : undefined));
    assert.equal((await participant(system, caller))?.hold, false, "the caller is back, with Noah");
    assert.equal((await carrier.call(toNoah.sid)).activity, "bridged");
    assert.equal((await noah.snapshot()).work?.controls?.consult, null, "the call is Noah's now");
    await waitFor("Ava in wrap-up", async () => ((await ava.snapshot()).agent.state === "wrap-up" ? true : undefined));
    // Noah hangs up: the conversation is over for the caller, who hears the survey.
    await carrier.hangup(toNoah.sid);
    await waitFor("the survey", async () => (said(await carrier.settled(caller)).some((text) => text.startsWith("Before you go")) ? true : undefined));
    await carrier.hangup(caller);
    await waitFor("Noah in wrap-up", async () => ((await noah.snapshot()).agent.state === "wrap-up" ? true : undefined));
  });
});
