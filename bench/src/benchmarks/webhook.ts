// 1. webhook: the complete POST /twilio/voice/incoming (signature check, call persisted, TwiML)
// under load, against a bare Fastify route answering the same bytes, in the same run. Then p99 at a
// fixed rate. Every request is a new, correctly signed call; every answer must be the menu's TwiML;
// afterwards the calls table must hold exactly one row per answer.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withScope, type Scope } from "../lib/cleanup.js";
import { databaseTarget, openReader, type Engine } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import { clean, describeProblems, runLoad, type LoadResult } from "../lib/load.js";
import { runPaced } from "../lib/paced.js";
import { CpuMeter } from "../lib/cpu.js";
import { baseEnv, ROOT, spawnTsx } from "../lib/processes.js";
import { profileClockNow, summariseProfiles } from "../lib/profile.js";
import { failFigures, figure, newResult, type BenchmarkResult, type Figure } from "../lib/results.js";
import { alwaysOpenFlow, CENTRE_NUMBER, CLOSED_URL, freePort, startCentre } from "../lib/system.js";
import { formatValue } from "../lib/table.js";
import { callerNumber, incomingCallParams, newCallSid, signedForm } from "../lib/twilio-webhook.js";

const PATH = "/twilio/voice/incoming";
const NAME = "webhook";

/** What a correct answer to a new call looks like: the greeting and the main menu's <Gather>. */
const isMenu = (status: number, body: string) => status === 200 && body.includes("<Gather") && !body.includes("<Hangup");

export async function runWebhook(ctx: BenchContext): Promise<BenchmarkResult> {
  const result = newResult(NAME);
  for (const engine of databasesFor(ctx, ["pglite", "postgres"])) {
    await withScope(ctx.log, (scope) => runOn(ctx, scope, engine, result));
  }
  result.notes.push(
    "webhook: flat-out runs use autocannon; fixed-rate runs are open-loop (bench/src/lib/paced.ts), one request every 1/rate s " +
      "on its own keep-alive socket whether or not earlier ones were answered, each latency from the request's send to the end of its answer.",
  );
  return result;
}

