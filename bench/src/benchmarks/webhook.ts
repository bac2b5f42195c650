// 1. webhook: the complete POST /twilio/voice/incoming (signature check, call persisted, TwiML) flat
// out, side by side in one run with the seed's Flask app under one gunicorn sync worker (the peer),
// both loaded by wrk with the same connections and the same signed requests, in interleaved rounds
// (peer, centre; centre, peer; …). Then p99 at a fixed rate with the open-loop generator. Every
// request to the centre is a new, correctly signed call; every answer must be the menu's TwiML (the
// peer's: its <Say>); afterwards the calls table must hold one row per call answered.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { withScope, type Scope } from "../lib/cleanup.js";
import { databaseTarget, openReader, type Engine } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import { CpuMeter } from "../lib/cpu.js";
import { clean, describeProblems, type LoadResult } from "../lib/load.js";
import { runPaced } from "../lib/paced.js";
import { findPeerDir, PEER_EXPECT, PEER_PATH, startPeer } from "../lib/peer.js";
import { profileClockNow, summariseProfiles } from "../lib/profile.js";
import { failFigures, figure, newResult, type BenchmarkResult, type Figure } from "../lib/results.js";
import { median } from "../lib/stats.js";
import { alwaysOpenFlow, CENTRE_NUMBER, CLOSED_URL, freePort, startCentre } from "../lib/system.js";
import { formatValue } from "../lib/table.js";
import { callerNumber, incomingCallParams, newCallSid, signedForm } from "../lib/twilio-webhook.js";
import { findWrk, runWrk, writeWrkScript, type WrkScript } from "../lib/wrk.js";

const PATH = "/twilio/voice/incoming";
const NAME = "webhook";
/** wrk threads: one sends tens of thousands of requests a second, and leaves the second core to the servers. */
const WRK_THREADS = 1;

/** What a correct answer to a new call looks like: the greeting and the main menu's <Gather>. */
const isMenu = (status: number, body: string) => status === 200 && body.includes("<Gather") && !body.includes("<Hangup");
const isPeerAnswer = (status: number, body: string) => status === 200 && body.includes(PEER_EXPECT);

export async function runWebhook(ctx: BenchContext): Promise<BenchmarkResult> {
  const result = newResult(NAME);
  findWrk();
  const peerDir = findPeerDir(ctx.options.peerDir);
  for (const engine of databasesFor(ctx, ["embedded"])) {
    await withScope(ctx.log, (scope) => runOn(ctx, scope, engine, peerDir, result));
  }
  result.notes.push(
    `webhook: flat-out runs use wrk (${WRK_THREADS} thread, ${ctx.options.concurrency} connections), which signs each request in Lua (bench/src/lib/wrk.ts); ` +
      "the peer gets the same requests on its /answer. Rounds alternate which of the two goes first; figures are the medians of the rounds. " +
      "Fixed-rate runs are open-loop (bench/src/lib/paced.ts), one request every 1/rate s on its own keep-alive socket whether or not earlier ones were answered.",
  );
  return result;
}

/** The pid of gunicorn's worker (the master's only child), for its CPU. */
function childPid(parent: number): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

