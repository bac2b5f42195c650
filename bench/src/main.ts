// `npm run bench [-- <name>] [options]`: runs the benchmarks and prints the machine, then a table of
// figures with the goal beside each and whether it is met. `npm run soak` is `bench soak`.
// Progress goes to stderr; the table (or, with --json, the results as JSON) to stdout. The exit code
// is 1 when a run failed its checks (errors, lost calls, duplicates), 0 otherwise, goals met or not.
import { parseArgs } from "node:util";
import { runAcd } from "./benchmarks/acd.js";
import { runBroadcast } from "./benchmarks/broadcast.js";
import { runReports } from "./benchmarks/reports.js";
import { runCalls } from "./benchmarks/calls.js";
import { runSoak } from "./benchmarks/soak.js";
import { runStartup } from "./benchmarks/startup.js";
import { runWebhook } from "./benchmarks/webhook.js";
import { closeAllScopes, keepTemporaryFiles } from "./lib/cleanup.js";
import type { Engine } from "./lib/centre-database.js";
import type { BenchContext, BenchOptions } from "./lib/context.js";
import { describeMachine, machineLine } from "./lib/machine.js";
import { DEFAULT_POSTGRES_URL } from "./lib/postgres.js";
import { killAllNow, stopAll } from "./lib/processes.js";
import type { BenchmarkResult } from "./lib/results.js";
import { reportSlowStops } from "./lib/system.js";
import { figuresTable } from "./lib/table.js";

const BENCHMARKS = {
  webhook: runWebhook,
  calls: runCalls,
  broadcast: runBroadcast,
  startup: runStartup,
  soak: runSoak,
  acd: runAcd,
  reports: runReports,
} satisfies Record<string, (ctx: BenchContext) => Promise<BenchmarkResult>>;
type Name = keyof typeof BENCHMARKS;
/** `npm run bench` with no name. The soak takes 10 minutes: it runs only when named. (acd runs on Postgres alone.) */
const ALL: Name[] = ["webhook", "calls", "broadcast", "startup", "acd"];

