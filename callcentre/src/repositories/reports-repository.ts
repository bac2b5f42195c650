// The sums the Reports page is computed from (docs/dashboard.md, "Reports"), over any range of instants
// [from, to), bucketed by the local day and local hour in the centre's zone (`at time zone` with the
// zone's name, so a day of 23 or 25 hours is still one day). Every figure that can be summed is summed
// here; rates and means are made from the sums by dashboard/reports.ts.
//
// Departments are keyed by their node id. Visits (`transfers.node`), places in lines
// (`queue_entries.department`) and surveys carry it; call-back requests and voicemails carry the
// department's name, which the caller maps back (`names`). Only inbound calls count
// (docs/callcentre-domain.md §1.1, §5).
import type { Queryable, QueryOptions } from "../db/database.js";

/**
 * A report's statements may take longer than DATABASE_TIMEOUT_MS: over months of a busy centre they
 * read a million rows (docs/performance.md, "reports"). They are reads, so waiting is harmless.
 */
export const REPORT_QUERY: QueryOptions = { timeoutMs: 60_000 };

export interface ReportRange {
  from: Date;
  to: Date;
  zone: string;
  /** Only this department (its node id and its name); all when undefined. */
  department?: { id: string; name: string } | undefined;
}

/** The sums of one department's visits in one local hour of one local day. */
export interface VisitCell {
  department: string;
  /** Local date, YYYY-MM-DD. */
  day: string;
  /** Local hour, 0–23. */
  hour: number;
  offered: number;
  answered: number;
  answeredWithinTarget: number;
  /** Abandoned after more than the short-abandon seconds. */
  abandoned: number;
  shortAbandoned: number;
  deflected: number;
  /** Still waiting now. */
  waiting: number;
  answeredWaitSum: number;
  abandonedWaitSum: number;
  /** Every visit's wait: to the answer, the hang-up, leaving, or (still waiting) now. */
  waitSum: number;
  waitMax: number;
}

/** Call-back requests, voicemails or surveys of one department (id or name) in one local hour. */
export interface CountCell {
  department: string;
  day: string;
  hour: number;
  count: number;
  /** Call backs: completed. Surveys: the sum of the scores. Voicemails: 0. */
  extra: number;
}

/** How many waits fell in each bin, by how the visit ended. */
export interface WaitBinRow {
  /** The bin's upper bound in seconds (inclusive); null for the last, open bin. */
  upTo: number | null;
  answered: number;
  abandoned: number;
  other: number;
}

/** An agent's sums over the range. */
export interface AgentSums {
  agentId: string;
  name: string;
  handled: number;
  /** Handled calls whose conversation has ended (the averages are over these). */
  completed: number;
  talkSum: number;
  wrapSum: number;
  /** Seconds in the range on a call (accepted) or in wrap-up. */
  onCallSeconds: number;
  /** Seconds in the range signed in and not on break (available, busy, wrap-up). */
  workingSeconds: number;
  missedOffers: number;
  transfers: number;
  surveyCount: number;
  surveySum: number;
}

const num = (value: unknown) => Number(value ?? 0);

