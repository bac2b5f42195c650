// 6. acd: the automatic call distributor (docs/queue.md) with two call-centre instances on one
// Postgres database, behind a round-robin (as in e2e/test/scale-out.test.ts), through the carrier on
// its manual clock. Five queue departments reached from a menu; twenty agents with phones (handsets),
// each first-line in one department and some overflow in another, made available through the owner's
// API. The callers arrive over the first minutes and wait in line. Scripted agents follow their
// handsets' event streams: an offer is answered after a few seconds, or now and then left to ring out
// (a miss); the agent hears the whisper, presses 1, talks a while, hangs up, and says they are ready
// again (wrapUp 0: "until ready").
//
// The run moves in ticks of one second of the carrier's clock: each tick, new callers call and choose
// their department, agents act, then the clock advances a second. Every choice comes from seeded
// generators (one for the callers, one per agent), so a run repeats its script; the interleaving of
// the two instances' decisions does not repeat, which is the point.
//
// Checked afterwards in the database (lib/acd-checks.ts): callers lost (never reached an agent; none
// hang up) and offers duplicated (a caller offered to two agents at once, accepted twice, or an agent
// offered two callers at once) fail the run; first come, first served is a goal. Measured: the time
// from an agent becoming available, with a caller waiting, to the offer, from the centre's own
// timestamps (its system clock), and the time from the harness sending "available" to the agent's
// handset ringing.
import { queueFlowFile, type AgentSpec, type QueueDepartmentSpec } from "../../../e2e/test/acd-flow.js";
import { roundRobin } from "../../../e2e/test/round-robin.js";
import { checkAcd } from "../lib/acd-checks.js";
import { withScope, type Scope } from "../lib/cleanup.js";
import { databaseTarget, openReader } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import { CpuMeter } from "../lib/cpu.js";
import { followHandset, type HandsetStream } from "../lib/handset-events.js";
import { signInOwner } from "../lib/owner-api.js";
import { Prng } from "../lib/prng.js";
import { failFigures, figure, newResult, type BenchmarkResult } from "../lib/results.js";
import { percentile } from "../lib/stats.js";
import { CENTRE_NUMBER, provisionNumber, startCarrier, startCentre, type CarrierProcess } from "../lib/system.js";

const NAME = "acd";
const DEPARTMENTS: QueueDepartmentSpec[] = ["billing", "faults", "sales", "moving", "accounts"].map((id) => ({
  id,
  name: id[0]?.toUpperCase() + id.slice(1),
  ringTimeout: 20,
  wrapUp: 0,
  maxNoAnswer: 20,
}));
const AGENTS = 20;
/** Callers arrive at random over this many seconds of the carrier's clock. */
const ARRIVAL_SECONDS = 120;
/** Share of offers an agent lets ring out (ringTimeout: a miss). */
const MISS_RATE = 0.08;
/** Share of offers whose caller hangs up while the agent's phone rings (the offer is canceled). */
const CANCEL_RATE = 0.04;
/**
 * Share of accepted offers where the agent presses 1 and hangs up at once (the key and the call's end
 * reach the centre together): the agent must go to wrap-up, never stay busy with no call.
 */
const DROP_RATE = 0.03;
/** An agent answers after this many seconds of ringing, and talks this long. */
const RING_SECONDS = [1, 5] as const;
const TALK_SECONDS = [5, 40] as const;
/** Share of callers who hang up if they are still waiting after 10 to 60 s (abandoned: not lost). */
const ABANDON_RATE = 0.05;
/** Seconds of the carrier's clock without a new offer, callers still waiting, before the run gives up. */
const STALL_SECONDS = 300;

const agentPhone = (i: number) => `+61491570${String(300 + i).padStart(3, "0")}`;
const callerPhone = (i: number) => `+61491570${String(500 + i).padStart(3, "0")}`;
const ENDED = new Set(["completed", "busy", "no-answer", "failed", "canceled"]);

export async function runAcd(ctx: BenchContext): Promise<BenchmarkResult> {
  const result = newResult(NAME);
  const engines = databasesFor(ctx, ["postgres"]);
  if (engines.includes("embedded")) result.notes.push("acd: runs on postgres only (two instances share one database; an embedded database is one instance's own)");
  if (engines.includes("postgres")) await withScope(ctx.log, (scope) => runOne(ctx, scope, result));
  return result;
}

