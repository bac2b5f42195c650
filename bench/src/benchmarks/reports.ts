// 7. reports: the supervisors' pages on a realistic history (docs/dashboard.md "Reports",
// docs/wallboard.md). The call centre runs as a user runs it, on its own Postgres database, with the
// shipped flow (its departments Billing, a line; Faults and Sales, ring groups) and ten more Billing
// agents, as a team of twelve. Before it starts serving the bench, the history is written straight into
// the database with `insert … select generate_series` (far faster than placing 135,000 calls through
// the carrier): --days local days (90) ending yesterday in the centre's zone, --per-day calls a day
// (1,500) from 08:00 to 20:00, the rows each report reads kept consistent as the ACD would leave them
// (callcentre/test/dashboard/report-seed.ts): the call, its department visit (transfers), for Billing
// its place in line (queue_entries), offers (one accepted, now and then one missed), the agent's states
// (offered, on a call, wrap-up, available; signed in at 07:55 and out at 20:30), a survey for a third of
// them, call-back requests for the ring groups' deflected calls and four call_events per call (their
// number matters: a report scans them for transfers). Then --waiting callers (50) wait in Billing's line
// now, with no agent signed in (so the ACD offers nothing and rings no phone).
//
// Signed in as the owner (blank user), the bench times GET /api/reports over 1, 7, 30 and 90 days (all
// departments, and Billing alone for 30), GET /reports/export.csv?table=days over 90 days and GET
// /api/wallboard, one warm-up and --runs measured requests each, one at a time. Every answer is
// checked against the seeded counts before its time counts: a report whose totals differ fails the run.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { withScope, type Scope } from "../lib/cleanup.js";
import { databaseTarget } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import type { RunDatabase } from "../lib/postgres.js";
import { failFigures, figure, newResult, type BenchmarkResult, type Goal } from "../lib/results.js";
import { percentile } from "../lib/stats.js";
import { alwaysOpenFlow, CENTRE_NUMBER, CLOSED_URL, startCentre } from "../lib/system.js";

const NAME = "reports";
const ZONE = "Australia/Sydney";
/** The shipped flow's Billing agents, then ten more: a team that can take Billing's half of the calls. */
const AGENT_IDS = ["ava", "noah", ...Array.from({ length: 10 }, (_, i) => `agent-${String(i + 3).padStart(2, "0")}`)];

/**
 * The goals (p95, one request at a time, on the 2-core machine of docs/performance.md). A supervisor
 * picks a range and waits for the page: today and the last 7 days are the everyday views and should
 * feel immediate; "this month" (30 days) is the common monthly review, within the 1 s in which a person
 * keeps their train of thought; a quarter (90 days, and its CSV export) is an occasional question and
 * may take a few seconds; a year (--days 366 only) is a yearly review, within 15 s. The wallboard is fetched by every wall TV and phone every few seconds, and
 * by the alerts' job, so it must stay cheap whatever the history holds.
 */
const GOALS = {
  day: 300,
  week: 500,
  month: 1000,
  quarter: 3000,
  year: 15_000,
  wallboard: 200,
} as const;

export async function runReports(ctx: BenchContext): Promise<BenchmarkResult> {
  const result = newResult(NAME);
  const engines = databasesFor(ctx, ["postgres"]);
  if (engines.includes("embedded")) result.notes.push("reports: runs on postgres only (the history is written into the run's database by the bench)");
  if (engines.includes("postgres")) await withScope(ctx.log, (scope) => runOne(ctx, scope, result));
  return result;
}

/** The shipped flow without hours, with twelve Billing agents. */
export function reportsFlow(dir: string): string {
  const file = alwaysOpenFlow(dir);
  const doc = parseDocument(readText(file));
  for (const [i, id] of AGENT_IDS.entries()) {
    if (i < 2) continue;
    doc.setIn(["agents", id], { name: `Agent ${i + 1}`, phone: `+61491570${String(200 + i).padStart(3, "0")}`, departments: ["billing"] });
  }
  const out = join(dir, "reports.yaml");
  writeFileSync(out, doc.toString());
  return out;
}

const readText = (file: string) => readFileSync(file, "utf8");

interface Seeded {
  firstDay: string;
  lastDay: string;
  calls: number;
}

