// The ACD with two call-centre instances on one database (docs/queue.md, "Several instances, one
// database"): the carrier's webhooks and the owner's API requests reach the two in turn through a
// round-robin, so offers are decided by both, often at the same moment (agents become available
// together). Twelve callers wait in one line for four agents, who take them in rounds: each round the
// ringing agents answer, accept with 1, talk, hang up together and become available together; in the
// first round one agent declines (busy), and the caller is offered again before anyone behind them.
// The offers table must then show no caller offered to two agents at once, no agent offered two
// callers at once, every caller connected once, and the callers offered and connected in the order
// they arrived.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startOpenMeteoFixture } from "@callcentre/testkit";
import { queueFlowFile, type AgentSpec } from "./acd-flow.js";
import { roundRobin } from "./round-robin.js";
import { centreEnv, provisionNumber, scenarioDatabase, startCarrier, startCentre, type CarrierClient } from "./system.js";

const CALLERS = 12;
const caller = (i: number) => `+61491570${String(400 + i).padStart(3, "0")}`;
const AGENTS: AgentSpec[] = ["ada", "bo", "cy", "di"].map((id, i) => ({ id, name: `Agent ${id}`, phone: `+61491570${300 + i}`, firstLine: ["billing"] }));

/** Polls `probe` until it returns a value (not a sleep: each round asks again). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The owner's API (signed in once; the session is in the shared database, so either instance honours it). */
async function ownerApi(url: string, dataDir: string) {
  const password = readFileSync(join(dataDir, "dashboard-password"), "utf8").trim();
  const signIn = await fetch(`${url}/login`, { method: "POST", body: new URLSearchParams({ password }), redirect: "manual" });
  assert.equal(signIn.status, 303);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await fetch(`${url}/`, { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1] ?? "";
  return {
    state: async (id: string): Promise<string | undefined> => {
      const res = await fetch(`${url}/api/agents`, { headers: { cookie } });
      return ((await res.json()) as { agents: { id: string; state: string }[] }).agents.find((a) => a.id === id)?.state;
    },
    set: async (id: string, state: "available" | "break"): Promise<void> => {
      const res = await fetch(`${url}/api/agents/${id}/state`, {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
        body: JSON.stringify({ state }),
      });
      assert.equal(res.status, 200, `${id} ${state}: ${res.status} ${await res.text()}`);
    },
  };
}

/** Calls ringing on the handset now. */
async function ringingOn(carrier: CarrierClient, phone: string): Promise<string[]> {
  return (await carrier.phoneCalls(phone)).calls.filter((c) => c.status === "ringing").map((c) => c.sid);
}

test("two instances, one line: no caller or agent offered twice at once, everyone connected, first come first served", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-acd-scale-"));
  const database = await scenarioDatabase(t);
  const db = new pg.Pool({ connectionString: database.DATABASE_URL, max: 4 });
  // The scenario's database is dropped (closing these connections) when the test ends.
  db.on("error", () => undefined);
  t.after(() => db.end());
  const weather = await startOpenMeteoFixture(t);
  const carrier = await startCarrier(t, dataDir);
  const balancer = await roundRobin();
  t.after(() => balancer.close());
  await provisionNumber(carrier, balancer.url);
  const flow = queueFlowFile(dataDir, [{ id: "billing", name: "Billing", ringTimeout: 20, wrapUp: 0, maxNoAnswer: 20 }], AGENTS);
  const env = centreEnv({ carrier, dataDir, weather, env: { ...database, PUBLIC_BASE_URL: balancer.url, FLOW_FILE: flow } });
  // One after the other: the first migrates the database.
  for (let i = 0; i < 2; i++) balancer.add(String((await startCentre(t, env)).ready.listening));
  const owner = await ownerApi(balancer.url, dataDir);

  // The agents are signed in but on a break (with nobody signed in, callers are not queued).
  for (const a of AGENTS) await owner.set(a.id, "break");
  // The callers arrive one at a time, each in line before the next calls: their order is the line's.
  const callers: string[] = [];
  for (let i = 0; i < CALLERS; i++) {
    const sid = await carrier.placeCall(caller(i));
    assert.equal((await carrier.settled(sid)).activity, "gathering");
    await carrier.pressOnly(sid, "1");
    // The department's prompt plays on the manual clock: move it one timer at a time until the caller is
    // in line, and no further (hold music would play on without end).
    const inLine = async () => (await db.query("select 1 from queue_entries where call_sid = $1 and status = 'queued'", [sid])).rowCount === 1;
    await waitFor(`caller ${i} in line`, async () => {
      if (await inLine()) return true;
      if ((await carrier.call(sid)).activity === "media" && !(await inLine())) await carrier.advanceToNextTimer();
      return undefined;
    });
    callers.push(sid);
  }

  // All four agents become available at once: both instances dispatch.
  await Promise.all(AGENTS.map((a) => owner.set(a.id, "available")));
  const handled = new Set<string>();
  const rounds: string[][] = [];
  let declined = false;
  while (rounds.flat().length < CALLERS) {
    const expected = Math.min(AGENTS.length, CALLERS - rounds.flat().length);
    // The agents ringing now: one call each, and as many as there are callers left for them.
    const ringing = await waitFor(`${expected} agents ringing`, async () => {
      const found: { agent: AgentSpec; sid: string }[] = [];
      for (const agent of AGENTS) {
        const sids = (await ringingOn(carrier, agent.phone)).filter((sid) => !handled.has(sid));
        assert.ok(sids.length <= 1, `${agent.id} has ${sids.length} calls ringing at once`);
        if (sids[0]) found.push({ agent, sid: sids[0] });
      }
      return found.length === expected ? found : undefined;
    });
    for (const r of ringing) handled.add(r.sid);

    if (!declined) {
      // One agent declines (busy): the offer is missed, they are available again, and being the only
      // one available they are offered the same caller again, who is still first in line.
      declined = true;
      const [first] = ringing;
      assert.ok(first);
      const entryOf = async (sid: string) => (await db.query<{ entry: string }>("select entry_id::text as entry from offers where agent_call_sid = $1", [sid])).rows[0]?.entry;
      const declinedEntry = await waitFor("the declined offer's call placed", () => entryOf(first.sid));
      await carrier.reject(first.sid);
      const again = await waitFor(`${first.agent.id} offered again`, async () => (await ringingOn(carrier, first.agent.phone)).find((sid) => !handled.has(sid)));
      handled.add(again);
      assert.equal(await waitFor("the new offer's call placed", () => entryOf(again)), declinedEntry, "the caller missed keeps their place: offered again first");
      first.sid = again;
    }

    // Answer, hear the whisper, accept.
    await Promise.all(ringing.map((r) => carrier.answer(r.sid)));
    // All whispers first (they play on one clock), then every key at once.
    for (const r of ringing) {
      const whisper = await carrier.settled(r.sid);
      assert.equal(whisper.activity, "gathering", `${r.agent.id}: ${JSON.stringify(whisper.timeline.slice(-5))}`);
    }
    await Promise.all(ringing.map((r) => carrier.pressOnly(r.sid, "1")));
    const connected = await Promise.all(
      ringing.map((r) =>
        waitFor(`${r.agent.id} in the conversation`, async () => {
          const { rows } = await db.query<{ sid: string }>(
            "select e.call_sid as sid from offers o join queue_entries e on e.id = o.entry_id where o.agent_call_sid = $1 and o.status = 'accepted' and e.status = 'connected'",
            [r.sid],
          );
          return rows[0]?.sid;
        }),
      ),
    );
    rounds.push(connected);
    // They talk a minute, hang up together, and say they are ready together.
    await carrier.advance(60);
    await Promise.all(ringing.map((r) => carrier.hangup(r.sid)));
    await Promise.all(ringing.map((r) => waitFor(`${r.agent.id} in wrap-up`, async () => ((await owner.state(r.agent.id)) === "wrap-up" ? true : undefined))));
    await Promise.all(ringing.map((r) => owner.set(r.agent.id, "available")));
  }

  // Every caller connected once, in the order they arrived, round by round.
  assert.deepEqual(rounds.map((round) => [...round].sort((a, b) => callers.indexOf(a) - callers.indexOf(b))), [callers.slice(0, 4), callers.slice(4, 8), callers.slice(8, 12)]);
  const entries = await db.query<{ sid: string; status: string; accepted: number }>(
    `select e.call_sid as sid, e.status, (select count(*)::int from offers o where o.entry_id = e.id and o.status = 'accepted') as accepted
     from queue_entries e order by e.enqueued_at, e.id`,
  );
  assert.deepEqual(entries.rows.map((e) => e.sid), callers, "one place each, in arrival order");
  await waitFor("every conversation ended", async () => ((await db.query("select 1 from queue_entries where status <> 'ended'")).rowCount === 0 ? true : undefined));
  assert.deepEqual(entries.rows.map((e) => e.accepted), callers.map(() => 1), "each caller accepted by exactly one agent");

  // No two offers of one caller, and no two offers to one agent, ringing at the same time; and no offer
  // to an agent while they were on a call.
  const overlapping = await db.query(
    `select a.id, b.id as other from offers a join offers b on a.id < b.id
       and (a.entry_id = b.entry_id or a.agent_id = b.agent_id)
       and a.created_at < coalesce(b.ended_at, 'infinity') and b.created_at < coalesce(a.ended_at, 'infinity')`,
  );
  assert.deepEqual(overlapping.rows, []);
  const offeredWhileTalking = await db.query(
    `select o.id from offers o join offers a on a.agent_id = o.agent_id and a.status = 'accepted' and a.id <> o.id
       join queue_entries e on e.id = a.entry_id
     where o.created_at >= e.connected_at and o.created_at < e.ended_at`,
  );
  assert.deepEqual(offeredWhileTalking.rows, []);
  // First come, first served: each caller's first offer was made after those of everyone ahead of them.
  const firstOffers = await db.query<{ sid: string }>(
    `select e.call_sid as sid from queue_entries e join lateral (select min(o.id) as first from offers o where o.entry_id = e.id) f on true order by f.first`,
  );
  assert.deepEqual(firstOffers.rows.map((r) => r.sid), callers);
  const offers = await db.query<{ status: string; n: number }>("select status, count(*)::int as n from offers group by status order by status");
  assert.deepEqual(offers.rows, [{ status: "accepted", n: CALLERS }, { status: "missed", n: 1 }]);

  assert.ok(balancer.served.every((n) => n > CALLERS), `both instances answered webhooks: ${balancer.served.join(" and ")}`);
});
