// 3. broadcast: `npm run broadcast` to N subscribers (100,000 by default), all due now, against the
// carrier's REST API and the Open-Meteo fixture, with the SMS_MPS cap set high. Measured: time to
// enqueue (process start → "N active subscribers; N forecasts queued"), the send rate, the peak RSS of
// the node process that runs the CLI, and duplicates: every subscriber must get exactly one message,
// counted on the carrier (REST message log) and in the call centre's messages table.
import { startOpenMeteoFixture } from "@callcentre/testkit";
import { withScope, type Scope } from "../lib/cleanup.js";
import { databaseTarget, openReader, type DatabaseTarget, type Engine } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import { findNodeProcess, MemorySampler, type MemorySample } from "../lib/memory.js";
import { baseEnv, spawnChild, type Child } from "../lib/processes.js";
import { summariseHeapProfiles, summariseProfiles } from "../lib/profile.js";
import { failFigures, figure, newResult, type BenchmarkResult } from "../lib/results.js";
import { startStatusSink } from "../lib/status-sink.js";
import { alwaysOpenFlow, CENTRE_NUMBER, startCarrier, startCentre } from "../lib/system.js";
import { formatValue } from "../lib/table.js";

const NAME = "broadcast";
const CLI_SCRIPT = "callcentre/bin/callcentre.js";

/**
 * The places people subscribe to, from the recorded Open-Meteo searches (callcentre/test/fixtures),
 * with the label describePlace() gives them and a mobile-number prefix of their country; ten slots,
 * so Sydney (the centre's city) has four in ten subscribers.
 */
const PLACES_SQL = `(values
  (0, 'Sydney', 'Sydney, New South Wales, AU', -33.86785, 151.20732, 'Australia/Sydney', '+614', 8),
  (1, 'Sydney', 'Sydney, New South Wales, AU', -33.86785, 151.20732, 'Australia/Sydney', '+614', 8),
  (2, 'Sydney', 'Sydney, New South Wales, AU', -33.86785, 151.20732, 'Australia/Sydney', '+614', 8),
  (3, 'Sydney', 'Sydney, New South Wales, AU', -33.86785, 151.20732, 'Australia/Sydney', '+614', 8),
  (4, 'London', 'London, England, GB', 51.50853, -0.12574, 'Europe/London', '+447', 9),
  (5, 'London', 'London, England, GB', 51.50853, -0.12574, 'Europe/London', '+447', 9),
  (6, 'Zürich', 'Zürich, CH', 47.36667, 8.55, 'Europe/Zurich', '+417', 8),
  (7, 'São Paulo', 'Sao Paulo, BR', -23.5475, -46.63611, 'America/Sao_Paulo', '+55119', 8),
  (8, 'Springfield', 'Springfield, Missouri, US', 37.21533, -93.29824, 'America/Chicago', '+14175', 6),
  (9, 'London', 'London, Ontario, CA', 42.98339, -81.23304, 'America/Toronto', '+15195', 6)
) as p(slot, name, label, latitude, longitude, timezone, prefix, digits)`;

/**
 * N active subscriptions, all due now: the send time is the current local time of the place, and
 * next_send_at is now. Numbers are distinct (the prefix, then the row number).
 */
const SEED_SQL = `
insert into subscriptions (number, from_number, place_name, place_label, latitude, longitude, timezone, send_time,
  next_send_at, created_at, updated_at)
select p.prefix || lpad(g::text, p.digits, '0'), $1, p.name, p.label, p.latitude, p.longitude, p.timezone,
  to_char(now() at time zone p.timezone, 'HH24:MI'), now(), c.at, c.at
from generate_series(1, $2::int) as g
join ${PLACES_SQL} on p.slot = g % 10
cross join lateral (select now() - (g % 90) * interval '1 day' - (g % 1440) * interval '1 minute' as at) as c`;

export async function runBroadcast(ctx: BenchContext): Promise<BenchmarkResult> {
  const result = newResult(NAME);
  for (const engine of databasesFor(ctx, ["postgres"])) await withScope(ctx.log, (scope) => runOn(ctx, scope, engine, result));
  return result;
}

async function seed(target: DatabaseTarget, dataDir: string, subscribers: number): Promise<number> {
  const reader = openReader(target);
  try {
    await reader.query(SEED_SQL, [CENTRE_NUMBER, subscribers]);
    const [row] = await reader.query<{ n: number; distinct: number }>("select count(*)::int as n, count(distinct number)::int as distinct from subscriptions");
    if (row?.n !== subscribers || row.distinct !== subscribers) throw new Error(`seeded ${row?.n} subscriptions (${row?.distinct} numbers), not ${subscribers}`);
    return row.n;
  } finally {
    await reader.close();
  }
}