/** The history (see the top of the file). `$1` the first local day, `$2` calls a day, `$3` the zone, `$4` calls in all. */
export async function seedHistory(db: RunDatabase, days: number, perDay: number): Promise<Seeded> {
  const [span] = await db.query<{ first: string; last: string }>(
    `select to_char((now() at time zone $1)::date - $2::int, 'YYYY-MM-DD') as first, to_char((now() at time zone $1)::date - 1, 'YYYY-MM-DD') as last`,
    [ZONE, days],
  );
  if (!span) throw new Error("no dates from Postgres");
  const params = [span.first, perDay, ZONE, days * perDay];
  // One row a call: when its visit starts (spread evenly over 08:00–20:00 local, a few seconds of
  // jitter), its department (5 in 10 Billing, 3 Faults, 2 Sales), how the visit ends, the wait and the
  // talk. Billing's calls go round the twelve agents in turn: an agent's calls are ≥ 600 s apart, and
  // a call (wait ≤ 60, talk ≤ 359, wrap-up 30) lasts < 450 s, so an agent's states never overlap.
  await db.query(
    `create unlogged table bench_seed as
     with base as (
       select i, i / $2 as d, i % $2 as k, (i * 37) % 100 as r,
              ((($1::date + i / $2)::timestamp + interval '8 hours'
                + make_interval(secs => (i % $2) * (43200.0 / $2) + (i * 7) % 20)) at time zone $3) as started
       from generate_series(0, $4::int - 1) as i
     )
     select i, d, started,
            case when k % 10 < 5 then 'billing' when k % 10 < 8 then 'faults' else 'sales' end as node,
            case when r < 84 then 'answered' when r < 88 then 'short' when r < 93 then 'abandoned' else 'deflected' end as outcome,
            case when r < 84 then 1 + (i * 13) % 60 when r < 88 then i % 5 when r < 93 then 6 + (i * 11) % 110 else 30 + i % 60 end as wait,
            60 + (i * 29) % 300 as talk,
            ((k / 10) * 5 + k % 10) % 12 as agent_no,
            'CA' || lpad(to_hex(i), 32, '0') as sid,
            '+614' || lpad(((i::bigint * 7919) % 100000000)::text, 8, '0') as number
     from base`,
    params,
  );
  const agents = `(array[${AGENT_IDS.map((id) => `'${id}'`).join(", ")}])[s.agent_no + 1]`;
  const name = `case s.node when 'billing' then 'Billing' when 'faults' then 'Faults' else 'Sales' end`;
  const answeredAt = `s.started + make_interval(secs => s.wait)`;
  const ends = `case s.outcome when 'answered' then s.started + make_interval(secs => s.wait + s.talk)
                  when 'deflected' then s.started + make_interval(secs => s.wait + 40)
                  else s.started + make_interval(secs => s.wait) end`;
  const billingAnswered = `from bench_seed s where s.node = 'billing' and s.outcome = 'answered'`;
  const statements = [
    `insert into calls (sid, account_sid, from_number, to_number, direction, status, status_rank, department, started_at, answered_at, ended_at, duration_seconds)
     select s.sid, 'AC' || repeat('0', 32), s.number, '${CENTRE_NUMBER}', 'inbound', 'completed', 4, ${name},
            s.started - interval '20 seconds', s.started - interval '20 seconds', ${ends},
            extract(epoch from (${ends} - s.started))::int + 20
     from bench_seed s`,
    `insert into transfers (call_sid, node, department, started_at, answered_at, agent, ended_at, result)
     select s.sid, s.node, ${name}, s.started,
            case when s.outcome = 'answered' then ${answeredAt} end,
            case when s.outcome <> 'answered' then null when s.node = 'billing' then ${agents} when s.node = 'faults' then 'Liam Smith' else 'Isla Taylor' end,
            ${ends}, case s.outcome when 'short' then 'abandoned' else s.outcome end
     from bench_seed s`,
    `insert into call_events (call_sid, occurred_at, kind, node, detail)
     select s.sid, e.at, e.kind, e.node, '{}'::jsonb from bench_seed s
     cross join lateral (values (s.started - interval '20 seconds', 'call.started', null),
                                (s.started - interval '5 seconds', 'menu.choice', 'main-menu'),
                                (s.started, 'transfer.started', s.node),
                                (${ends}, 'call.ended', null)) as e(at, kind, node)`,
    `insert into queue_entries (id, call_sid, department, kind, status, enqueued_at, number, called, agent_id, connected_at, ended_at, outcome)
     select s.i + 1, s.sid, 'billing', case when s.outcome = 'deflected' then 'callback' else 'call' end,
            case when s.outcome in ('answered', 'deflected') then 'ended' else 'abandoned' end,
            s.started, s.number, '${CENTRE_NUMBER}',
            case when s.outcome = 'answered' then ${agents} end,
            case when s.outcome = 'answered' then ${answeredAt} end,
            ${ends}, case when s.outcome in ('answered', 'deflected') then 'ended' else 'abandoned' end
     from bench_seed s where s.node = 'billing'`,
    `select setval(pg_get_serial_sequence('queue_entries', 'id'), (select coalesce(max(id), 1) from queue_entries))`,
    `insert into offers (entry_id, agent_id, status, agent_call_sid, created_at, ready_at, ended_at, reason)
     select s.i + 1, ${agents}, 'accepted', 'CA' || 'a' || lpad(to_hex(s.i), 31, '0'),
            ${answeredAt} - interval '3 seconds', s.started, ${answeredAt}, null
     ${billingAnswered}
     union all
     select s.i + 1, (array[${AGENT_IDS.map((id) => `'${id}'`).join(", ")}])[(s.agent_no + 6) % 12 + 1], 'missed', 'CA' || 'b' || lpad(to_hex(s.i), 31, '0'),
            s.started, s.started, s.started + interval '15 seconds', 'no-answer'
     from bench_seed s where s.node = 'billing' and s.i % 20 = 0`,
    `insert into agent_state_changes (agent_id, state, reason, at)
     select agent_id, state, reason, at from (
       select ${agents} as agent_id, e.state, e.reason, e.at from bench_seed s
       cross join lateral (values ('busy', 'offered', ${answeredAt} - interval '3 seconds'),
                                  ('busy', 'on a call', ${answeredAt}),
                                  ('wrap-up', null, ${ends}),
                                  ('available', null, ${ends} + interval '30 seconds')) as e(state, reason, at)
       where s.node = 'billing' and s.outcome = 'answered'
       union all
       select a.id, e.state, null, ((($1::date + d)::timestamp + e.local) at time zone $3)
       from generate_series(0, $4::int / $2 - 1) as d
       cross join unnest(array[${AGENT_IDS.map((id) => `'${id}'`).join(", ")}]) as a(id)
       cross join (values ('available', interval '7 hours 55 minutes'), ('offline', interval '20 hours 30 minutes')) as e(state, local)
     ) x order by at`,
    `insert into surveys (entry_id, call_sid, department, agent_id, score, at)
     select s.i + 1, s.sid, 'billing', ${agents}, 1 + s.i % 5, ${ends} + interval '15 seconds'
     ${billingAnswered} and s.i % 3 = 0`,
    `insert into callback_requests (call_sid, number, department, status, requested_at)
     select s.sid, s.number, ${name}, case when s.i % 2 = 0 then 'called-back' else 'pending' end, s.started + make_interval(secs => s.wait)
     from bench_seed s where s.node <> 'billing' and s.outcome = 'deflected'`,
  ];
  for (const sql of statements) {
    // $1–$4 where the statement uses them; Postgres refuses parameters a statement does not use.
    const used = [1, 2, 3, 4].filter((n) => sql.includes(`$${n}`));
    const max = used.length === 0 ? 0 : Math.max(...used);
    await db.query(sql, params.slice(0, max));
  }
  await db.query("analyze");
  return { firstDay: span.first, lastDay: span.last, calls: days * perDay };
}