async function runOn(ctx: BenchContext, scope: Scope, engine: Engine, peerDir: string, result: BenchmarkResult): Promise<void> {
  const { options, log } = ctx;
  const dataDir = scope.tempDir(`webhook-${engine}`);
  const database = await databaseTarget(scope, engine, options.postgresUrl);
  const accountSid = `AC${randomBytes(16).toString("hex")}`;
  const authToken = randomBytes(16).toString("hex");
  const profileDir = options.profile ? scope.tempDir("webhook-profile") : undefined;
  log(`webhook (${engine}): starting the call centre and the Flask peer (${peerDir})`);
  const centre = await startCentre(scope, {
    dataDir,
    database,
    flowFile: alwaysOpenFlow(dataDir),
    // The incoming webhook makes no REST call: a closed port stands in for the API.
    twilioApiBaseUrl: CLOSED_URL,
    env: { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken },
    profileDir,
  });
  const peer = await startPeer(scope, peerDir, await freePort());
  const webhookUrl = `${centre.url}${PATH}`;

  // Calls sent by the bench itself (the probe, the fixed-rate runs) and those answered with the menu.
  const built = new Set<string>();
  const answered = new Set<string>();
  const build = () => {
    const callSid = newCallSid();
    built.add(callSid);
    return { id: callSid, ...signedForm(authToken, webhookUrl, incomingCallParams({ accountSid, callSid, from: callerNumber(built.size), to: CENTRE_NUMBER })) };
  };

  // One call by hand to each: the real answers.
  const probe = build();
  const res = await fetch(webhookUrl, { method: "POST", body: probe.body, headers: probe.headers });
  const twiml = await res.text();
  if (!isMenu(res.status, twiml)) throw new Error(`the call centre did not answer a signed call with its menu: ${res.status} ${twiml.slice(0, 300)}`);
  answered.add(probe.id);
  const peerRes = await fetch(`${peer.url}${PEER_PATH}`, { method: "POST", body: probe.body, headers: probe.headers });
  const peerBody = await peerRes.text();
  if (!isPeerAnswer(peerRes.status, peerBody)) throw new Error(`the Flask peer did not answer with its <Say>: ${peerRes.status} ${peerBody.slice(0, 300)}`);

  // A new script (a new CallSid prefix) for every wrk run, so that no call is ever sent twice.
  const scripts: WrkScript[] = [];
  const script = (expect: string) => {
    const s = writeWrkScript(
      dataDir,
      { signedUrl: webhookUrl, authToken, params: incomingCallParams({ accountSid, callSid: "$sid", from: "$from", to: CENTRE_NUMBER }), expect },
      randomBytes(11).toString("hex"),
      `wrk-${scripts.length}`,
    );
    scripts.push(s);
    return s;
  };

  const workerPid = childPid(peer.child.pid);
  const cpu = new CpuMeter({ "call centre": centre.child.pid, ...(workerPid ? { "Flask peer": workerPid } : {}) });
  const cpuNotes: string[] = [];
  /** Accepted answers of the centre's wrk runs, by their CallSid prefix (for the database check). */
  const centreRuns: { prefix: string; accepted: number; responses: number }[] = [];
  type Target = "centre" | "peer";
  const who = (target: Target) => (target === "centre" ? "call centre" : "Flask peer");

  const flatOut = async (target: Target, label: string, seconds: number): Promise<LoadResult> => {
    const s = script(target === "centre" ? "<Gather" : PEER_EXPECT);
    cpu.start();
    const r = await runWrk({
      url: target === "centre" ? centre.url : peer.url,
      path: target === "centre" ? PATH : PEER_PATH,
      script: s,
      connections: options.concurrency,
      threads: WRK_THREADS,
      durationSeconds: seconds,
    });
    const name = who(target);
    const perRequest = `, ${name} ${((cpu.used(name) * 1000) / Math.max(1, r.responses)).toFixed(3)} ms CPU a request`;
    const usage = `${cpu.stop()}${perRequest}`;
    if (target === "centre") centreRuns.push({ prefix: s.sidPrefix, accepted: r.accepted, responses: r.responses });
    log(`  ${label}: ${formatValue(r.perSecond, "req/s")}, p50 ${formatValue(r.p50Ms, "ms")}, p99 ${formatValue(r.p99Ms, "ms")}; ${usage}${clean(r) ? "" : `; ${describeProblems(r)}`}`);
    if (!label.endsWith("warm-up")) cpuNotes.push(`  ${label}: ${usage}`);
    return r;
  };

  const paced = async (target: Target, rate: number): Promise<LoadResult> => {
    const label = `${who(target)} at ${rate} req/s`;
    cpu.start();
    const r = await runPaced({
      url: target === "centre" ? centre.url : peer.url,
      path: target === "centre" ? PATH : PEER_PATH,
      durationSeconds: options.durationSeconds,
      ratePerSecond: rate,
      build,
      accept: target === "centre" ? isMenu : isPeerAnswer,
    });
    if (target === "centre") for (const id of r.acceptedIds) answered.add(id);
    const usage = cpu.stop();
    const detail =
      `p90 ${formatValue(r.p90Ms, "ms")}, p99.9 ${formatValue(r.p999Ms, "ms")}, slowest answer in each second (ms): ${r.slowestBySecond.join(" ")}` +
      `; requests sent late (the generator's own delay) by p50 ${formatValue(r.lagP50Ms, "ms")}, p99 ${formatValue(r.lagP99Ms, "ms")}`;
    log(`  ${label}: ${formatValue(r.perSecond, "req/s")}, p50 ${formatValue(r.p50Ms, "ms")}, p99 ${formatValue(r.p99Ms, "ms")}; ${detail}; ${usage}${clean(r) ? "" : `; ${describeProblems(r)}`}`);
    cpuNotes.push(`  ${label}: ${usage}; ${detail}`);
    return r;
  };

  log(`webhook (${engine}): wrk, ${options.concurrency} connections, ${options.warmupSeconds} s warm-up each, then ${options.rounds} rounds of ${options.durationSeconds} s each`);
  if (options.warmupSeconds > 0) {
    await flatOut("peer", "Flask peer warm-up", options.warmupSeconds);
    await flatOut("centre", "call centre warm-up", options.warmupSeconds);
  }
  const peerRuns: LoadResult[] = [];
  const centreFlat: LoadResult[] = [];
  let window: { fromUs: number; toUs: number } | undefined;
  for (let round = 1; round <= options.rounds; round++) {
    const order: Target[] = round % 2 === 1 ? ["peer", "centre"] : ["centre", "peer"];
    for (const target of order) {
      const fromUs = profileClockNow();
      const r = await flatOut(target, `round ${round}: ${who(target)}`, options.durationSeconds);
      if (target === "centre") {
        centreFlat.push(r);
        // The profile summary covers the centre's first measured run.
        window ??= { fromUs, toUs: profileClockNow() };
      } else peerRuns.push(r);
    }
  }
  const centreRate = await paced("centre", options.fixedRate);
  const peerRate = await paced("peer", options.fixedRate);

  // The database: one calls row per call answered (each answer is sent once its turn is committed).
  // Read while the call centre runs: the embedded server is the call centre's and stops with it.
  const problems: string[] = [];
  let dbNote: string;
  let missingCount = 0;
  {
    const reader = openReader(database, dataDir);
    const count = async (prefix: string) =>
      (await reader.query<{ n: number }>("select count(*)::int as n from calls where sid like $1", [`${prefix}%`]))[0]?.n ?? 0;
    const checks: string[] = [];
    for (const run of centreRuns) {
      const stored = await count(run.prefix);
      // Every call answered is stored; a few more may have been in flight (sent, not yet answered) when wrk stopped.
      if (stored < run.accepted) {
        missingCount += run.accepted - stored;
        problems.push(`${run.accepted - stored} of ${run.accepted} calls answered with the menu in a run are not in the calls table (prefix ${run.prefix})`);
      }
      if (stored > run.responses + options.concurrency) problems.push(`${stored} rows for ${run.responses} answers in a run (prefix ${run.prefix}): calls stored that were never sent`);
      checks.push(`${run.accepted}→${stored}`);
    }
    const sids = [...answered];
    const storedSids = new Set((await reader.query<{ sid: string }>("select sid from calls where sid = any($1)", [sids])).map((r) => r.sid));
    const missing = sids.filter((sid) => !storedSids.has(sid));
    missingCount += missing.length;
    if (missing.length > 0) problems.push(`${missing.length} calls answered with the menu at a fixed rate are not in the calls table (e.g. ${missing.slice(0, 3).join(", ")})`);
    const [total] = await reader.query<{ calls: number; events: number }>("select (select count(*)::int from calls) as calls, (select count(*)::int from call_events) as events");
    await reader.close();
    dbNote =
      `calls answered → rows stored, per wrk run: ${checks.join(", ")}; at a fixed rate and the probe: ${sids.length} answered, ${sids.length - missing.length} stored; ` +
      `${total?.calls ?? 0} rows in calls, ${total?.events ?? 0} in call_events`;
  }
  await centre.stop();

  const setting = `${engine}, wrk ${options.concurrency} conn, median of ${options.rounds}`;
  const peerMedian = median(peerRuns.map((r) => r.perSecond));
  const centreMedian = median(centreFlat.map((r) => r.perSecond));
  const list = (runs: LoadResult[]) => `runs ${runs.map((r) => Math.round(r.perSecond).toLocaleString("en-US")).join(", ")}`;
  const roundRatios = centreFlat.map((r, i) => (r.perSecond / (peerRuns[i]?.perSecond ?? Number.NaN)).toFixed(2));
  const figures: Figure[] = [
    figure(NAME, setting, "Flask peer (1 gunicorn sync worker)", peerMedian, "req/s", undefined, list(peerRuns)),
    figure(NAME, setting, "call centre (one Node process)", centreMedian, "req/s", undefined, list(centreFlat)),
    figure(NAME, setting, "ratio to the Flask peer", centreMedian / peerMedian, "×", { op: ">=", value: 1.5 }, `each round: ${roundRatios.join(", ")}`),
    figure(NAME, setting, "Flask peer p50 / p99 flat out", median(peerRuns.map((r) => r.p50Ms)), "ms", undefined, `p99 ${formatValue(median(peerRuns.map((r) => r.p99Ms)), "ms")}`),
    figure(NAME, setting, "call centre p50 / p99 flat out", median(centreFlat.map((r) => r.p50Ms)), "ms", undefined, `p99 ${formatValue(median(centreFlat.map((r) => r.p99Ms)), "ms")}`),
    figure(NAME, `${engine}, ${options.fixedRate} req/s open loop`, "call centre p99 at a fixed rate", centreRate.p99Ms, "ms", { op: "<=", value: 5 },
      `achieved ${formatValue(centreRate.perSecond, "req/s")}; p50 ${formatValue(centreRate.p50Ms, "ms")}; max ${formatValue(centreRate.maxMs, "ms")}`),
    figure(NAME, `${engine}, ${options.fixedRate} req/s open loop`, "Flask peer p99 at a fixed rate", peerRate.p99Ms, "ms", undefined,
      `achieved ${formatValue(peerRate.perSecond, "req/s")}; p50 ${formatValue(peerRate.p50Ms, "ms")}; max ${formatValue(peerRate.maxMs, "ms")}`),
  ];
  const runs: [string, LoadResult][] = [
    ...peerRuns.map((r, i): [string, LoadResult] => [`Flask peer, round ${i + 1}`, r]),
    ...centreFlat.map((r, i): [string, LoadResult] => [`call centre, round ${i + 1}`, r]),
    [`call centre at ${options.fixedRate} req/s`, centreRate],
    [`Flask peer at ${options.fixedRate} req/s`, peerRate],
  ];
  for (const [label, r] of runs) if (!clean(r)) problems.push(`${label}: ${describeProblems(r)}`);
  const wrong = runs.reduce((n, [, r]) => n + r.errors + r.timeouts + Math.max(r.rejected, r.non2xx), 0);
  figures.push(figure(NAME, setting, "errors, timeouts, wrong answers", wrong, "", { op: "<=", value: 0 }));
  figures.push(figure(NAME, setting, "answered calls missing in the database", missingCount, "", { op: "<=", value: 0 }));
  result.notes.push(`webhook (${engine}): the call centre's answer is ${Buffer.byteLength(twiml)} bytes, the peer's ${Buffer.byteLength(peerBody)}; database: ${dbNote}. CPU used:`, ...cpuNotes);
  if (problems.length > 0) {
    failFigures(figures, "run had errors (see failures)");
    result.failures.push(...problems.map((p) => `webhook (${engine}): ${p}`));
  }
  result.figures.push(...figures);
  if (profileDir && window) result.notes.push(`webhook (${engine}), the call centre during its first measured run: ${summariseProfiles(profileDir, window)}`);
}
