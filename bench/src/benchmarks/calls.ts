// 2. calls: N concurrent scripted callers on the carrier (manual clock) through the default flow's
// menu to the end. Calls per second = N ÷ the wall time from the first call placed to the last one
// recorded completed by the call centre. None may be lost: each must end completed on the carrier,
// and be in the centre's database as completed with its three menu steps.
import { callThroughMenu, ClockDriver, type CallOutcome, type CallStep } from "../lib/caller.js";
import { withScope, type Scope } from "../lib/cleanup.js";
import { databaseTarget, openReader, type Engine } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import { CpuMeter } from "../lib/cpu.js";
import { profileClockNow, summariseProfiles } from "../lib/profile.js";
import { failFigures, figure, newResult, type BenchmarkResult } from "../lib/results.js";
import { median } from "../lib/stats.js";
import { alwaysOpenFlow, provisionNumber, startCarrier, startCentre, type CarrierProcess } from "../lib/system.js";
import { formatValue } from "../lib/table.js";
import { callerNumber } from "../lib/twilio-webhook.js";
import { checkInDatabase, checkOnCarrier, summariseProblems } from "../lib/verify-calls.js";

const NAME = "calls";
/**
 * Before the measured batch, a warm-up batch of the same shape: N callers at once (at most this
 * many), so that the measured one runs on warm code (JIT) and open connections, as a live system does.
 */
const MAX_WARM_UP_CALLS = 1000;

export async function runCalls(ctx: BenchContext): Promise<BenchmarkResult> {
  const result = newResult(NAME);
  for (const engine of databasesFor(ctx, ["postgres"])) {
    for (const n of ctx.options.calls) await withScope(ctx.log, (scope) => runOne(ctx, scope, engine, n, result));
  }
  return result;
}

interface Batch {
  outcomes: CallOutcome[];
  failures: string[];
  advances: number;
}

/** `n` callers at once; resolves when every one has finished or failed. */
async function batch(carrier: CarrierProcess, n: number, firstCaller: number): Promise<Batch> {
  const clock = new ClockDriver(carrier.client);
  const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => callThroughMenu(carrier.client, callerNumber(firstCaller + i), clock)));
  const outcomes: CallOutcome[] = [];
  const failures: string[] = [];
  for (const s of settled) {
    if (s.status === "fulfilled") outcomes.push(s.value);
    else failures.push((s.reason as Error).message);
  }
  return { outcomes, failures, advances: clock.advances };
}

async function runOne(ctx: BenchContext, scope: Scope, engine: Engine, n: number, result: BenchmarkResult): Promise<void> {
  const { options, log } = ctx;
  const setting = `${engine}, N=${n}`;
  const dataDir = scope.tempDir(`calls-${engine}`);
  const profileDir = options.profile ? scope.tempDir("calls-profile") : undefined;
  const carrierProfileDir = options.profile ? scope.tempDir("calls-carrier-profile") : undefined;
  const carrier = await startCarrier(scope, { dataDir, clock: "manual", pool: options.pool, profileDir: carrierProfileDir });
  const database = await databaseTarget(scope, engine, options.postgresUrl);
  const centre = await startCentre(scope, { dataDir, database, flowFile: alwaysOpenFlow(dataDir), twilioApiBaseUrl: carrier.url, profileDir });
  await provisionNumber(carrier.client, centre.url);

  const warmUpCalls = Math.min(MAX_WARM_UP_CALLS, n);
  log(`calls (${setting}): ${warmUpCalls} warm-up calls`);
  const warmUp = await batch(carrier, warmUpCalls, 0);
  if (warmUp.failures.length > 0) throw new Error(`warm-up calls failed:\n${summariseProblems(warmUp.failures).join("\n")}\n${centre.child.output(10)}`);

  log(`calls (${setting}): ${n} concurrent callers, ${options.pool} control requests in flight at most`);
  const cpu = new CpuMeter({ "call centre": centre.child.pid, carrier: carrier.child.pid });
  cpu.start();
  const fromUs = profileClockNow();
  const started = performance.now();
  const run = await batch(carrier, n, warmUpCalls);
  const window = { fromUs, toUs: profileClockNow() };
  const usage = `${cpu.stop()}; call centre ${((cpu.used("call centre") * 1000) / Math.max(1, run.outcomes.length)).toFixed(1)} ms CPU a call`;
  const firstPlaced = Math.min(started, ...run.outcomes.map((o) => o.placedAt));
  const lastCompleted = Math.max(...run.outcomes.map((o) => o.completedAt));
  const seconds = (lastCompleted - firstPlaced) / 1000;
  const perSecond = run.failures.length === 0 ? n / seconds : run.outcomes.length / seconds;
  log(`  ${run.outcomes.length} of ${n} completed in ${seconds.toFixed(2)} s: ${formatValue(perSecond, "calls/s")}; ${run.advances} clock advances; ${usage}`);

  // When the callers got through each step (seconds after the first call was placed): where the time goes.
  const stepNames: CallStep[] = ["placed", "main-menu", "billing-menu", "main-menu-again", "hung-up"];
  const at = (times: number[]) => `median ${((median(times) - firstPlaced) / 1000).toFixed(2)} s, last ${((Math.max(...times) - firstPlaced) / 1000).toFixed(2)} s`;
  const timeline = [...stepNames.map((step) => `${step}: ${at(run.outcomes.map((o) => o.steps[step]))}`), `recorded completed: ${at(run.outcomes.map((o) => o.completedAt))}`];
  const sids = [...warmUp.outcomes, ...run.outcomes].map((o) => o.sid);
  const onCarrier = await checkOnCarrier(carrier.client, sids);
  // Read after a clean exit, so that every turn the centre answered has been written.
  await centre.stop();
  const reader = openReader(database);
  const inDatabase = await checkInDatabase(reader, sids);
  await reader.close();
  // The carrier writes its profile when it exits.
  if (carrierProfileDir) await carrier.child.stop();

  const lost = run.failures.length + new Set([...onCarrier, ...inDatabase.problems].map((p) => p.split(":")[0])).size;
  const figures = [
    figure(NAME, setting, "calls per second", perSecond, "calls/s", { op: ">=", value: 200 }, `${n} calls in ${seconds.toFixed(2)} s`),
    figure(NAME, setting, "calls lost or wrong", lost, "", { op: "<=", value: 0 }),
  ];
  result.notes.push(
    `calls (${setting}): ${run.outcomes.length + warmUp.outcomes.length} calls (${warmUp.outcomes.length} warm-up) checked on the carrier and in the database (${inDatabase.stored} rows); ` +
      `${run.advances} clock advances; ${usage}`,
    `  steps recorded for a call: ${inDatabase.example}`,
    `  callers reached each step (after the first call was placed): ${timeline.join("; ")}`,
  );
  const problems = [...run.failures, ...onCarrier, ...inDatabase.problems];
  if (problems.length > 0) {
    failFigures(figures, "calls were lost or went wrong (see failures)");
    result.failures.push(...summariseProblems(problems, 10).map((p) => `calls (${setting}): ${p}`));
  }
  result.figures.push(...figures);
  if (profileDir) result.notes.push(`calls (${setting}), the call centre during the measured calls: ${summariseProfiles(profileDir, window)}`);
  if (carrierProfileDir) result.notes.push(`calls (${setting}), the carrier during the measured calls: ${summariseProfiles(carrierProfileDir, window)}`);
}