/** The agents: first-line in one department each (four a department), half of them overflow in another. */
function agentSpecs(prng: Prng): AgentSpec[] {
  return Array.from({ length: AGENTS }, (_, i) => {
    const first = i % DEPARTMENTS.length;
    const overflow = prng.chance(0.5) ? [(first + prng.int(1, DEPARTMENTS.length - 1)) % DEPARTMENTS.length] : [];
    return {
      id: `agent-${String(i + 1).padStart(2, "0")}`,
      name: `Agent ${i + 1}`,
      phone: agentPhone(i),
      firstLine: [DEPARTMENTS[first]?.id ?? ""],
      overflow: overflow.map((d) => DEPARTMENTS[d]?.id ?? ""),
    };
  });
}

interface Caller {
  index: number;
  department: number;
  arriveAt: number;
  /** When they hang up if no agent has taken the call yet; undefined: they wait as long as it takes. */
  hangUpAt: number | undefined;
  sid?: string;
  since: number;
  /** "hung-up": in line, then gave up (abandoned). */
  phase: "waiting-to-call" | "greeting" | "prompt" | "in-line" | "hung-up" | "failed";
}

type AgentPhase = "idle" | "letting-ring" | "caller-hangs-up" | "ringing" | "whisper" | "accepting" | "talking" | "wrapping" | "gone";

interface Agent {
  spec: AgentSpec;
  prng: Prng;
  phase: AgentPhase;
  /** The call of the current offer, and when its ringing was seen. */
  sid?: string;
  since: number;
  until: number;
  /** Calls seen ringing, and those ended, from the handset's stream. */
  rang: string[];
  ended: Set<string>;
  /** performance.now() when "available" was last sent, until the next offer rings. */
  availableSentAt?: number;
}