async function runOn(ctx: BenchContext, scope: Scope, engine: Engine, result: BenchmarkResult): Promise<void> {
  const { options, log } = ctx;
  const dataDir = scope.tempDir(`webhook-${engine}`);
  const database = await databaseTarget(scope, engine, options.postgresUrl);
  const accountSid = `AC${randomBytes(16).toString("hex")}`;
  const authToken = randomBytes(16).toString("hex");
  const profileDir = options.profile ? scope.tempDir("webhook-profile") : undefined;
  log(`webhook (${engine}): starting the call centre`);
  const centre = await startCentre(scope, {
    dataDir,
    database,
    flowFile: alwaysOpenFlow(dataDir),
    // The incoming webhook makes no REST call: a closed port stands in for the API.
    twilioApiBaseUrl: CLOSED_URL,
    env: { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken },
    profileDir,
  });
  const webhookUrl = `${centre.url}${PATH}`;
  // Every call sent, and those the centre answered with its menu: each of these must be in the calls
  // table, and nothing else but the few still in flight when a run stopped (the centre finishes them,
  // but nobody reads the answer).
  const built = new Set<string>();
  const answered = new Set<string>();
  const build = () => {
    const callSid = newCallSid();
    built.add(callSid);
    return { id: callSid, ...signedForm(authToken, webhookUrl, incomingCallParams({ accountSid, callSid, from: callerNumber(built.size), to: CENTRE_NUMBER })) };
  };

  // One call by hand: the real answer, whose bytes the bare route sends back.
  const probe = build();
  const res = await fetch(webhookUrl, { method: "POST", body: probe.body, headers: probe.headers });
  const twiml = await res.text();
  if (!isMenu(res.status, twiml)) throw new Error(`the call centre did not answer a signed call with its menu: ${res.status} ${twiml.slice(0, 300)}`);
  answered.add(probe.id);
  const bodyFile = join(dataDir, "answer.xml");
  writeFileSync(bodyFile, twiml);

  const barePort = await freePort();
  const bare = await spawnTsx("bare route", join(ROOT, "bench/src/bare-server.ts"), { ...baseEnv(), BARE_PORT: String(barePort), BARE_BODY_FILE: bodyFile });
  scope.defer("stop the bare route", async () => {
    await bare.stop();
  });
  await bare.waitForLine(/bare route ready/);
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const cpu = new CpuMeter({ "call centre": centre.child.pid, "bare route": bare.pid });

  /** A run: flat out with autocannon's connections, or open-loop at a fixed rate (one request every 1/rate s). */
  const load = async (label: string, url: string, seconds: number, rate?: number, connections = options.concurrency) => {
    cpu.start();
    const common = { url, path: PATH, durationSeconds: seconds, build, accept: url === centre.url ? isMenu : (status: number) => status === 200 };
    const paced = rate === undefined ? undefined : await runPaced({ ...common, ratePerSecond: rate });
    const r: LoadResult = paced ?? (await runLoad({ ...common, connections }));
    const perRequest = url === centre.url ? `, call centre ${((cpu.used("call centre") * 1000) / Math.max(1, r.responses)).toFixed(2)} ms CPU a request` : "";
    const usage = `${cpu.stop()}${perRequest}`;
    if (url === centre.url) for (const id of r.acceptedIds) answered.add(id);
    const lag = paced
      ? `; p90 ${formatValue(paced.p90Ms, "ms")}, p99.9 ${formatValue(paced.p999Ms, "ms")}, slowest answer in each second (ms): ${paced.slowestBySecond.join(" ")}` +
        `; requests sent late (the generator's own delay) by p50 ${formatValue(paced.lagP50Ms, "ms")}, p99 ${formatValue(paced.lagP99Ms, "ms")}`
      : "";
    log(
      `  ${label}: ${formatValue(r.perSecond, "req/s")}, p50 ${formatValue(r.p50Ms, "ms")}, p99 ${formatValue(r.p99Ms, "ms")}${lag}; ${usage}` +
        `${clean(r) ? "" : `; ${describeProblems(r)}`}`,
    );
    if (!label.endsWith("warm-up")) cpuNotes.push(`  ${label}: ${usage}${lag}`);
    return r;
  };

  const cpuNotes: string[] = [];
  log(`webhook (${engine}): ${options.concurrency} connections, ${options.warmupSeconds} s warm-up, ${options.durationSeconds} s measured`);
  await load("bare route warm-up", bareUrl, options.warmupSeconds);
  const bareRun = await load("bare route", bareUrl, options.durationSeconds);
  await load("call centre warm-up", centre.url, options.warmupSeconds);
  const fromUs = profileClockNow();
  const centreRun = await load("call centre", centre.url, options.durationSeconds);
  const window = { fromUs, toUs: profileClockNow() };
  const rateRun = await load(`call centre at ${options.fixedRate} req/s`, centre.url, options.durationSeconds, options.fixedRate);
  // Latency when the centre is not saturated: at half the rate it managed flat out.
  const halfRate = Math.max(1, Math.round(centreRun.perSecond / 2));
  const halfRun = await load(`call centre at ${halfRate} req/s (half its maximum)`, centre.url, options.durationSeconds, halfRate);
  // And with no queueing at all: one request at a time.
  const singleRun = await load("call centre, one request at a time", centre.url, options.durationSeconds, undefined, 1);
  await bare.stop();

  // The database: one calls row per call answered (PGlite can be read only once the centre is gone).
  await centre.stop();
  const reader = await openReader(database, dataDir);
  const stored = new Set((await reader.query<{ sid: string }>("select sid from calls")).map((r) => r.sid));
  const [events] = await reader.query<{ n: number }>("select count(*)::int as n from call_events");
  await reader.close();
  const missing = [...answered].filter((sid) => !stored.has(sid));
  const foreign = [...stored].filter((sid) => !built.has(sid));
  const inFlight = stored.size - answered.size + missing.length - foreign.length;

  const setting = `${engine}, ${options.concurrency} conn`;
  const figures: Figure[] = [
    figure(NAME, setting, "bare route", bareRun.perSecond, "req/s"),
    figure(NAME, setting, "bare route p50 / p99", bareRun.p50Ms, "ms", undefined, `p99 ${formatValue(bareRun.p99Ms, "ms")}`),
    figure(NAME, setting, "call centre", centreRun.perSecond, "req/s"),
    figure(NAME, setting, "call centre p50", centreRun.p50Ms, "ms"),
    figure(NAME, setting, "call centre p99", centreRun.p99Ms, "ms"),
    figure(NAME, setting, "ratio to the bare route", centreRun.perSecond / bareRun.perSecond, "×", { op: ">=", value: 0.4 }),
    figure(NAME, `${engine}, ${options.fixedRate} req/s`, "p99 at a fixed rate", rateRun.p99Ms, "ms", { op: "<=", value: 5 },
      `achieved ${formatValue(rateRun.perSecond, "req/s")}; p50 ${formatValue(rateRun.p50Ms, "ms")}; max ${formatValue(rateRun.maxMs, "ms")}`),
    figure(NAME, `${engine}, ${halfRate} req/s`, "p99 at half the maximum rate", halfRun.p99Ms, "ms", undefined,
      `achieved ${formatValue(halfRun.perSecond, "req/s")}; p50 ${formatValue(halfRun.p50Ms, "ms")}; max ${formatValue(halfRun.maxMs, "ms")}`),
    figure(NAME, `${engine}, 1 conn`, "p99, one request at a time", singleRun.p99Ms, "ms", undefined,
      `p50 ${formatValue(singleRun.p50Ms, "ms")}; ${formatValue(singleRun.perSecond, "req/s")}`),
  ];
  const problems: string[] = [];
  const runs: [string, LoadResult][] = [
    ["bare route", bareRun],
    ["call centre", centreRun],
    [`call centre at ${options.fixedRate} req/s`, rateRun],
    [`call centre at ${halfRate} req/s`, halfRun],
    ["call centre, one request at a time", singleRun],
  ];
  for (const [label, r] of runs) if (!clean(r)) problems.push(`${label}: ${describeProblems(r)}`);
  const wrong = runs.reduce((n, [, r]) => n + r.errors + r.timeouts + Math.max(r.rejected, r.non2xx), 0);
  figures.push(
    figure(NAME, setting, "errors, timeouts, wrong answers", wrong, "", { op: "<=", value: 0 }),
    figure(NAME, setting, "answered calls missing in the database", missing.length + foreign.length, "", { op: "<=", value: 0 }),
  );
  if (missing.length > 0) problems.push(`${missing.length} calls answered with the menu are not in the calls table (e.g. ${missing.slice(0, 3).join(", ")})`);
  if (foreign.length > 0) problems.push(`${foreign.length} rows in the calls table are calls the bench never sent`);
  // At most one request per connection is in flight when a run stops (4 runs against the centre, and 1 with one connection).
  const mostInFlight = 4 * options.concurrency + 1;
  if (inFlight > mostInFlight) problems.push(`${inFlight} calls were stored but never answered (at most ${mostInFlight} can be in flight when runs stop)`);
  result.notes.push(
    `webhook (${engine}): ${answered.size} calls answered with the menu (warm-ups included), all of them in the calls table: ${missing.length === 0 ? "yes" : "NO"}; ` +
      `${stored.size} rows in calls (${inFlight} were in flight when a run stopped), ${events?.n ?? 0} in call_events; the answer is ${Buffer.byteLength(twiml)} bytes. CPU used:`,
    ...cpuNotes,
  );
  if (problems.length > 0) {
    failFigures(figures, "run had errors (see failures)");
    result.failures.push(...problems.map((p) => `webhook (${engine}): ${p}`));
  }
  result.figures.push(...figures);
  if (profileDir) result.notes.push(`webhook (${engine}), the call centre during its maximum-throughput run: ${summariseProfiles(profileDir, window)}`);
}
