// The call centre's line through the carrier (docs/queue.md): callers wait in a department's queue
// and hear their place; the longest-idle agent is offered the call with a whisper and accepts with a
// key; the caller and the agent talk in a conference; a missed offer goes to the next agent; a caller
// who hangs up while an offer rings cancels it; a call back keeps its place; nobody signed in sends
// callers elsewhere; the survey after the agent hangs up. Callers and agents are the carrier's
// handsets (a phone, and a client: a browser agent), on the manual clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { said } from "./system.js";
import { AVA, CALLER, NOAH, SECOND_CALLER, inConversation, joinLine, ringing, startAcdSystem, waitFor } from "./acd-system.js";

test("a department's line: position, offers with a whisper, the conference, misses, call backs, the survey", async (t) => {
  const { carrier, owner, toBilling } = await startAcdSystem(t);

  await t.test("nobody signed in: the caller is not queued for nobody, and goes to the department's voicemail", async () => {
    const sid = await toBilling(CALLER);
    const call = await carrier.press(sid, "2");
    assert.equal(call.activity, "recording");
    assert.ok(said(call).includes("Please hold while we connect you to the billing team."));
    assert.ok(said(call).some((text) => text.startsWith("Please leave your name, your account number")), said(call).join("\n"));
    await carrier.hangup(sid);
    const events = await owner.events(sid);
    assert.ok(events.some((e) => e.kind === "queue.nobody"));
  });

  await t.test("a caller waits and hears their place; Ava, available, is offered the call, accepts with 1, and they talk", async () => {
    await owner.setState("ava", "break", "lunch");
    const sid = await toBilling(CALLER);
    await joinLine(carrier, sid);
    // Nobody can be offered the call: settling (playing the prompts on the manual clock) rings no phone out.
    let call = await carrier.settled(sid);
    assert.ok(said(call).includes("You are next in line."), said(call).join("\n"));
    assert.ok(said(call).includes("To keep your place in line and have us call you back, press 1. To leave a message, press 2."));
    assert.equal((await owner.agent("ava"))?.state, "break");

    await owner.setState("ava", "available");
    const offer = await ringing(carrier, AVA);
    assert.equal((await owner.agent("ava"))?.state, "busy");
    await carrier.answer(offer.sid);
    let agentCall = await carrier.settled(offer.sid);
    assert.ok(said(agentCall).includes("Billing call from Sydney, waiting less than a minute. Press 1 to accept."), said(agentCall).join("\n"));
    await carrier.press(offer.sid, "1");
    call = await inConversation(carrier, sid);
    assert.ok(said(call).includes("This call will be recorded."));
    agentCall = await carrier.call(offer.sid);
    assert.equal(agentCall.activity, "bridged");

    await carrier.advance(60);
    await carrier.hangup(offer.sid);
    call = await waitFor("the survey", async () => {
      const now = await carrier.settled(sid);
      return said(now).includes("Before you go, how did we do? Press 1 to 5.") ? now : undefined;
    });
    call = await carrier.press(sid, "4");
    assert.equal(call.status, "completed");
    const events = await owner.events(sid);
    assert.deepEqual(events.find((e) => e.kind === "survey.scored")?.detail, { score: 4 });
    // The survey counts for Ava, who had the call.
    const { agents } = await owner.get<{ agents: { id: string; survey30Days: { count: number; averageScore: number } | null }[] }>("/api/agents");
    assert.deepEqual(agents.find((a) => a.id === "ava")?.survey30Days, { agentId: "ava", count: 1, averageScore: 4 });
    assert.ok(events.some((e) => e.kind === "transfer.answered"));
    const ava = await waitFor("Ava in wrap-up", async () => {
      const agent = await owner.agent("ava");
      return agent?.state === "wrap-up" ? agent : undefined;
    });
    assert.equal(ava.missedInRow, 0);
  });

  await t.test("an offer nobody answers goes to the next agent; the caller keeps their place", async () => {
    await owner.setState("noah", "available");
    await owner.setState("ava", "available"); // ready after the wrap-up: Noah has been idle longer
    const sid = await toBilling(CALLER);
    await joinLine(carrier, sid);
    const toNoah = await ringing(carrier, NOAH);
    await carrier.advance(15); // Noah's phone rings out
    await waitFor("Noah's missed offer", async () => ((await owner.agent("noah"))?.missedInRow === 1 ? true : undefined));
    assert.equal((await carrier.call(toNoah.sid)).status, "no-answer");
    const toAva = await ringing(carrier, AVA);
    await carrier.answer(toAva.sid);
    await carrier.settled(toAva.sid);
    await carrier.press(toAva.sid, "1");
    await inConversation(carrier, sid);
    assert.equal((await owner.agent("noah"))?.state, "available");
    // The caller hangs up: the conversation ends for Ava too.
    await carrier.hangup(sid);
    await waitFor("Ava's call ended", async () => ((await carrier.call(toAva.sid)).status === "completed" ? true : undefined));
    await waitFor("Ava in wrap-up", async () => ((await owner.agent("ava"))?.state === "wrap-up" ? true : undefined));
  });

  await t.test("a caller who hangs up while the offer rings cancels it, and the agent is free again", async () => {
    const sid = await toBilling(CALLER);
    await joinLine(carrier, sid);
    const toNoah = await ringing(carrier, NOAH).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(await owner.get("/api/agents"))} ${JSON.stringify(await owner.get("/api/queues"))}`);
    });
    await carrier.hangup(sid);
    await waitFor("Noah's phone to stop", async () => ((await carrier.call(toNoah.sid)).status !== "ringing" ? true : undefined));
    const noah = await waitFor("Noah available", async () => {
      const agent = await owner.agent("noah");
      return agent?.state === "available" ? agent : undefined;
    });
    assert.equal(noah.missedInRow, 1, "a canceled offer is not a miss");
  });

  await t.test("a call back keeps the caller's place: the agent hears a whisper first, then the customer is called", async () => {
    await owner.setState("noah", "offline");
    await owner.setState("ava", "break", "meeting");
    const first = await toBilling(CALLER);
    await joinLine(carrier, first);
    assert.ok(said(await carrier.settled(first)).includes("You are next in line."));
    const second = await toBilling(SECOND_CALLER);
    await joinLine(carrier, second);
    const waiting = await carrier.settled(second);
    assert.ok(said(waiting).includes("You are number 2 in line."), said(waiting).join("\n"));
    const left = await carrier.press(first, "1");
    assert.equal(left.status, "completed", JSON.stringify(left.timeline.slice(-10), null, 1));
    assert.ok(said(left).some((text) => text.startsWith("Thank you. You keep your place in line")), said(left).join("\n"));

    await owner.setState("ava", "available");
    const offer = await ringing(carrier, AVA);
    await carrier.answer(offer.sid);
    const whisper = await carrier.settled(offer.sid);
    assert.ok(said(whisper).some((text) => /^Call back to a billing customer who waited/.test(text)), said(whisper).join("\n"));
    await carrier.press(offer.sid, "1");
    const customer = await ringing(carrier, CALLER);
    await carrier.answer(customer.sid);
    const talking = await inConversation(carrier, customer.sid);
    assert.ok(said(talking).includes("This is Bluegum Energy returning your call."), said(talking).join("\n"));
    await carrier.hangup(customer.sid);
    await carrier.hangup(second);
  });
});