const USAGE = `usage: npm run bench -- [webhook|calls|broadcast|startup|soak|acd|reports|all] [options]

  --database embedded|postgres|both  the call centre's database (default: postgres; startup both).
                                   embedded: no DATABASE_URL, the centre runs its own in DATA_DIR
  --postgres-url URL               server for the runs' own databases (${DEFAULT_POSTGRES_URL})
  --json                           print the results as JSON instead of the table
  --profile                        run the call centre (broadcast: the CLI; calls: the carrier too)
                                   with --cpu-prof and print their top self-time functions
  --keep                           keep the temporary data directories

  webhook:   --concurrency N (16 wrk connections)  --duration S (10)  --warmup S (3)  --rounds N (3)
             --fixed-rate R (1000, open loop)  --peer-dir DIR (shared/peers/seed-flask beside the repository)
  calls:     --calls N[,N…] (100,1000 concurrent callers)  --pool N (64 control requests in flight)
  broadcast: --subscribers N (100000)  --mps N (10000, the SMS_MPS cap)
             --node-options "…" (NODE_OPTIONS for the CLI, e.g. --max-old-space-size=160)
  startup:   --repeat N (3 runs per database)
  soak:      --minutes M (10)  --rate R (5 calls/s)  --pool N
  acd:       --callers N (200, into 5 queue departments, 20 agents, 2 instances; postgres only)
             --seed S (1: the callers' and agents' choices)
  reports:   --days N (90 local days of history)  --per-day N (1500 calls a day)  --runs N (7 timed requests each)
             --waiting N (50 callers in Billing's line for the wallboard; postgres only)
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse(): { names: Name[]; options: BenchOptions; json: boolean; keep: boolean } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      database: { type: "string" },
      "postgres-url": { type: "string", default: DEFAULT_POSTGRES_URL },
      json: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      concurrency: { type: "string", default: "16" },
      rounds: { type: "string", default: "3" },
      "peer-dir": { type: "string" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      "fixed-rate": { type: "string", default: "1000" },
      calls: { type: "string", default: "100,1000" },
      pool: { type: "string", default: "64" },
      subscribers: { type: "string", default: "100000" },
      mps: { type: "string", default: "10000" },
      minutes: { type: "string", default: "10" },
      rate: { type: "string", default: "5" },
      repeat: { type: "string", default: "3" },
      callers: { type: "string", default: "200" },
      seed: { type: "string", default: "1" },
      days: { type: "string", default: "90" },
      "per-day": { type: "string", default: "1500" },
      runs: { type: "string", default: "7" },
      waiting: { type: "string", default: "50" },
      "node-options": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const number = (name: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) fail(`--${name} must be a number of at least ${min}, not "${text}"`);
    return value;
  };
  const integer = (name: string, text: string, min: number) => {
    const value = number(name, text, min);
    if (!Number.isInteger(value)) fail(`--${name} must be a whole number, not "${text}"`);
    return value;
  };
  const databases: Record<string, Engine[]> = { embedded: ["embedded"], postgres: ["postgres"], both: ["embedded", "postgres"] };
  if (values.database !== undefined && !databases[values.database]) fail(`--database must be embedded, postgres or both, not "${values.database}"`);
  const [name = "all", ...extra] = positionals;
  if (extra.length > 0) fail(`one benchmark at a time (got ${positionals.join(", ")})`);
  if (name !== "all" && !(name in BENCHMARKS)) fail(`unknown benchmark "${name}"`);
  return {
    names: name === "all" ? ALL : [name as Name],
    json: values.json,
    keep: values.keep,
    options: {
      databases: values.database === undefined ? undefined : databases[values.database],
      postgresUrl: values["postgres-url"],
      concurrency: integer("concurrency", values.concurrency, 1),
      rounds: integer("rounds", values.rounds, 1),
      peerDir: values["peer-dir"],
      durationSeconds: number("duration", values.duration, 1),
      warmupSeconds: number("warmup", values.warmup, 0),
      fixedRate: integer("fixed-rate", values["fixed-rate"], 1),
      calls: values.calls.split(",").map((n) => integer("calls", n.trim(), 1)),
      pool: integer("pool", values.pool, 1),
      subscribers: integer("subscribers", values.subscribers, 1),
      mps: number("mps", values.mps, 0.001),
      minutes: number("minutes", values.minutes, 0.1),
      rate: number("rate", values.rate, 0.01),
      repeat: integer("repeat", values.repeat, 1),
      callers: integer("callers", values.callers, 1),
      seed: integer("seed", values.seed, 0),
      reportDays: integer("days", values.days, 1),
      perDay: integer("per-day", values["per-day"], 10),
      runs: integer("runs", values.runs, 1),
      waiting: integer("waiting", values.waiting, 1),
      profile: values.profile,
      nodeOptions: values["node-options"],
    },
  };
}

async function main(): Promise<void> {
  const { names, options, json, keep } = parse();
  keepTemporaryFiles(keep);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const ctx: BenchContext = { options, log };
  reportSlowStops((seconds) => log(`warning: the call centre took ${seconds.toFixed(1)} s to exit after SIGTERM`));
  const machine = await describeMachine(options.postgresUrl);
  log(machineLine(machine));

  const results: BenchmarkResult[] = [];
  for (const name of names) {
    log(`\n== ${name}`);
    const started = performance.now();
    try {
      results.push(await BENCHMARKS[name](ctx));
    } catch (error) {
      log(`${name} failed: ${(error as Error).stack ?? String(error)}`);
      results.push({ benchmark: name, figures: [], notes: [], failures: [`${name} did not complete: ${(error as Error).message}`] });
      await stopAll();
      await closeAllScopes();
    }
    log(`== ${name} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }

  const figures = results.flatMap((r) => r.figures);
  const failures = results.flatMap((r) => r.failures);
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine, options, figures, notes: results.flatMap((r) => r.notes), failures }, null, 2)}\n`);
  } else {
    const out = [machineLine(machine), "", figuresTable(figures)];
    const notes = results.flatMap((r) => r.notes);
    if (notes.length > 0) out.push("", ...notes);
    out.push("", failures.length === 0 ? "No failures: every request answered, every call recorded, no duplicates." : `FAILURES:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
    process.stdout.write(`${out.join("\n")}\n`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the children and dropping the run's databases…\n`);
    killAllNow();
    void closeAllScopes().finally(() => process.exit(130));
  });
}
process.on("exit", () => killAllNow());

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  await closeAllScopes();
  process.exit(1);
});