/**
 * `npm run broadcast`, as a user runs it (npm → node callcentre/bin/callcentre.js, compiled): the command and its arguments. Node
 * refuses --cpu-prof in NODE_OPTIONS, so a profiled run starts the same script without the wrappers
 * (with a CPU profile and a sampling heap profile, both written at exit).
 */
function broadcastCommand(profileDir: string | undefined): { command: string; args: string[] } {
  if (profileDir) {
    const profiling = ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--heap-prof", `--heap-prof-dir=${profileDir}`];
    return { command: process.execPath, args: [...profiling, CLI_SCRIPT, "broadcast"] };
  }
  const npmCli = process.env.npm_execpath;
  return npmCli ? { command: process.execPath, args: [npmCli, "run", "--silent", "broadcast"] } : { command: "npm", args: ["run", "--silent", "broadcast"] };
}

/** "2.0 s 210 | 4.0 s 230 (queued) | …": about a dozen points, and the one when enqueueing ended. */
function rssCurve(samples: readonly MemorySample[], queuedAtMs: number): string {
  const step = Math.max(1, Math.floor(samples.length / 12));
  const queued = samples.findIndex((s) => s.atMs >= queuedAtMs);
  return samples
    .filter((_, i) => i % step === 0 || i === samples.length - 1 || i === queued)
    .map((s) => `${(s.atMs / 1000).toFixed(1)} s ${s.rssMb.toFixed(0)}${s === samples[queued] ? " (queued)" : ""}`)
    .join(" | ");
}