/** What the seeded rows say a report over [from, to] must show (counted plainly, not as the report counts). */
async function expected(db: RunDatabase, from: string, to: string, node?: string) {
  const [row] = await db.query<{ offered: string; answered: string; surveys: string }>(
    `select count(*) as offered, count(*) filter (where s.outcome = 'answered') as answered,
            count(*) filter (where s.node = 'billing' and s.outcome = 'answered' and s.i % 3 = 0) as surveys
     from bench_seed s
     where (s.started at time zone $3)::date between $1::date and $2::date and ($4::text is null or s.node = $4)`,
    [from, to, ZONE, node ?? null],
  );
  return { offered: Number(row?.offered), answered: Number(row?.answered), surveys: Number(row?.surveys) };
}

/** Callers waiting in Billing's line now: calls in progress, their visits and places open. */
export async function seedWaiting(db: RunDatabase, waiting: number): Promise<void> {
  await db.query(
    `with w as (
       select n, 'CA' || 'c' || lpad(to_hex(n), 31, '0') as sid, now() - make_interval(secs => 5 + n * 3) as started
       from generate_series(1, $1::int) as n
     ), c as (
       insert into calls (sid, account_sid, from_number, to_number, direction, status, status_rank, department, started_at, answered_at)
       select sid, 'AC' || repeat('0', 32), '+6149157' || lpad(n::text, 4, '0'), '${CENTRE_NUMBER}', 'inbound', 'in-progress', 3, 'Billing', started - interval '20 seconds', started - interval '20 seconds' from w
       returning sid
     ), t as (
       insert into transfers (call_sid, node, department, started_at) select w.sid, 'billing', 'Billing', w.started from w join c using (sid)
       returning call_sid
     )
     insert into queue_entries (call_sid, department, kind, status, enqueued_at, number, called)
     select w.sid, 'billing', 'call', 'queued', w.started, '+6149157' || lpad(w.n::text, 4, '0'), '${CENTRE_NUMBER}' from w join t on t.call_sid = w.sid`,
    [waiting],
  );
}

