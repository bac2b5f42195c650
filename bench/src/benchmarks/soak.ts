// 5. soak: steady calls through the carrier with the real clock (CARRIER_CLOCK=real) for --minutes:
// a call starts every 1/--rate s, waits for the menu, presses 1, then 0, then hangs up. The call
// centre's RSS is sampled every 10 s; the verdict says whether memory stayed flat (the rule is printed
// with it). No call may be lost: each is checked on the carrier and in the centre's database.
import { setTimeout as delay } from "node:timers/promises";
import { callThroughMenu, type CallOutcome } from "../lib/caller.js";
import { withScope } from "../lib/cleanup.js";
import { databaseTarget, openReader } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import { MemorySampler, type MemorySample } from "../lib/memory.js";
import { failFigures, figure, newResult, type BenchmarkResult } from "../lib/results.js";
import { median, percentile, slope } from "../lib/stats.js";
import { alwaysOpenFlow, provisionNumber, startCarrier, startCentre } from "../lib/system.js";
import { renderTable } from "../lib/table.js";
import { callerNumber } from "../lib/twilio-webhook.js";
import { checkInDatabase, checkOnCarrier, summariseProblems } from "../lib/verify-calls.js";

const NAME = "soak";
const SAMPLE_MS = 10_000;

export const FLAT_RULE =
  "memory is flat when, after a warm-up (the first sixth of the run), the median RSS of the last third exceeds " +
  "the median of the rest of the first third by at most max(10 MB, 5 %), and the least-squares trend over the " +
  "last third adds at most as much across it";

interface Verdict {
  flat: boolean;
  baselineMb: number;
  endMb: number;
  growthMb: number;
  trendMb: number;
  toleranceMb: number;
}

export function judgeMemory(samples: readonly { atMs: number; rssMb: number }[], runMs: number): Verdict {
  const within = (from: number, to: number) => samples.filter((s) => s.atMs > from && s.atMs <= to);
  const settled = within(runMs / 6, runMs / 3);
  const baselineSamples = settled.length > 0 ? settled : samples.slice(0, 1);
  const last = within((2 * runMs) / 3, Number.POSITIVE_INFINITY);
  const lastSamples = last.length > 0 ? last : samples.slice(-1);
  const baselineMb = median(baselineSamples.map((s) => s.rssMb));
  const endMb = median(lastSamples.map((s) => s.rssMb));
  const toleranceMb = Math.max(10, baselineMb * 0.05);
  const perMs = slope(lastSamples.map((s) => ({ x: s.atMs, y: s.rssMb })));
  const span = lastSamples.length > 1 ? (lastSamples.at(-1)?.atMs ?? 0) - (lastSamples[0]?.atMs ?? 0) : 0;
  const trendMb = perMs * span;
  const growthMb = endMb - baselineMb;
  return { flat: growthMb <= toleranceMb && trendMb <= toleranceMb, baselineMb, endMb, growthMb, trendMb, toleranceMb };
}

