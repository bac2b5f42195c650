// The call centre's line through the carrier (docs/queue.md): callers wait in a department's queue
// and hear their place; the longest-idle agent is offered the call with a whisper and accepts with a
// key; the caller and the agent talk in a conference; a missed offer goes to the next agent; a caller
// who hangs up while an offer rings cancels it; a call back keeps its place; nobody signed in sends
// callers elsewhere; the survey after the agent hangs up. Callers and agents are the carrier's
// handsets (a phone, and a client: a browser agent), on the manual clock.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDocument } from "yaml";
import { startOpenMeteoFixture } from "@callcentre/testkit";
import { centreEnv, provisionNumber, said, scenarioDatabase, startCarrier, startCentre, type CallView, type CarrierClient } from "./system.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CALLER = "+61255500100"; // Sydney
const SECOND_CALLER = "+61255500101";
const NOAH = "+61491570111";
const AVA = "client:ava";

/** The shipped flow, open at all hours, with Billing as a queue department worked by Ava (a browser agent) and Noah (a phone). */
function acdFlow(dir: string): string {
  const doc = parseDocument(readFileSync(join(ROOT, "callcentre/flows/default.yaml"), "utf8"));
  doc.delete("hours");
  doc.set("agents", {
    ava: { name: "Ava Nguyen", client: "ava", departments: ["billing"] },
    noah: { name: "Noah Williams", phone: NOAH, departments: ["billing"] },
  });
  doc.setIn(["nodes", "billing"], {
    type: "department",
    name: "Billing",
    prompt: "Please hold while we connect you to the billing team.",
    ringTimeout: 15,
    callerId: "+61255501234",
    onCall: "noah",
    queue: {
      whenNobody: "billing-voicemail",
      announceEvery: 30,
      wrapUp: 0,
      maxNoAnswer: 2,
      menu: {
        prompt: "To keep your place in line and have us call you back, press 1. To leave a message, press 2.",
        options: [
          { key: "1", callback: true },
          { key: "2", goto: "billing-voicemail" },
        ],
      },
      record: { notice: "This call will be recorded." },
      survey: { prompt: "Before you go, how did we do? Press 1 to 5." },
    },
  });
  const file = join(dir, "acd.yaml");
  writeFileSync(file, doc.toString());
  return file;
}