async function runOne(ctx: BenchContext, scope: Scope, result: BenchmarkResult): Promise<void> {
  const { options, log } = ctx;
  const seed = options.seed;
  const callers = options.callers;
  const setting = `postgres, 2 instances, ${callers} callers, ${AGENTS} agents`;
  const dataDir = scope.tempDir("acd");
  const carrier = await startCarrier(scope, { dataDir, clock: "manual", pool: options.pool });
  const database = await databaseTarget(scope, "postgres", options.postgresUrl);
  const balancer = await roundRobin();
  scope.defer("close the round-robin", () => {
    balancer.close();
  });
  await provisionNumber(carrier.client, balancer.url);
  const specs = agentSpecs(new Prng(seed));
  const flowFile = queueFlowFile(dataDir, DEPARTMENTS, specs);
  const centres = [];
  // One after the other: the first migrates the database. Both sign-check against the balancer's URL.
  for (let i = 0; i < 2; i++) {
    const centre = await startCentre(scope, { dataDir, database, flowFile, twilioApiBaseUrl: carrier.url, env: { PUBLIC_BASE_URL: balancer.url } });
    balancer.add(centre.url);
    centres.push(centre);
  }
  const owner = await signInOwner(balancer.url, dataDir);

  const agents: Agent[] = specs.map((spec, i) => ({ spec, prng: new Prng(seed * 1000 + i + 1), phase: "idle", since: 0, until: 0, rang: [], ended: new Set() }));
  /** Harness-measured: "available" sent → the handset's ringing event, by the agent's call. */
  const ringAfterAvailable = new Map<string, number>();
  let handsetOverlaps = 0;
  let streamError: Error | undefined;
  const streams: HandsetStream[] = [];
  for (const agent of agents) {
    streams.push(
      await followHandset(
        carrier.url,
        agent.spec.phone,
        (call, at) => {
          if (call.status === "ringing" && !agent.rang.includes(call.sid)) {
            agent.rang.push(call.sid);
            // A second call ringing while the agent still has one: an agent offered two callers at once.
            if (agent.rang.length > 1 && !agent.ended.has(agent.rang[agent.rang.length - 2] ?? "")) handsetOverlaps += 1;
            if (agent.availableSentAt !== undefined) ringAfterAvailable.set(call.sid, at - agent.availableSentAt);
            agent.availableSentAt = undefined;
          }
          if (ENDED.has(call.status)) agent.ended.add(call.sid);
        },
        (error) => (streamError ??= error),
      ),
    );
  }
  scope.defer("close the handsets' streams", () => streams.forEach((s) => s.close()));

  const callerPrng = new Prng(seed + 7);
  const line: Caller[] = Array.from({ length: callers }, (_, index) => {
    const department = callerPrng.int(0, DEPARTMENTS.length - 1);
    const arriveAt = callerPrng.int(0, ARRIVAL_SECONDS);
    const patience = callerPrng.int(10, 60);
    return { index, department, arriveAt, hangUpAt: callerPrng.chance(ABANDON_RATE) ? arriveAt + patience : undefined, since: 0, phase: "waiting-to-call" as const };
  });

  for (const agent of agents) await available(agent);
  async function available(agent: Agent): Promise<boolean> {
    const sentAt = performance.now();
    const status = await owner.setState(agent.spec.id, "available");
    if (status === 200) agent.availableSentAt = sentAt;
    else if (status !== 409) throw new Error(`${agent.spec.id} available: ${status}`);
    return status === 200;
  }

  log(`acd (${setting}): ${callers} callers over ${ARRIVAL_SECONDS} s of the carrier's clock, ${AGENTS} agents, seed ${seed}`);
  const cpu = new CpuMeter({ "call centre 1": centres[0]?.child.pid ?? 0, "call centre 2": centres[1]?.child.pid ?? 0, carrier: carrier.child.pid });
  cpu.start();
  const started = performance.now();
  let accepted = 0;
  let misses = 0;
  let cancels = 0;
  let drops = 0;
  const reader = openReader(database);
  let lastProgress = 0;
  let tick = 0;
  let stalled = false;
  for (; ; tick++) {
    if (streamError) throw streamError;
    await Promise.all(line.filter((c) => c.phase !== "hung-up" && c.phase !== "failed" && (c.phase !== "in-line" || c.hangUpAt !== undefined)).map((c) => stepCaller(carrier, c, tick)));
    const before = accepted + agents.reduce((n, a) => n + a.rang.length, 0);
    await Promise.all(agents.map((a) => stepAgent(a)));
    if (accepted + agents.reduce((n, a) => n + a.rang.length, 0) > before) lastProgress = tick;
    const inLine = line.filter((c) => c.phase === "in-line").length;
    const arrived = line.every((c) => c.phase === "in-line" || c.phase === "hung-up" || c.phase === "failed");
    // Done when every caller has called, no agent has anything left to do, and nobody is in line.
    if (arrived && agents.every((a) => a.phase === "idle") && (await reader.query("select 1 from queue_entries where status in ('queued', 'offered')")).length === 0) break;
    if (tick - lastProgress > STALL_SECONDS && tick > ARRIVAL_SECONDS) {
      stalled = true;
      break;
    }
    if (tick % 30 === 0) log(`  ${tick} s: ${inLine} in line so far, ${accepted} answered, ${misses} offers missed`);
    await carrier.client.advance(1);
  }
  const seconds = (performance.now() - started) / 1000;
  const usage = cpu.stop();
  log(`  done at ${tick} s of the carrier's clock, ${seconds.toFixed(1)} s of real time; ${usage}`);

  async function stepAgent(agent: Agent): Promise<void> {
    const { prng } = agent;
    const current = agent.rang[agent.rang.length - 1];
    const ended = agent.sid !== undefined && agent.ended.has(agent.sid);
    switch (agent.phase) {
      case "idle":
        if (current && current !== agent.sid && !agent.ended.has(current)) {
          agent.sid = current;
          const roll = prng.next();
          if (roll < MISS_RATE) agent.phase = "letting-ring";
          else if (roll < MISS_RATE + CANCEL_RATE) agent.phase = "caller-hangs-up";
          else {
            agent.phase = "ringing";
            agent.until = tick + prng.int(...RING_SECONDS);
          }
        }
        return;
      case "letting-ring":
        // The centre records the miss and makes the agent available again by itself.
        if (ended) {
          misses += 1;
          agent.phase = "idle";
        }
        return;
      case "caller-hangs-up": {
        // The offer's caller, once the centre has recorded the agent's call; the centre ends the
        // agent's call and makes them available by itself.
        if (ended) {
          agent.phase = "idle";
          return;
        }
        const [row] = await reader.query<{ sid: string }>(
          "select e.call_sid as sid from offers o join queue_entries e on e.id = o.entry_id where o.agent_call_sid = $1",
          [agent.sid],
        );
        const caller = line.find((c) => c.sid !== undefined && c.sid === row?.sid);
        if (caller?.phase === "in-line") {
          await carrier.client.hangup(caller.sid ?? "");
          caller.phase = "hung-up";
          cancels += 1;
          agent.phase = "gone";
        }
        return;
      }
      case "ringing":
        if (ended) agent.phase = "idle";
        else if (tick >= agent.until) {
          await carrier.client.answer(agent.sid ?? "");
          agent.phase = "whisper";
        }
        return;
      case "whisper": {
        const view = await carrier.client.call(agent.sid ?? "", 1_000_000);
        if (view.activity === "gathering" && prng.chance(DROP_RATE)) {
          // Either may find the call ended by the other first.
          await Promise.allSettled([carrier.client.press(agent.sid ?? "", "1"), carrier.client.hangup(agent.sid ?? "")]);
          drops += 1;
          agent.phase = "wrapping";
        } else if (view.activity === "gathering") agent.phase = (await carrier.client.press(agent.sid ?? "", "1")) ? "accepting" : "gone";
        else if (view.activity === "ended") agent.phase = "idle";
        return;
      }
      case "accepting": {
        const view = await carrier.client.call(agent.sid ?? "", 1_000_000);
        if (view.activity === "bridged") {
          accepted += 1;
          agent.phase = "talking";
          agent.until = tick + prng.int(...TALK_SECONDS);
        } else if (view.activity === "ended") agent.phase = "idle";
        return;
      }
      case "talking":
        if (ended || tick >= agent.until) {
          if (!ended) await carrier.client.hangup(agent.sid ?? "");
          agent.phase = "wrapping";
        }
        return;
      case "wrapping":
        // Refused (409) until the centre has the call's end and the agent is in wrap-up: again next tick.
        if (await available(agent)) agent.phase = "idle";
        return;
      case "gone":
        if (ended) agent.phase = "idle";
        return;
    }
  }

  for (const stream of streams) stream.close();
  await Promise.all(centres.map((c) => c.stop()));
  const checks = await checkAcd(reader);
  await reader.close();

  const notInLine = line.filter((c) => c.phase !== "in-line" && c.phase !== "hung-up");
  const hungUp = line.filter((c) => c.phase === "hung-up").length;
  const agentReadyMs = checks.agentReady.map((w) => w.ms);
  const harnessMs = checks.agentReady.flatMap((w) => {
    const ms = w.agentCallSid ? ringAfterAvailable.get(w.agentCallSid) : undefined;
    return ms === undefined ? [] : [ms];
  });
  const duplicatesOfCallers = checks.callerOverlaps + checks.acceptedTwice;
  const duplicatesOfAgents = checks.agentOverlaps + handsetOverlaps;
  const waitNote = `centre's clock (system time): offers.created_at − ready_at, ${agentReadyMs.length} offers`;
  const figures = [
    figure(NAME, setting, "callers answered", checks.answered, "", { op: ">=", value: callers - hungUp }, `${callers} placed, ${hungUp} hung up while waiting`),
    figure(NAME, setting, "callers lost", checks.lost.length + notInLine.length, "", { op: "<=", value: 0 }),
    figure(NAME, setting, "callers offered twice at once", duplicatesOfCallers, "", { op: "<=", value: 0 }),
    figure(NAME, setting, "agents offered two at once", duplicatesOfAgents, "", { op: "<=", value: 0 }),
    figure(NAME, setting, "FCFS violations", checks.fcfsViolations, "", { op: "<=", value: 0 }, "per department; see docs/performance.md"),
    figure(NAME, setting, "agent ready → offer, p50", percentile(agentReadyMs, 50), "ms", undefined, waitNote),
    figure(NAME, setting, "agent ready → offer, p95", percentile(agentReadyMs, 95), "ms"),
    figure(NAME, setting, "agent ready → offer, p99", percentile(agentReadyMs, 99), "ms", { op: "<=", value: 1000 }),
    figure(NAME, setting, "'available' sent → phone rings, p99", percentile(harnessMs, 99), "ms", undefined, `harness, real time: the POST sent → the handset's ringing event; ${harnessMs.length} offers`),
    figure(NAME, setting, "caller in line → offer, p99", percentile(checks.callerReady, 99), "ms", undefined, `centre's clock; ${checks.callerReady.length} offers (an agent was free)`),
  ];
  result.notes.push(
    `acd (${setting}): ${tick} s of the carrier's clock in ${seconds.toFixed(1)} s of real time; ${usage}`,
    `  callers: ${hungUp} hung up while waiting (abandoned, not lost), ${cancels} of them while an agent's phone rang for them; offers: ${Object.entries(checks.offers).map(([status, n]) => `${n} ${status}`).join(", ")}; ${misses} left to ring out by the agents; ${drops} times an agent pressed 1 and hung up at once; webhooks and API requests per instance: ${balancer.served.join(" and ")}`,
    `  offers after a miss with ready_at earlier than the caller's return to the line (their wait counted from the return): ${checks.readyAtBeforeBackInLine}`,
    `  'available' sent → phone rings (harness): p50 ${percentile(harnessMs, 50).toFixed(0)} ms, p95 ${percentile(harnessMs, 95).toFixed(0)} ms; caller in line → offer (centre): p50 ${percentile(checks.callerReady, 50).toFixed(0)} ms`,
  );
  const failures: string[] = [];
  if (!checks.uniqueIndexes) failures.push("the offers table lacks its partial unique indexes (offers_ringing_entry, offers_ringing_agent)");
  const stuck = agents.filter((a) => a.phase !== "idle").map((a) => `${a.spec.id} ${a.phase}`);
  if (stalled) failures.push(`nothing happened for ${STALL_SECONDS} s of the carrier's clock, with callers waiting or agents not done (${stuck.join(", ") || "none"})`);
  if (notInLine.length > 0) failures.push(`${notInLine.length} callers did not reach the line: ${notInLine.slice(0, 5).map((c) => c.sid ?? `caller ${c.index}`).join(", ")}`);
  if (checks.lost.length > 0) failures.push(`${checks.lost.length} callers lost (never reached an agent): ${checks.lost.slice(0, 5).join(", ")}`);
  if (duplicatesOfCallers > 0) failures.push(`${checks.callerOverlaps} pairs of overlapping offers of one caller, ${checks.acceptedTwice} callers accepted twice`);
  if (duplicatesOfAgents > 0) failures.push(`${checks.agentOverlaps} overlapping offers to one agent in the database, ${handsetOverlaps} seen on the handsets`);
  failures.push(...checks.overlaps.map((o) => `overlapping: ${o}`));
  if (failures.length > 0) {
    failFigures(figures, "the run failed its checks (see failures)");
    result.failures.push(...failures.map((f) => `acd: ${f}`));
  }
  result.figures.push(...figures);
}