export class ReportsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Visits to departments that started in the range, by department, local day and local hour. A
   * visit is answered within target when its wait is at most its department's threshold
   * (`thresholds`, seconds by node id; `defaultThreshold` for the others).
   */
  async visitCells(range: ReportRange, thresholds: Record<string, number>, defaultThreshold: number, shortAbandon: number, now: Date): Promise<VisitCell[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `with v as (
         select t.node as department, t.answered_at, t.result,
                (t.started_at at time zone $3) as local,
                greatest(0, extract(epoch from (coalesce(t.answered_at, t.ended_at, $5::timestamptz) - t.started_at)))::float8 as wait,
                coalesce((select th.seconds from unnest($6::text[], $7::int[]) as th(node, seconds) where th.node = t.node), $8) as target
         from transfers t join calls c on c.sid = t.call_sid
         where t.started_at >= $1 and t.started_at < $2 and c.direction = 'inbound' and ($4::text is null or t.node = $4)
       )
       select department, to_char(local, 'YYYY-MM-DD') as day, extract(hour from local)::int as hour,
              count(*) as offered,
              count(*) filter (where answered_at is not null) as answered,
              count(*) filter (where answered_at is not null and wait <= target) as within,
              count(*) filter (where answered_at is null and result = 'abandoned' and wait > $9) as abandoned,
              count(*) filter (where answered_at is null and result = 'abandoned' and wait <= $9) as short,
              count(*) filter (where answered_at is null and result = 'deflected') as deflected,
              count(*) filter (where answered_at is null and result is null) as waiting,
              coalesce(sum(wait) filter (where answered_at is not null), 0) as answered_wait,
              coalesce(sum(wait) filter (where answered_at is null and result = 'abandoned' and wait > $9), 0) as abandoned_wait,
              coalesce(sum(wait), 0) as wait_sum, coalesce(max(wait), 0) as wait_max
       from v group by 1, 2, 3 order by 2, 3, 1`,
      [range.from, range.to, range.zone, range.department?.id ?? null, now, Object.keys(thresholds), Object.values(thresholds), defaultThreshold, shortAbandon],
      REPORT_QUERY,
    );
    return rows.map((r) => ({
      department: String(r.department),
      day: String(r.day),
      hour: num(r.hour),
      offered: num(r.offered),
      answered: num(r.answered),
      answeredWithinTarget: num(r.within),
      abandoned: num(r.abandoned),
      shortAbandoned: num(r.short),
      deflected: num(r.deflected),
      waiting: num(r.waiting),
      answeredWaitSum: num(r.answered_wait),
      abandonedWaitSum: num(r.abandoned_wait),
      waitSum: num(r.wait_sum),
      waitMax: num(r.wait_max),
    }));
  }

  /**
   * The waits of the same visits in bins (`bounds`: the bins' inclusive upper bounds, ascending; one
   * more, open bin above the last), each bin split by how the visit ended.
   */
  async waitBins(range: ReportRange, bounds: readonly number[], now: Date): Promise<WaitBinRow[]> {
    const rows = await this.db.query<{ bin: number; answered: string; abandoned: string; other: string }>(
      `with v as (
         select t.answered_at, t.result,
                greatest(0, extract(epoch from (coalesce(t.answered_at, t.ended_at, $4::timestamptz) - t.started_at)))::float8 as wait
         from transfers t join calls c on c.sid = t.call_sid
         where t.started_at >= $1 and t.started_at < $2 and c.direction = 'inbound' and ($3::text is null or t.node = $3)
       )
       select (select count(*) from unnest($5::float8[]) as b(bound) where b.bound < v.wait)::int as bin,
              count(*) filter (where answered_at is not null) as answered,
              count(*) filter (where answered_at is null and result = 'abandoned') as abandoned,
              count(*) filter (where answered_at is null and (result is null or result <> 'abandoned')) as other
       from v group by 1 order by 1`,
      [range.from, range.to, range.department?.id ?? null, now, bounds],
      REPORT_QUERY,
    );
    return [...bounds, null].map((upTo, bin) => {
      const row = rows.find((r) => r.bin === bin);
      return { upTo, answered: num(row?.answered), abandoned: num(row?.abandoned), other: num(row?.other) };
    });
  }

  /**
   * Call backs requested in the range: a line's places turned into call backs (counted at the start of
   * the caller's wait, keyed by node id; completed when the conversation took place) and the flow's
   * call-back requests (keyed by department name; completed when called back from the dashboard).
   */
  async callbackCells(range: ReportRange): Promise<CountCell[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `with cb as (
         select e.department, e.enqueued_at as at, e.status = 'ended' as done
         from queue_entries e join calls c on c.sid = e.call_sid
         where e.kind = 'callback' and e.enqueued_at >= $1 and e.enqueued_at < $2 and c.direction = 'inbound'
           and ($4::text is null or e.department = $4)
         union all
         select coalesce(r.department, ''), r.requested_at, r.status = 'called-back'
         from callback_requests r join calls c on c.sid = r.call_sid
         where r.requested_at >= $1 and r.requested_at < $2 and c.direction = 'inbound'
           and ($5::text is null or r.department = $5)
       )
       select department, to_char(at at time zone $3, 'YYYY-MM-DD') as day, extract(hour from at at time zone $3)::int as hour,
              count(*) as count, count(*) filter (where done) as extra
       from cb group by 1, 2, 3`,
      [range.from, range.to, range.zone, range.department?.id ?? null, range.department?.name ?? null],
      REPORT_QUERY,
    );
    return rows.map(countCell);
  }

  /** Voicemails left on inbound calls that started in the range, by the department's name, at the call's start. */
  async voicemailCells(range: ReportRange): Promise<CountCell[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `select coalesce(r.department, '') as department, to_char(c.started_at at time zone $3, 'YYYY-MM-DD') as day,
              extract(hour from c.started_at at time zone $3)::int as hour, count(*) as count, 0 as extra
       from recordings r join calls c on c.sid = r.call_sid
       where r.kind = 'voicemail' and c.started_at >= $1 and c.started_at < $2 and c.direction = 'inbound'
         and ($4::text is null or r.department = $4)
       group by 1, 2, 3`,
      [range.from, range.to, range.zone, range.department?.name ?? null],
      REPORT_QUERY,
    );
    return rows.map(countCell);
  }

  /** Post-call surveys scored in the range, by department, at the time of the score. */
  async surveyCells(range: ReportRange): Promise<CountCell[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `select department, to_char(at at time zone $3, 'YYYY-MM-DD') as day, extract(hour from at at time zone $3)::int as hour,
              count(*) as count, sum(score) as extra
       from surveys where at >= $1 and at < $2 and ($4::text is null or department = $4)
       group by 1, 2, 3`,
      [range.from, range.to, range.zone, range.department?.id ?? null],
      REPORT_QUERY,
    );
    return rows.map(countCell);
  }

  /**
   * Each agent's sums (docs/dashboard.md, "Reports"). From agent_state_changes: a handled call is an
   * acceptance (busy "on a call") in the range; its talk (hold included) runs to the agent's next
   * state, and its wrap-up is the wrap-up that follows, counted whole even past the range (followed for
   * up to a day past it: a call still going then is taken as in progress). Occupancy's
   * times are the agent's states clipped to [from, min(to, now)); a timed wrap-up past its end counts
   * as available from then, as the next dispatch would record it. With a department, the call figures
   * are that department's and the agents those who serve it or worked its calls; the state times are
   * the agent's own, whatever the department.
   */
  async agentSums(range: ReportRange, now: Date): Promise<AgentSums[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `with starts as (
         -- Each agent's state in force at the range's start: one step back along (agent_id, at) per
         -- agent, so a short range costs the same however long the history before it.
         select a.id as agent_id, (select max(c.at) from agent_state_changes c where c.agent_id = a.id and c.at <= $1) as at from agents a
       ),
       changes as (
         select c.agent_id, c.state, c.reason, c.at, c.id from agent_state_changes c left join starts s on s.agent_id = c.agent_id
         where c.at >= coalesce(s.at, '-infinity'::timestamptz) and c.at < $2::timestamptz + interval '1 day'
         union all
         select id, 'available', null, wrap_until, 9223372036854775807 from agents
         where state = 'wrap-up' and wrap_until is not null and wrap_until <= $4 and wrap_until < $2::timestamptz + interval '1 day'
       ),
       spans as (
         select agent_id, state, reason, at,
                lead(at) over w as next_at, lead(state) over w as next_state, lead(at, 2) over w as after_next_at
         from changes window w as (partition by agent_id order by at, id)
       ),
       clipped as (
         select agent_id, state, reason,
                greatest(0, extract(epoch from (least(coalesce(next_at, $4::timestamptz), $2::timestamptz, $4::timestamptz) - greatest(at, $1::timestamptz))))::float8 as seconds
         from spans where coalesce(next_at, $4::timestamptz) > $1 and at < least($2::timestamptz, $4::timestamptz)
       ),
       times as (
         select agent_id,
                coalesce(sum(seconds) filter (where (state = 'busy' and reason = 'on a call') or state = 'wrap-up'), 0) as on_call,
                coalesce(sum(seconds) filter (where state in ('available', 'busy', 'wrap-up')), 0) as working
         from clipped group by agent_id
       ),
       calls as (
         select s.agent_id, o.department,
                case when s.next_at is null then null else extract(epoch from (s.next_at - s.at))::float8 end as talk,
                case when s.next_at is null then null
                     when s.next_state = 'wrap-up' then extract(epoch from (coalesce(s.after_next_at, $4::timestamptz) - s.next_at))::float8
                     else 0 end as wrap
         from spans s
         left join lateral (
           select e.department from offers o join queue_entries e on e.id = o.entry_id
           where o.agent_id = s.agent_id and o.status = 'accepted' and o.created_at <= s.at
           order by o.created_at desc, o.id desc limit 1
         ) o on true
         where s.state = 'busy' and s.reason = 'on a call' and s.at >= $1 and s.at < $2
       ),
       handled as (
         select agent_id, count(*) as handled, count(talk) as completed,
                coalesce(sum(talk), 0) as talk_sum, coalesce(sum(wrap) filter (where talk is not null), 0) as wrap_sum
         from calls where $3::text is null or department = $3 group by agent_id
       ),
       missed as (
         select o.agent_id, count(*) as missed from offers o join queue_entries e on e.id = o.entry_id
         where o.status in ('missed', 'declined') and o.created_at >= $1 and o.created_at < $2 and ($3::text is null or e.department = $3)
         group by o.agent_id
       ),
       moved as (
         select ev.detail ->> 'agent' as agent_id, count(*) as transfers from call_events ev
         where ev.kind in ('transfer.cold', 'transfer.completed') and ev.occurred_at >= $1 and ev.occurred_at < $2
           and ($3::text is null or ev.node = $3)
         group by 1
       ),
       scored as (
         select agent_id, count(*) as n, sum(score) as total from surveys
         where at >= $1 and at < $2 and agent_id is not null and ($3::text is null or department = $3) group by agent_id
       )
       select a.id, a.name, coalesce(h.handled, 0) as handled, coalesce(h.completed, 0) as completed,
              coalesce(h.talk_sum, 0) as talk_sum, coalesce(h.wrap_sum, 0) as wrap_sum,
              coalesce(t.on_call, 0) as on_call, coalesce(t.working, 0) as working,
              coalesce(m.missed, 0) as missed, coalesce(x.transfers, 0) as transfers,
              coalesce(s.n, 0) as survey_count, coalesce(s.total, 0) as survey_sum
       from agents a
       left join times t on t.agent_id = a.id
       left join handled h on h.agent_id = a.id
       left join missed m on m.agent_id = a.id
       left join moved x on x.agent_id = a.id
       left join scored s on s.agent_id = a.id
       where ($3::text is null and (a.in_flow or h.handled is not null or t.working > 0))
          or exists (select 1 from agent_departments d where d.agent_id = a.id and d.department = $3)
          or h.handled is not null or m.missed is not null or x.transfers is not null or s.n is not null
       order by a.name, a.id`,
      [range.from, range.to, range.department?.id ?? null, now],
      REPORT_QUERY,
    );
    return rows.map((r) => ({
      agentId: String(r.id),
      name: String(r.name),
      handled: num(r.handled),
      completed: num(r.completed),
      talkSum: num(r.talk_sum),
      wrapSum: num(r.wrap_sum),
      onCallSeconds: num(r.on_call),
      workingSeconds: num(r.working),
      missedOffers: num(r.missed),
      transfers: num(r.transfers),
      surveyCount: num(r.survey_count),
      surveySum: num(r.survey_sum),
    }));
  }
}

function countCell(r: Record<string, unknown>): CountCell {
  return { department: String(r.department), day: String(r.day), hour: num(r.hour), count: num(r.count), extra: num(r.extra) };
}