interface AgentView {
  id: string;
  state: string;
  reason: string | null;
  missedInRow: number;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The owner's dashboard API: agents' states and the lines. */
async function ownerApi(centreUrl: string, dataDir: string) {
  const password = readFileSync(join(dataDir, "dashboard-password"), "utf8").trim();
  const signIn = await fetch(`${centreUrl}/login`, { method: "POST", body: new URLSearchParams({ password }), redirect: "manual" });
  assert.equal(signIn.status, 303);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await fetch(`${centreUrl}/`, { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1] ?? "";
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${centreUrl}${path}`, { headers: { cookie } });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    get,
    agent: async (id: string) => (await get<{ agents: AgentView[] }>("/api/agents")).agents.find((a) => a.id === id),
    setState: async (id: string, state: string, reason?: string) => {
      const res = await fetch(`${centreUrl}/api/agents/${id}/state`, {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
        body: JSON.stringify({ state, ...(reason ? { reason } : {}) }),
      });
      assert.equal(res.status, 200, `set ${id} ${state}: ${res.status} ${await res.text()} ${JSON.stringify(await get("/api/agents"))}`);
    },
    events: async (sid: string) => (await get<{ events: { kind: string; detail: Record<string, unknown> }[] }>(`/api/calls/${sid}`)).events,
  };
}

/** The newest call on a handset in `status`, once there is one. */
function ringing(carrier: CarrierClient, address: string, status = "ringing"): Promise<{ sid: string; status: string }> {
  return waitFor(`a ${status} call on ${address}`, async () => (await carrier.phoneCalls(address)).calls.findLast((c) => c.status === status));
}

/** Presses keys on a call that then waits on something other than the caller (a queue): no settle. */
async function pressAndWait(carrier: CarrierClient, sid: string, digits: string, until: (call: CallView) => boolean): Promise<CallView> {
  await carrier.press(sid, digits);
  try {
    return await waitFor(`call ${sid} to move on`, async () => {
      const call = await carrier.call(sid);
      return until(call) ? call : undefined;
    });
  } catch (error) {
    const call = await carrier.call(sid);
    throw new Error(`${(error as Error).message}: ${call.activity}\n${JSON.stringify(call.timeline.slice(-12), null, 1)}`);
  }
}

test("a department's line: position, offers with a whisper, the conference, misses, call backs, the survey", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-acd-"));
  const database = await scenarioDatabase(t);
  const weather = await startOpenMeteoFixture(t);
  const carrier = await startCarrier(t, dataDir);
  const env = centreEnv({ carrier, dataDir, weather, env: { ...database, FLOW_FILE: acdFlow(dataDir) } });
  const centre = await startCentre(t, env);
  const centreUrl = centre.url;
  t.after(() => {
    if (process.env.ACD_DEBUG) console.error(centre.output().split("\n").filter((line) => /"level":(40|50)/.test(line)).join("\n"));
  });
  await provisionNumber(carrier, centreUrl);
  await fetch(`${carrier.url}/_carrier/clients`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ identity: "ava" }) });
  const owner = await ownerApi(centreUrl, dataDir);

  /** A caller reaches Billing's line: 1 (billing), 2 (a specialist). */
  const toBilling = async (from: string) => {
    const sid = await carrier.placeCall(from);
    await carrier.settled(sid);
    await carrier.press(sid, "1");
    return sid;
  };

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
    let call = await pressAndWait(carrier, sid, "2", (c) => said(c).includes("You are next in line."));
    assert.ok(said(call).includes("To keep your place in line and have us call you back, press 1. To leave a message, press 2."));
    assert.equal((await owner.agent("ava"))?.state, "break");

    await owner.setState("ava", "available");
    const offer = await ringing(carrier, AVA);
    assert.equal((await owner.agent("ava"))?.state, "busy");
    await carrier.answer(offer.sid);
    let agentCall = await carrier.settled(offer.sid);
    assert.ok(said(agentCall).includes("Billing call from Sydney, waiting less than a minute. Press 1 to accept."), said(agentCall).join("\n"));
    await carrier.press(offer.sid, "1");
    call = await waitFor("the caller in the conversation", async () => {
      const now = await carrier.settled(sid);
      return now.activity === "bridged" ? now : undefined;
    });
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
    await carrier.press(sid, "2");
    const toNoah = await ringing(carrier, NOAH);
    await carrier.advance(15); // Noah's phone rings out
    await waitFor("Noah's missed offer", async () => ((await owner.agent("noah"))?.missedInRow === 1 ? true : undefined));
    assert.equal((await carrier.call(toNoah.sid)).status, "no-answer");
    const toAva = await ringing(carrier, AVA);
    await carrier.answer(toAva.sid);
    await carrier.settled(toAva.sid);
    await carrier.press(toAva.sid, "1");
    await waitFor("the caller with Ava", async () => ((await carrier.settled(sid)).activity === "bridged" ? true : undefined));
    assert.equal((await owner.agent("noah"))?.state, "available");
    // The caller hangs up: the conversation ends for Ava too.
    await carrier.hangup(sid);
    await waitFor("Ava's call ended", async () => ((await carrier.call(toAva.sid)).status === "completed" ? true : undefined));
    await waitFor("Ava in wrap-up", async () => ((await owner.agent("ava"))?.state === "wrap-up" ? true : undefined));
  });

  await t.test("a caller who hangs up while the offer rings cancels it, and the agent is free again", async () => {
    const sid = await toBilling(CALLER);
    await carrier.press(sid, "2");
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
    await pressAndWait(carrier, first, "2", (c) => said(c).includes("You are next in line."));
    const second = await toBilling(SECOND_CALLER);
    const waiting = await pressAndWait(carrier, second, "2", (c) => said(c).includes("You are number 2 in line."));
    assert.ok(waiting);
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
    const talking = await waitFor("the customer in the conversation", async () => {
      const now = await carrier.settled(customer.sid);
      return now.activity === "bridged" ? now : undefined;
    });
    assert.ok(said(talking).includes("This is Bluegum Energy returning your call."), said(talking).join("\n"));
    await carrier.hangup(customer.sid);
    await carrier.hangup(second);
  });
});