/** The dashboard's session cookie for the owner (blank user name). */
async function signIn(centreUrl: string, dataDir: string): Promise<string> {
  const password = readText(join(dataDir, "dashboard-password")).trim();
  const res = await fetch(`${centreUrl}/login`, { method: "POST", body: new URLSearchParams({ user: "", password }), redirect: "manual" });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`signing in to the dashboard: ${res.status}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

interface Case {
  setting: string;
  path: string;
  goal: Goal;
  /** Throws when the answer is wrong. */
  check: (status: number, body: string) => void;
}

interface ReportTotals {
  from: string;
  to: string;
  total: { offered: number; answered: number; surveyCount?: number };
  days: unknown[];
  agents: { handled: number }[];
}

function reportCheck(want: { offered: number; answered: number }, days: number): Case["check"] {
  return (status, body) => {
    if (status !== 200) throw new Error(`status ${status}: ${body.slice(0, 300)}`);
    const report = JSON.parse(body) as ReportTotals;
    if (report.total.offered !== want.offered) throw new Error(`offered ${report.total.offered}, seeded ${want.offered}`);
    if (report.total.answered !== want.answered) throw new Error(`answered ${report.total.answered}, seeded ${want.answered}`);
    if (report.days.length !== days) throw new Error(`${report.days.length} days in the report, asked for ${days}`);
  };
}

/** The last error message in the centre's JSON log (the cause of a 500). */
function lastError(output: string): string {
  const messages = [...output.matchAll(/"message":"((?:[^"\\]|\\.){1,300})"/g)].map((m) => m[1]).filter((m) => m !== "internal error");
  return messages.at(-1) ?? output.slice(-300);
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function runOne(ctx: BenchContext, scope: Scope, result: BenchmarkResult): Promise<void> {
  const { options, log } = ctx;
  const { reportDays: days, perDay, runs, waiting } = options;
  const dataDir = scope.tempDir("reports");
  const database = await databaseTarget(scope, "postgres", options.postgresUrl);
  const db = database.postgres;
  if (!db) throw new Error("no Postgres database for the run");
  // The centre migrates its database and writes its agents on start; the history goes in after.
  const centre = await startCentre(scope, {
    dataDir,
    database,
    flowFile: reportsFlow(dataDir),
    twilioApiBaseUrl: CLOSED_URL,
    env: { TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`, TWILIO_AUTH_TOKEN: "0".repeat(32) },
  });
  const seeding = performance.now();
  const seeded = await seedHistory(db, days, perDay);
  await seedWaiting(db, waiting);
  const [rows] = await db.query<{ n: string }>(
    `select (select count(*) from calls) + (select count(*) from transfers) + (select count(*) from queue_entries) + (select count(*) from offers)
          + (select count(*) from agent_state_changes) + (select count(*) from surveys) + (select count(*) from callback_requests) + (select count(*) from call_events) as n`,
  );
  const seedSeconds = (performance.now() - seeding) / 1000;
  log(`reports: seeded ${seeded.calls} calls over ${days} days (${seeded.firstDay} to ${seeded.lastDay}), ${Number(rows?.n)} rows, in ${seedSeconds.toFixed(1)} s`);
  const cookie = await signIn(centre.url, dataDir);

  const last = seeded.lastDay;
  const cases: Case[] = [];
  const span = (n: number) => ({ from: addDays(last, -(Math.min(n, days) - 1)), to: last, n: Math.min(n, days) });
  for (const [n, goal] of [[1, GOALS.day], [7, GOALS.week], [30, GOALS.month], [90, GOALS.quarter], [366, GOALS.year]] as const) {
    // A shorter history (--days) drops the longer ranges, except the whole history as the longest;
    // the year (the longest range a report takes) only with a year of history (--days 366).
    if ((n > days && n !== 90) || (n === 366 && days < 366)) continue;
    const r = span(n);
    cases.push({
      setting: `${r.n} day${r.n === 1 ? "" : "s"}, all departments`,
      path: `/api/reports?from=${r.from}&to=${r.to}`,
      goal: { op: "<=", value: goal },
      check: reportCheck(await expected(db, r.from, r.to), r.n),
    });
  }
  {
    const r = span(30);
    cases.push({
      setting: `${r.n} days, billing`,
      path: `/api/reports?from=${r.from}&to=${r.to}&department=billing`,
      goal: { op: "<=", value: GOALS.month },
      check: reportCheck(await expected(db, r.from, r.to, "billing"), r.n),
    });
  }
  {
    const r = span(90);
    cases.push({
      setting: `${r.n} days, CSV of days`,
      path: `/reports/export.csv?from=${r.from}&to=${r.to}&table=days`,
      goal: { op: "<=", value: GOALS.quarter },
      check: (status, body) => {
        if (status !== 200) throw new Error(`status ${status}: ${body.slice(0, 300)}`);
        const lines = body.trim().split(/\r?\n/);
        if (lines.length < r.n + 1) throw new Error(`${lines.length} lines in the CSV, want a header and ${r.n} days`);
        if (!body.includes(r.from) || !body.includes(r.to)) throw new Error(`the CSV lacks ${r.from} or ${r.to}`);
      },
    });
  }
  cases.push({
    setting: `${waiting} waiting`,
    path: "/api/wallboard",
    goal: { op: "<=", value: GOALS.wallboard },
    check: (status, body) => {
      if (status !== 200) throw new Error(`status ${status}: ${body.slice(0, 300)}`);
      const board = JSON.parse(body) as { departments: { department: string; waiting: number; today: { offered: number } }[] };
      const billing = board.departments.find((d) => d.department === "billing");
      if (billing?.waiting !== waiting) throw new Error(`Billing shows ${billing?.waiting} waiting, ${waiting} seeded`);
    },
  });

  const failures: string[] = [];
  const figures = [];
  for (const c of cases) {
    const times: number[] = [];
    let problem: string | undefined;
    for (let run = 0; run <= runs && !problem; run++) {
      const started = performance.now();
      const res = await fetch(`${centre.url}${c.path}`, { headers: { cookie, accept: "application/json" } });
      const body = await res.text();
      const ms = performance.now() - started;
      try {
        c.check(res.status, body);
      } catch (error) {
        // A 500's cause is in the centre's log (its last lines), not in the answer.
        const log = res.status >= 500 ? `; the centre logged: ${lastError(centre.child.output())}` : "";
        problem = `${c.setting} (GET ${c.path}) after ${ms.toFixed(0)} ms: ${(error as Error).message}${log}`;
      }
      if (run > 0) times.push(ms);
    }
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    log(`reports: ${c.setting}: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms${problem ? ` — ${problem}` : ""}`);
    const pair = [
      figure(NAME, c.setting, `GET ${c.path.split("?")[0]}, p50`, problem ? null : p50, "ms"),
      figure(NAME, c.setting, `GET ${c.path.split("?")[0]}, p95`, problem ? null : p95, "ms", c.goal, `${runs} runs after a warm-up`),
    ];
    if (problem) {
      failFigures(pair, "wrong answer");
      failures.push(`reports: ${problem}`);
    }
    figures.push(...pair);
  }
  await centre.stop();
  result.notes.push(`reports: ${seeded.calls} calls over ${days} days (${seeded.firstDay} to ${seeded.lastDay}), ${Number(rows?.n)} rows seeded in ${seedSeconds.toFixed(1)} s; ${waiting} callers waiting in Billing; requests one at a time`);
  result.figures.push(...figures);
  result.failures.push(...failures);
}