/**
 * One tick of a caller: call at their time, choose the department at the menu, then wait in line; an
 * impatient one hangs up at their time unless an agent has taken the call.
 */
async function stepCaller(carrier: CarrierProcess, caller: Caller, tick: number): Promise<void> {
  if (caller.phase === "waiting-to-call") {
    if (tick < caller.arriveAt) return;
    caller.sid = await carrier.client.placeCall(callerPhone(caller.index), CENTRE_NUMBER);
    caller.phase = "greeting";
    return;
  }
  if (caller.phase === "in-line") {
    if (tick < (caller.hangUpAt ?? Infinity)) return;
    const { activity } = await carrier.client.call(caller.sid ?? "", 1_000_000);
    if (activity === "bridged" || activity === "ended") caller.hangUpAt = undefined;
    else {
      await carrier.client.hangup(caller.sid ?? "");
      caller.phase = "hung-up";
    }
    return;
  }
  const view = await carrier.client.call(caller.sid ?? "", caller.since);
  caller.since += view.timeline.length;
  if (view.activity === "ended") caller.phase = "failed";
  else if (caller.phase === "greeting" && view.activity === "gathering") {
    if (await carrier.client.press(caller.sid ?? "", String(caller.department + 1))) caller.phase = "prompt";
  } else if (caller.phase === "prompt" && view.timeline.some((e) => e.type === "enqueue")) caller.phase = "in-line";
}
