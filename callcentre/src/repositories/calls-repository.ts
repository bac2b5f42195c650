// Calls, their steps and Twilio's status callbacks. A call's status only ever moves forward
// (status_rank), so a repeated or late callback can never move it back to an earlier state.
import type { Queryable } from "../db/database.js";
import type { FlowEvent } from "../flows/voice-flow.js";

export const CALL_STATUSES = [
  "queued",
  "initiated",
  "ringing",
  "in-progress",
  "completed",
  "busy",
  "failed",
  "no-answer",
  "canceled",
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const FINAL_STATUSES: readonly CallStatus[] = ["completed", "busy", "failed", "no-answer", "canceled"];
/**
 * Twilio's statuses, and ours for a call Twilio no longer knows (its REST API answers 404 for a call
 * whose final status callback never came: see jobs/call-reconcile.ts). Final, like Twilio's final ones.
 */
export const STORED_CALL_STATUSES = [...CALL_STATUSES, "unknown"] as const;
export type StoredCallStatus = (typeof STORED_CALL_STATUSES)[number];

export const isFinalStatus = (status: StoredCallStatus): boolean => statusRank(status) === 4;

export function statusRank(status: StoredCallStatus): number {
  switch (status) {
    case "queued":
      return 0;
    case "initiated":
      return 1;
    case "ringing":
      return 2;
    case "in-progress":
      return 3;
    default:
      return 4;
  }
}

/** What a voice webhook or status callback tells us about a call. */
export interface CallReport {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  direction: string;
  status: StoredCallStatus;
  callerName?: string | undefined;
  fromCity?: string | undefined;
  fromState?: string | undefined;
  fromZip?: string | undefined;
  fromCountry?: string | undefined;
  toCity?: string | undefined;
  toState?: string | undefined;
  toZip?: string | undefined;
  toCountry?: string | undefined;
}

export interface CallRow {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  direction: string;
  status: StoredCallStatus;
  callerName: string | null;
  fromCity: string | null;
  fromState: string | null;
  fromZip: string | null;
  fromCountry: string | null;
  toCity: string | null;
  toState: string | null;
  toZip: string | null;
  toCountry: string | null;
  department: string | null;
  outcome: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
}

export interface CallEventRow {
  id: number;
  callSid: string;
  occurredAt: Date;
  kind: string;
  node: string | null;
  detail: Record<string, unknown>;
}

export interface CallSearch {
  from?: Date | undefined;
  to?: Date | undefined;
  /** Part of the caller's or the called number. */
  number?: string | undefined;
  status?: StoredCallStatus | undefined;
  department?: string | undefined;
  limit: number;
  offset: number;
}

/** A call in progress, with the step it is at and, when it is with a department, since when. */
export interface LiveCallRow extends CallRow {
  lastEvent: string | null;
  lastNode: string | null;
  transferDepartment: string | null;
  transferStartedAt: Date | null;
  transferAnsweredAt: Date | null;
  agent: string | null;
}

export interface SummaryChange {
  department?: string | undefined;
  outcome?: string | undefined;
  answered?: boolean | undefined;
}

/** The upsert's parameters ($1 to $17). */
function reportValues(report: CallReport, at: Date): unknown[] {
  return [
    report.sid,
    report.accountSid,
    report.from,
    report.to,
    report.direction,
    report.status,
    statusRank(report.status),
    blank(report.callerName),
    blank(report.fromCity),
    blank(report.fromState),
    blank(report.fromZip),
    blank(report.fromCountry),
    blank(report.toCity),
    blank(report.toState),
    blank(report.toZip),
    blank(report.toCountry),
    at,
  ];
}

export interface StatusCallbackReport extends CallReport {
  sequenceNumber?: number | undefined;
  reportedAt?: Date | undefined;
  durationSeconds?: number | undefined;
  params: Record<string, unknown>;
}

const callColumns = (c: string) => `${c}.sid, ${c}.account_sid as "accountSid", ${c}.from_number as "from", ${c}.to_number as "to",
  ${c}.direction, ${c}.status, ${c}.caller_name as "callerName", ${c}.from_city as "fromCity", ${c}.from_state as "fromState",
  ${c}.from_zip as "fromZip", ${c}.from_country as "fromCountry", ${c}.to_city as "toCity", ${c}.to_state as "toState",
  ${c}.to_zip as "toZip", ${c}.to_country as "toCountry", ${c}.department, ${c}.outcome, ${c}.started_at as "startedAt",
  ${c}.answered_at as "answeredAt", ${c}.ended_at as "endedAt", ${c}.duration_seconds as "durationSeconds"`;
const CALL_COLUMNS = callColumns("calls");

/** A report merged into a known call: a later status (never an earlier one), geography still unknown. */
const MERGE_REPORT = `  status = case when excluded.status_rank > calls.status_rank then excluded.status else calls.status end,
  status_rank = greatest(calls.status_rank, excluded.status_rank),
  caller_name = coalesce(calls.caller_name, excluded.caller_name),
  from_city = coalesce(calls.from_city, excluded.from_city),
  from_state = coalesce(calls.from_state, excluded.from_state),
  from_zip = coalesce(calls.from_zip, excluded.from_zip),
  from_country = coalesce(calls.from_country, excluded.from_country),
  to_city = coalesce(calls.to_city, excluded.to_city),
  to_state = coalesce(calls.to_state, excluded.to_state),
  to_zip = coalesce(calls.to_zip, excluded.to_zip),
  to_country = coalesce(calls.to_country, excluded.to_country),
  started_at = least(calls.started_at, excluded.started_at),`;

/**
 * Inserts the call, or merges what is new: a later status (never an earlier one) and any geographic
 * field still unknown. `$17` is when we learnt of it.
 */
const UPSERT_CALL = `
insert into calls (sid, account_sid, from_number, to_number, direction, status, status_rank, caller_name,
  from_city, from_state, from_zip, from_country, to_city, to_state, to_zip, to_country, started_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
on conflict (sid) do update set
${MERGE_REPORT}
  updated_at = now()`;

/**
 * Voice webhooks' turns in one statement (one round trip, atomic without a transaction). Each turn's
 * call is inserted or merged with the flow's summary changes; then the turns' steps are inserted in
 * order. The steps join the calls written by the statement, so their foreign key always finds them.
 * At most one turn per call: ON CONFLICT may change a row only once per statement.
 */
const RECORD_TURNS = `
with turn as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[],
    $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
    $17::timestamptz[], $18::text[], $19::text[], $20::timestamptz[], $21::text[], $22::text[])
    as t(sid, account_sid, from_number, to_number, direction, status, status_rank, caller_name, from_city, from_state,
      from_zip, from_country, to_city, to_state, to_zip, to_country, started_at, department, outcome, answered_at,
      delivery, last_webhook)
), call as (
  insert into calls (sid, account_sid, from_number, to_number, direction, status, status_rank, caller_name,
    from_city, from_state, from_zip, from_country, to_city, to_state, to_zip, to_country, started_at,
    department, outcome, answered_at, last_webhook)
  select sid, account_sid, from_number, to_number, direction, status, status_rank, caller_name, from_city, from_state,
    from_zip, from_country, to_city, to_state, to_zip, to_country, started_at, department, outcome, answered_at, last_webhook
  from turn
  on conflict (sid) do update set
${MERGE_REPORT}
    department = coalesce(excluded.department, calls.department),
    outcome = coalesce(excluded.outcome, calls.outcome),
    answered_at = coalesce(calls.answered_at, excluded.answered_at),
    last_webhook = excluded.last_webhook,
    updated_at = now()
  -- The delivery the call recorded last, again (a retry): the row is left alone and not returned, so
  -- neither its summary nor its steps are written twice. The lock ON CONFLICT takes orders concurrent
  -- deliveries of it: the second sees the first's last_webhook.
  where (select delivery from turn where turn.sid = calls.sid) is null
    or calls.last_webhook is distinct from (select delivery from turn where turn.sid = calls.sid)
  returning sid
), steps as (
  insert into call_events (call_sid, occurred_at, kind, node, detail)
  select e.sid, e.at, e.kind, e.node, e.detail
  from unnest($23::text[], $24::timestamptz[], $25::text[], $26::text[], $27::jsonb[]) with ordinality as e(sid, at, kind, node, detail, n)
  join call on call.sid = e.sid
  order by e.n
)
select sid from call`;

/** What one voice webhook learnt (the report) and the flow decided (summary changes, steps). */
export interface Turn {
  report: CallReport;
  change: SummaryChange;
  events: readonly FlowEvent[];
  at: Date;
  /**
   * Which delivery of a webhook this is. A turn whose `key` is the call's last recorded delivery is a
   * repeat, and is not recorded. `keep` is what the call remembers afterwards: the key, or null when a
   * repeat could not be told from a new request (see routes/twilio/webhook-delivery.ts).
   */
  delivery?: { key: string; keep: string | null } | undefined;
}

const blank = (value: string | undefined) => (value === undefined || value === "" ? null : value);

export class CallsRepository {
  constructor(private readonly db: Queryable) {}

  /** A repository working inside a transaction. */
  with(tx: Queryable): CallsRepository {
    return new CallsRepository(tx);
  }

  async upsert(report: CallReport, at: Date): Promise<void> {
    await this.db.query(UPSERT_CALL, reportValues(report, at));
  }

  /**
   * Voice webhooks' turns, at most one per call, in one statement: each call (inserted or merged), the
   * flow's summary changes, and the steps. The same as upsert + applySummary + addEvents for each.
   * Returns the calls whose turn was recorded: a repeated delivery (Turn.delivery) is not.
   */
  async recordTurns(turns: readonly Turn[]): Promise<Set<string>> {
    if (new Set(turns.map((turn) => turn.report.sid)).size !== turns.length) throw new Error("recordTurns: one turn per call");
    const columns: unknown[][] = Array.from({ length: 22 }, () => []);
    const events: unknown[][] = Array.from({ length: 5 }, () => []);
    for (const { report, change, events: steps, at, delivery } of turns) {
      const values = [
        ...reportValues(report, at),
        change.department ?? null,
        change.outcome ?? null,
        change.answered ? at : null,
        delivery?.key ?? null,
        delivery?.keep ?? null,
      ];
      values.forEach((value, i) => columns[i]?.push(value instanceof Date ? value.toISOString() : value));
      for (const step of steps) {
        [report.sid, at.toISOString(), step.kind, step.node ?? null, JSON.stringify(step.detail ?? {})].forEach((value, i) => events[i]?.push(value));
      }
    }
    const recorded = await this.db.query<{ sid: string }>(RECORD_TURNS, [...columns, ...events]);
    return new Set(recorded.map((row) => row.sid));
  }

  /** Summary changes decided by the flow: the latest department and outcome, the first answer time. */
  async applySummary(sid: string, change: SummaryChange, at: Date): Promise<void> {
    if (change.department === undefined && change.outcome === undefined && !change.answered) return;
    await this.db.query(
      `update calls set
         department = coalesce($2, department),
         outcome = coalesce($3, outcome),
         answered_at = case when $4::boolean then coalesce(answered_at, $5) else answered_at end,
         updated_at = now()
       where sid = $1`,
      [sid, change.department ?? null, change.outcome ?? null, change.answered ?? false, at],
    );
  }
  async addEvents(callSid: string, events: readonly FlowEvent[], at: Date): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((event, i) => {
      values.push(callSid, at, event.kind, event.node ?? null, JSON.stringify(event.detail ?? {}));
      const p = i * 5;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::jsonb)`;
    });
    await this.db.query(`insert into call_events (call_sid, occurred_at, kind, node, detail) values ${rows.join(", ")}`, values);
  }

  /**
   * Records a status callback once (by CallSid, CallStatus and SequenceNumber) and applies it to the
   * call. Returns false when the same callback had already been received.
   */
  async applyStatusCallback(report: StatusCallbackReport, receivedAt: Date): Promise<boolean> {
    const dedupeKey = `${report.sid}|${report.status}|${report.sequenceNumber ?? ""}`;
    const inserted = await this.db.query(
      `insert into status_callbacks (call_sid, call_status, sequence_number, dedupe_key, reported_at, received_at, params)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb)
       on conflict (dedupe_key) do nothing
       returning id`,
      [
        report.sid,
        report.status,
        report.sequenceNumber ?? null,
        dedupeKey,
        report.reportedAt ?? null,
        receivedAt,
        JSON.stringify(report.params),
      ],
    );
    if (inserted.length === 0) return false;
    const at = report.reportedAt ?? receivedAt;
    await this.upsert(report, at);
    const final = isFinalStatus(report.status);
    await this.db.query(
      `update calls set
         answered_at = case when $2 = 'in-progress' then coalesce(answered_at, $3) else answered_at end,
         ended_at = case when $4::boolean then coalesce(ended_at, $3) else ended_at end,
         duration_seconds = case when $4::boolean then coalesce($5, duration_seconds) else duration_seconds end,
         outcome = case when $4::boolean and outcome is null and $2 <> 'completed' then $2 else outcome end,
         updated_at = now()
       where sid = $1`,
      [report.sid, report.status, at, final, report.durationSeconds ?? null],
    );
    return true;
  }

  /**
   * Claims up to `limit` calls that are not over and have shown no sign of life (a webhook, a step, a
   * status callback) since `quietSince`, and whose next check is due at `now`: each is given its next
   * check (the bound `afterSeconds`, doubled at each check, at most an hour) in the same statement, and
   * locked with SKIP LOCKED while it is claimed, so that concurrent runners (several instances) never
   * claim the same call twice. Returns the calls with the time they were last heard of.
   */
  async claimQuiet(now: Date, quietSince: Date, afterSeconds: number, limit: number): Promise<{ sid: string; lastActivityAt: Date }[]> {
    return this.db.query(
      `with due as (
         select c.sid, greatest(c.started_at,
             coalesce((select max(e.occurred_at) from call_events e where e.call_sid = c.sid), c.started_at),
             coalesce((select max(s.received_at) from status_callbacks s where s.call_sid = c.sid), c.started_at)) as last_activity_at
         from calls c
         where c.status_rank < 4 and c.started_at <= $2 and (c.reconcile_after is null or c.reconcile_after <= $1)
           and not exists (select 1 from call_events e where e.call_sid = c.sid and e.occurred_at > $2)
           and not exists (select 1 from status_callbacks s where s.call_sid = c.sid and s.received_at > $2)
         order by c.started_at
         limit $4
         for update of c skip locked
       )
       update calls set reconcile_checks = calls.reconcile_checks + 1,
         reconcile_after = $1::timestamptz + make_interval(secs => least($3::float8 * power(2, least(calls.reconcile_checks, 20)), greatest($3::float8, 3600)))
       from due where calls.sid = due.sid
       returning calls.sid, due.last_activity_at as "lastActivityAt"`,
      [now, quietSince, afterSeconds, limit],
    );
  }

  async get(sid: string): Promise<CallRow | undefined> {
    const [row] = await this.db.query<CallRow>(`select ${CALL_COLUMNS} from calls where sid = $1`, [sid]);
    return row;
  }

  async events(callSid: string): Promise<CallEventRow[]> {
    return this.db.query<CallEventRow>(
      `select id::int as id, call_sid as "callSid", occurred_at as "occurredAt", kind, node, detail
       from call_events where call_sid = $1 order by id`,
      [callSid],
    );
  }

  /** One page of the call log, newest first, and how many calls match in all. */
  async search(q: CallSearch): Promise<{ calls: CallRow[]; total: number }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      values.push(value);
      where.push(clause(`$${values.length}`));
    };
    if (q.from) add((p) => `started_at >= ${p}`, q.from);
    if (q.to) add((p) => `started_at < ${p}`, q.to);
    if (q.number) add((p) => `(from_number like ${p} or to_number like ${p})`, `%${q.number.replace(/[\\%_]/g, "\\$&")}%`);
    if (q.status) add((p) => `status = ${p}`, q.status);
    if (q.department) add((p) => `lower(department) = lower(${p})`, q.department);
    const filter = where.length > 0 ? `where ${where.join(" and ")}` : "";
    const [count] = await this.db.query<{ total: number }>(`select count(*)::int as total from calls ${filter}`, values);
    const calls = await this.db.query<CallRow>(
      `select ${CALL_COLUMNS} from calls ${filter} order by started_at desc, sid limit $${values.length + 1} offset $${values.length + 2}`,
      [...values, q.limit, q.offset],
    );
    return { calls, total: count?.total ?? 0 };
  }

  /** Calls not yet ended that started after `since` (older ones lost their final callback). */
  async live(since: Date): Promise<LiveCallRow[]> {
    return this.db.query<LiveCallRow>(
      `select ${CALL_COLUMNS}, e.kind as "lastEvent", e.node as "lastNode",
         t.department as "transferDepartment", t.started_at as "transferStartedAt", t.answered_at as "transferAnsweredAt", t.agent
       from calls
       left join lateral (select kind, node from call_events where call_sid = calls.sid order by id desc limit 1) e on true
       left join transfers t on t.call_sid = calls.sid and t.ended_at is null
       where calls.status_rank < 4 and calls.started_at >= $1
       order by calls.started_at`,
      [since],
    );
  }

  /** Calls received in [from, to) by hour of the day in `zone`: 24 counts. */
  async perHour(from: Date, to: Date, zone: string): Promise<number[]> {
    const rows = await this.db.query<{ hour: number; calls: number }>(
      `select extract(hour from started_at at time zone $3)::int as hour, count(*)::int as calls
       from calls where started_at >= $1 and started_at < $2 and direction = 'inbound' group by 1`,
      [from, to, zone],
    );
    const hours = Array.from({ length: 24 }, () => 0);
    for (const row of rows) hours[row.hour] = row.calls;
    return hours;
  }

  /** Calls received in [from, to) by outcome ("answered", "voicemail", "rejected", … or "none"). */
  async outcomes(from: Date, to: Date): Promise<Record<string, number>> {
    const rows = await this.db.query<{ outcome: string; calls: number }>(
      `select coalesce(outcome, 'none') as outcome, count(*)::int as calls
       from calls where started_at >= $1 and started_at < $2 and direction = 'inbound' group by 1`,
      [from, to],
    );
    return Object.fromEntries(rows.map((row) => [row.outcome, row.calls]));
  }

  async statusCallbacks(callSid: string): Promise<{ callStatus: string; sequenceNumber: number | null }[]> {
    return this.db.query(
      `select call_status as "callStatus", sequence_number as "sequenceNumber" from status_callbacks
       where call_sid = $1 order by id`,
      [callSid],
    );
  }
}
