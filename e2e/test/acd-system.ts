// What the ACD's end-to-end tests share: a flow with lines worked by agents, the owner's API (agents'
// states, the lines), an agent's desk API, and waiting on handsets. Imports neither program's src.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { parseDocument } from "yaml";
import { startOpenMeteoFixture } from "@callcentre/testkit";
import { centreEnv, provisionNumber, scenarioDatabase, startCarrier, startCentre, type CallView, type CarrierClient } from "./system.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CALLER = "+61255500100"; // Sydney
export const SECOND_CALLER = "+61255500101";
export const NOAH = "+61491570111";
export const AVA = "client:ava";
export const LIAM = "+61491570120";

/** The shipped flow, open at all hours, with Billing as a queue department worked by Ava (a browser agent) and Noah (a phone). */
export function acdFlow(dir: string): string {
  const doc = parseDocument(readFileSync(join(ROOT, "callcentre/flows/default.yaml"), "utf8"));
  doc.delete("hours");
  doc.set("agents", {
    ava: { name: "Ava Nguyen", client: "ava", departments: ["billing"] },
    noah: { name: "Noah Williams", phone: NOAH, departments: ["billing"] },
    liam: { name: "Liam Smith", phone: LIAM, departments: ["sales"] },
  });
  doc.setIn(["nodes", "sales"], {
    type: "department",
    name: "Sales",
    prompt: "Connecting you to our sales team.",
    ringTimeout: 20,
    callerId: "+61255501234",
    queue: { whenNobody: "sales-voicemail", wrapUp: 0 },
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

export interface AgentView {
  id: string;
  state: string;
  reason: string | null;
  missedInRow: number;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The owner's dashboard API: agents' states and the lines. */
export async function ownerApi(centreUrl: string, dataDir: string) {
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
  const post = async <T>(path: string, body: Record<string, string>): Promise<T> => {
    const res = await fetch(`${centreUrl}${path}`, { method: "POST", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  return {
    get,
    post,
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
export function ringing(carrier: CarrierClient, address: string, status = "ringing"): Promise<{ sid: string; status: string }> {
  return waitFor(`a ${status} call on ${address}`, async () => (await carrier.phoneCalls(address)).calls.findLast((c) => c.status === status));
}

/**
 * A caller at Billing's menu presses 2 and joins the line; resolves once the line's first round came. The clock moves only through what they hear
 * before they are in Twilio's queue (the department's prompt), one timer at a time, never past it:
 * moving it further would play the hold music on the manual clock, and ring agents' phones out.
 */
export async function joinLine(carrier: CarrierClient, sid: string): Promise<CallView> {
  const before = (await carrier.call(sid)).timeline.length;
  await carrier.keys(sid, "2");
  const diagnose = async (error: unknown) => {
    const call = await carrier.call(sid);
    throw new Error(`${(error as Error).message} (${call.activity}): ${JSON.stringify(call.timeline.slice(before).map((e) => [e.type, e.verb ?? e.url ?? e.text ?? ""]))}`);
  };
  return waitFor(`call ${sid} in the line`, async () => {
    const call = await carrier.call(sid);
    if (call.timeline.slice(before).some((e) => e.type === "enqueue")) {
      // In the line: the waitUrl's first round (the position, or music while an offer rings) has come.
      return call.timeline.slice(before).some((e) => e.type === "twiml" && typeof e.url === "string" && e.url.endsWith("/wait")) ? call : undefined;
    }
    if (call.activity === "media") {
      const clock = await carrier.clock();
      if (clock.nextTimerAt) await carrier.advance(Math.max(0.001, (Date.parse(clock.nextTimerAt) - Date.parse(clock.now)) / 1000));
    }
    return undefined;
  }).catch(diagnose);
}

/**
 * The call once it is in the conversation: first, without moving the clock, until it has been taken
 * out of the line (its connect document came: settling while it still waits would play the hold
 * music on the manual clock, up to the line's maximum wait); then settled, past the recording notice.
 */
export async function inConversation(carrier: CarrierClient, sid: string): Promise<CallView> {
  await waitFor(`call ${sid} out of the line`, async () => {
    const call = await carrier.call(sid);
    const latest = call.timeline.findLast((e) => e.type === "twiml");
    return typeof latest?.url === "string" && /\/entry\/\d+\/connect$/.test(latest.url) ? true : undefined;
  });
  return waitFor(`call ${sid} in the conversation`, async () => {
    const call = await carrier.settled(sid);
    return call.activity === "bridged" ? call : undefined;
  });
}



/**
 * A caller (CALLER) in Billing's line, taken by Ava (who must be the only agent available: she is rung,
 * answers and presses 1): the conversation's SIDs once the caller is in the conference.
 */
export async function callWithAva(system: AcdSystem): Promise<{ caller: string; ava: string }> {
  const { carrier } = system;
  const sid = await system.toBilling(CALLER);
  await joinLine(carrier, sid);
  const offer = await ringing(carrier, AVA);
  await carrier.answer(offer.sid);
  await carrier.settled(offer.sid);
  await carrier.press(offer.sid, "1");
  await inConversation(carrier, sid);
  return { caller: sid, ava: offer.sid };
}

/** A conference participant as Twilio's REST API shows it (the fields the tests read). */
export interface ParticipantView {
  hold: boolean;
  muted: boolean;
  coaching: boolean;
  call_sid_to_coach: string | null;
  status: string;
}

/** The conference participant of a call in any conference in progress, through the carrier's REST API. */
export async function participant(system: AcdSystem, callSid: string): Promise<ParticipantView | undefined> {
  const { carrier } = system;
  const auth = `Basic ${Buffer.from(`${carrier.credentials.accountSid}:${carrier.credentials.authToken}`).toString("base64")}`;
  const base = `${carrier.url}/2010-04-01/Accounts/${carrier.credentials.accountSid}`;
  const { conferences } = (await (await fetch(`${base}/Conferences.json?Status=in-progress`, { headers: { authorization: auth } })).json()) as { conferences: { sid: string }[] };
  for (const conference of conferences) {
    const res = await fetch(`${base}/Conferences/${conference.sid}/Participants/${callSid}.json`, { headers: { authorization: auth } });
    if (res.ok) return (await res.json()) as ParticipantView;
  }
  return undefined;
}

export interface AcdSystem {
  carrier: CarrierClient;
  centreUrl: string;
  dataDir: string;
  owner: Awaited<ReturnType<typeof ownerApi>>;
  /** A caller reaches Billing's menu (1); pressing 2 then joins the line. */
  toBilling(from: string): Promise<string>;
}

/** The carrier and a call centre on the ACD flow, Ava's client registered, the owner signed in. */
export async function startAcdSystem(t: TestContext): Promise<AcdSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-acd-"));
  const database = await scenarioDatabase(t);
  const weather = await startOpenMeteoFixture(t);
  const carrier = await startCarrier(t, dataDir);
  const env = centreEnv({ carrier, dataDir, weather, env: { ...database, FLOW_FILE: acdFlow(dataDir) } });
  const centre = await startCentre(t, env);
  const centreUrl = centre.url;
  t.after(() => {
    if (process.env.ACD_DEBUG) console.error(centre.output().split("\n").filter((line) => /"level":(40|50)|offer|call back|missed/.test(line)).join("\n"));
  });
  await provisionNumber(carrier, centreUrl);
  const registered = await fetch(`${carrier.url}/_carrier/clients`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ identity: "ava" }) });
  assert.equal(registered.status, 201);
  const owner = await ownerApi(centreUrl, dataDir);
  const toBilling = async (from: string) => {
    const sid = await carrier.placeCall(from);
    await carrier.settled(sid);
    await carrier.press(sid, "1");
    return sid;
  };
  return { carrier, centreUrl, dataDir, owner, toBilling };
}

/** An agent signed in to their desk (a password the owner set), and the desk's call controls. */
export async function deskOf(system: AcdSystem, agentId: string) {
  const { centreUrl, owner } = system;
  const { password } = await owner.post<{ password: string }>(`/api/agents/${agentId}/password`, {});
  const signIn = await fetch(`${centreUrl}/login`, { method: "POST", body: new URLSearchParams({ agent: agentId, password }), redirect: "manual" });
  assert.equal(signIn.status, 303);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await fetch(`${centreUrl}/desk`, { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1] ?? "";
  const post = async (path: string, body: Record<string, string>) =>
    fetch(`${centreUrl}${path}`, { method: "POST", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify(body) });
  return {
    cookie,
    snapshot: async () => {
      const res = await fetch(`${centreUrl}/desk/api/snapshot`, { headers: { cookie } });
      assert.equal(res.status, 200);
      return ((await res.json()) as { snapshot: DeskSnapshotView }).snapshot;
    },
    /** A call control; resolves with the HTTP status and body. */
    call: async (action: string, to?: string) => {
      const res = await post("/desk/api/call", { action, ...(to ? { to } : {}) });
      return { status: res.status, body: await res.text() };
    },
    state: async (state: string) => {
      const res = await post("/desk/api/state", { state });
      assert.equal(res.status, 200, await res.text());
    },
  };
}

export interface DeskSnapshotView {
  agent: { id: string; state: string };
  work: null | {
    status: string;
    entryId: number;
    controls: null | { callerHeld: boolean; muted: boolean; records: boolean; recordingPaused: boolean; consult: null | { agentId: string; status: string } };
  };
}