async function runOn(ctx: BenchContext, scope: Scope, engine: Engine, result: BenchmarkResult): Promise<void> {
  const { options, log } = ctx;
  const n = options.subscribers;
  const setting = `${engine}, ${n.toLocaleString("en-US")} subscribers${options.nodeOptions ? `, NODE_OPTIONS=${options.nodeOptions}` : ""}`;
  const dataDir = scope.tempDir(`broadcast-${engine}`);
  const carrier = await startCarrier(scope, { dataDir, clock: "real", pool: 4 });
  const sink = await startStatusSink(scope);
  const weather = await startOpenMeteoFixture();
  scope.defer("stop the Open-Meteo fixture", () => weather.close());
  await carrier.client.createNumber({ PhoneNumber: CENTRE_NUMBER, FriendlyName: "Bluegum Energy", SmsUrl: `${sink.url}/twilio/sms/incoming` });
  const database = await databaseTarget(scope, engine, options.postgresUrl);

  // The call centre's migrations (and pg-boss's schema), then the subscribers, straight in SQL.
  log(`broadcast (${setting}): migrating, then seeding`);
  const flowFile = alwaysOpenFlow(dataDir);
  const centre = await startCentre(scope, { dataDir, database, flowFile, twilioApiBaseUrl: carrier.url });
  await centre.stop();
  const seedStarted = performance.now();
  await seed(database, dataDir, n);
  log(`  ${n} subscribers seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const profileDir = options.profile ? scope.tempDir("broadcast-profile") : undefined;
  const env: Record<string, string> = {
    ...baseEnv(),
    DATA_DIR: dataDir,
    FLOW_FILE: flowFile,
    TWILIO_API_BASE_URL: carrier.url,
    // Status callbacks go to the sink: the server is not running.
    PUBLIC_BASE_URL: sink.url,
    SMS_MPS: String(options.mps),
    WEATHER_GEOCODING_URL: weather.geocodingUrl,
    WEATHER_FORECAST_URL: weather.forecastUrl,
    LOG_LEVEL: "warn",
    ...database.env,
    ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
  };
  const timings: { queued?: number; done?: number } = {};
  let progress = "";
  const { command, args } = broadcastCommand(profileDir);
  log(`broadcast (${setting}): ${profileDir ? "node --cpu-prof callcentre/bin/callcentre.js broadcast" : "npm run broadcast"} with SMS_MPS=${options.mps}`);
  const cli: Child = await spawnChild({
    name: "npm run broadcast",
    command,
    args,
    env,
    onLine: (line) => {
      if (/active subscribers; \d+ forecasts queued/.test(line)) timings.queued = performance.now();
      if (/^done: \d+ sent/.test(line)) timings.done = performance.now();
      if (line.includes("sent ")) progress = line;
      if (line.trim()) log(`  | ${line.trim()}`);
    },
  });
  scope.defer("stop npm run broadcast", async () => {
    await cli.stop();
  });
  const started = cli.startedAt;

  // The node process that runs the CLI, under npm (not the build check that runs before it).
  let sampler: MemorySampler | undefined;
  while (!sampler && !cli.hasExited) {
    const pid = findNodeProcess(cli.pid, CLI_SCRIPT);
    if (pid) sampler = new MemorySampler(pid, 250);
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const exit = await cli.exited;
  sampler?.stop();
  if (exit.code !== 0) throw new Error(`npm run broadcast exited with ${JSON.stringify(exit)}:\n${cli.output()}`);
  if (!timings.queued || !timings.done) throw new Error(`npm run broadcast did not print its queued and done lines:\n${cli.output()}`);

  // Who got what: the carrier's message log and the call centre's database.
  log(`broadcast (${setting}): counting messages on the carrier and in the database`);
  const sent = (await carrier.client.messagesFrom(CENTRE_NUMBER)).filter((m) => m.from === CENTRE_NUMBER);
  const perNumber = new Map<string, number>();
  for (const m of sent) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
  const reader = openReader(database);
  const [stored] = await reader.query<{ messages: number; numbers: number; subscribers: number; reached: number }>(
    `select (select count(*)::int from messages where kind = 'daily-forecast') as messages,
            (select count(distinct to_number)::int from messages where kind = 'daily-forecast') as numbers,
            (select count(*)::int from subscriptions) as subscribers,
            (select count(*)::int from subscriptions s where exists (select 1 from messages m where m.kind = 'daily-forecast' and m.to_number = s.number)) as reached`,
  );
  const deliveries = await reader.query<{ status: string; n: number }>("select status, count(*)::int as n from forecast_deliveries group by status order by status");
  // How the send queue was worked: pg-boss fetches forecast-send jobs in batches (started_on is the fetch's time).
  const fetches = await reader.query<{ fetches: number; jobs: number; seconds: number }>(
    `select count(distinct started_on)::int as fetches, count(*)::int as jobs,
       coalesce(extract(epoch from max(started_on) - min(started_on)), 0)::float as seconds
     from pgboss.job where name = 'forecast-send' and started_on is not null`,
  );
  await reader.close();

  const carrierDuplicates = sent.length - perNumber.size;
  const databaseDuplicates = (stored?.messages ?? 0) - (stored?.numbers ?? 0);
  const missing = n - Math.min(perNumber.size, stored?.reached ?? 0);
  const enqueueSeconds = (timings.queued - started) / 1000;
  const sendSeconds = (timings.done - timings.queued) / 1000;
  const rate = sent.length / sendSeconds;
  const peak = sampler?.peakMb ?? Number.NaN;
  const figures = [
    figure(NAME, setting, "time to enqueue", enqueueSeconds, "s", { op: "<=", value: 10 }, "from process start (npm, database open included)"),
    figure(NAME, setting, "send rate", rate, "msg/s", undefined, `cap ${formatValue(options.mps, "msg/s")}; ${sent.length} sent in ${sendSeconds.toFixed(1)} s`),
    figure(NAME, setting, "total time", (timings.done - started) / 1000, "s"),
    figure(NAME, setting, "peak RSS of the CLI", peak, "MB", { op: "<=", value: 300 }, sampler ? `node pid ${sampler.pid}, VmHWM` : "node process not found"),
    figure(NAME, setting, "duplicates", Math.max(carrierDuplicates, databaseDuplicates), "", { op: "<=", value: 0 }, `carrier ${carrierDuplicates}, database ${databaseDuplicates}`),
    figure(NAME, setting, "subscribers without a message", missing, "", { op: "<=", value: 0 }),
  ];
  result.figures.push(...figures);
  result.notes.push(
    `broadcast (${setting}): carrier log ${sent.length} messages to ${perNumber.size} numbers; database ${stored?.messages ?? 0} daily-forecast messages to ${stored?.numbers ?? 0} numbers, ` +
      `${stored?.reached ?? 0} of ${stored?.subscribers ?? 0} subscribers reached; deliveries ${deliveries.map((d) => `${d.status} ${d.n}`).join(", ")}; ` +
      `${sink.statuses.size} messages had status callbacks; last progress: ${progress.trim()}`,
    `  forecast-send jobs still in pg-boss: ${fetches[0]?.jobs ?? 0} in ${fetches[0]?.fetches ?? 0} fetches over ${(fetches[0]?.seconds ?? 0).toFixed(1)} s ` +
      "(completed jobs are archived by pg-boss's maintenance, which the CLI does not run)",
    `  RSS of the CLI (MB) over time: ${rssCurve(sampler?.samples ?? [], timings.queued - (sampler?.startedAt ?? started))}`,
  );
  const problems: string[] = [];
  if (carrierDuplicates > 0 || databaseDuplicates > 0) problems.push(`duplicates: ${carrierDuplicates} on the carrier, ${databaseDuplicates} in the database`);
  if (missing > 0) problems.push(`${missing} subscribers got no message`);
  if (problems.length > 0) {
    failFigures(figures, "duplicates or missing messages (see failures)");
    result.failures.push(...problems.map((p) => `broadcast (${setting}): ${p}`));
  }
  if (profileDir) {
    result.notes.push(
      `broadcast (${setting}), the CLI's node process: ${summariseProfiles(profileDir)}`,
      `broadcast (${setting}), the CLI's node process: ${summariseHeapProfiles(profileDir)}`,
    );
  }
}