export async function runSoak(ctx: BenchContext): Promise<BenchmarkResult> {
  const result = newResult(NAME);
  const { options, log } = ctx;
  for (const engine of databasesFor(ctx, ["postgres"])) {
    await withScope(log, async (scope) => {
      const setting = `${engine}, ${options.minutes} min at ${options.rate} calls/s`;
      const dataDir = scope.tempDir(`soak-${engine}`);
      const carrier = await startCarrier(scope, { dataDir, clock: "real", pool: options.pool });
      const database = await databaseTarget(scope, engine, options.postgresUrl);
      const centre = await startCentre(scope, { dataDir, database, flowFile: alwaysOpenFlow(dataDir), twilioApiBaseUrl: carrier.url });
      await provisionNumber(carrier.client, centre.url);

      const runMs = options.minutes * 60_000;
      const total = Math.round((runMs / 1000) * options.rate);
      log(`soak (${setting}): ${total} calls, the centre's RSS every ${SAMPLE_MS / 1000} s`);
      const outcomes: CallOutcome[] = [];
      const failures: string[] = [];
      const curve: (MemorySample & { completed: number; carrierMb: number })[] = [];
      const carrierMemory = new MemorySampler(carrier.child.pid, SAMPLE_MS);
      const memory = new MemorySampler(centre.child.pid, SAMPLE_MS, (sample) => {
        const point = { ...sample, completed: outcomes.length, carrierMb: carrierMemory.samples.at(-1)?.rssMb ?? Number.NaN };
        curve.push(point);
        log(`  ${(sample.atMs / 1000).toFixed(0).padStart(4)} s  RSS ${sample.rssMb.toFixed(1)} MB  calls completed ${point.completed}  (carrier ${point.carrierMb.toFixed(0)} MB)`);
      });
      scope.defer("stop the samplers", () => {
        memory.stop();
        carrierMemory.stop();
      });

      const started = performance.now();
      const calls: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / options.rate;
        const wait = due - performance.now();
        if (wait > 0) await delay(wait);
        calls.push(
          callThroughMenu(carrier.client, callerNumber(i)).then(
            (outcome) => void outcomes.push(outcome),
            (error: unknown) => void failures.push((error as Error).message),
          ),
        );
      }
      const placedFor = performance.now() - started;
      await Promise.all(calls);
      carrierMemory.sample();
      memory.sample();
      memory.stop();
      carrierMemory.stop();

      const sids = outcomes.map((o) => o.sid);
      const onCarrier = await checkOnCarrier(carrier.client, sids);
      await centre.stop();
      const reader = openReader(database);
      const inDatabase = await checkInDatabase(reader, sids);
      await reader.close();
      const problems = [...failures, ...onCarrier, ...inDatabase.problems];

      const verdict = judgeMemory(curve, placedFor);
      const durations = outcomes.map((o) => (o.completedAt - o.placedAt) / 1000);
      const figures = [
        figure(NAME, setting, "calls completed", outcomes.length, "", undefined, `of ${total} placed`),
        figure(NAME, setting, "calls lost or wrong", failures.length + new Set([...onCarrier, ...inDatabase.problems].map((p) => p.split(":")[0])).size, "", { op: "<=", value: 0 }),
        figure(NAME, setting, "RSS after warm-up", verdict.baselineMb, "MB"),
        figure(NAME, setting, "RSS, last third", verdict.endMb, "MB"),
        figure(NAME, setting, "RSS growth (last third − after warm-up)", verdict.growthMb, "MB", { op: "<=", value: verdict.toleranceMb }),
        figure(NAME, setting, "RSS trend across the last third", verdict.trendMb, "MB", { op: "<=", value: verdict.toleranceMb }),
        figure(NAME, setting, "call length, placed → recorded (p50)", median(durations), "s", undefined, `p99 ${percentile(durations, 99).toFixed(1)} s`),
      ];
      result.notes.push(
        `soak (${setting}): memory ${verdict.flat ? "FLAT" : "NOT FLAT"}. Rule: ${FLAT_RULE}.`,
        renderTable([
          ["time", "RSS (MB)", "calls completed", "carrier RSS (MB)"],
          ...curve.map((p) => [`${(p.atMs / 1000).toFixed(0)} s`, p.rssMb.toFixed(1), String(p.completed), p.carrierMb.toFixed(0)]),
        ]),
        `soak (${setting}): ${inDatabase.stored} of ${outcomes.length} completed calls in the database with their menu steps; peak RSS (VmHWM) ${memory.peakMb.toFixed(1)} MB`,
      );
      if (problems.length > 0) {
        failFigures(figures, "calls were lost or went wrong (see failures)");
        result.failures.push(...summariseProblems(problems, 10).map((p) => `soak (${setting}): ${p}`));
      }
      result.figures.push(...figures);
    });
  }
  return result;
}
