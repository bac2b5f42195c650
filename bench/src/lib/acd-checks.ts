// What the `acd` benchmark reads from the call centre's database after the run (the tables of
// callcentre/migrations/006_acd.sql): the ACD's rules checked on its own records, and how long
// offers took. Every time here is a timestamp the centre took from its system clock (the carrier's
// clock is manual, the centre's is not), and both instances run on one machine, so differences are
// real time.
import type { Reader } from "./centre-database.js";

export interface AcdChecks {
  /** The partial unique indexes that hold "one ringing offer per caller, one per agent" exist. */
  uniqueIndexes: boolean;
  entries: number;
  answered: number;
  /** Entries that never reached an agent and were not given up by the caller. */
  lost: string[];
  /** Entries with more than one accepted offer. */
  acceptedTwice: number;
  /** Pairs of offers of one caller ringing at the same time. */
  callerOverlaps: number;
  /** Pairs of offers to one agent ringing at the same time, or an offer made while the agent was on a call. */
  agentOverlaps: number;
  /** The overlapping pairs, described for the report. */
  overlaps: string[];
  /** Offers out of first-come-first-served order (see FCFS_VIOLATIONS). */
  fcfsViolations: number;
  offers: Record<string, number>;
  /** Offers whose wait began when the agent became available, the caller already waiting: ms, with the agent's call. */
  agentReady: { ms: number; agentCallSid: string | null }[];
  /** Offers whose wait began when the caller joined the line (or was back in it after a miss), an agent already available. */
  callerReady: number[];
  /** Offers after a miss whose ready_at is earlier than the caller's return to the line (corrected above). */
  readyAtBeforeBackInLine: number;
}

/**
 * First come, first served, precisely: an offer made at time T to caller B of a department is out of
 * order when another caller A of the same department was ahead of B in the line (a higher priority,
 * or the same priority and an earlier enqueued_at, then a lower id) and was waiting at T: in line by
 * T (enqueued_at ≤ T), neither connected nor gone by T, and with no offer ringing for them at T (every
 * offer of A made by T had ended by T). The agent's level does not enter: it decides which agent is
 * offered a caller, not which caller is next, and any agent of the department may take any of its
 * callers. A caller whose offer was missed is back in line from the moment the miss was recorded.
 */
const FCFS_VIOLATIONS = `
  select count(*)::int as n from offers o join queue_entries b on b.id = o.entry_id
  where exists (
    select 1 from queue_entries a
    where a.department = b.department and a.id <> b.id
      and (a.priority > b.priority or (a.priority = b.priority and (a.enqueued_at, a.id) < (b.enqueued_at, b.id)))
      and a.enqueued_at <= o.created_at
      and coalesce(a.connected_at, a.ended_at, 'infinity') > o.created_at
      and not exists (select 1 from offers p where p.entry_id = a.id and p.created_at <= o.created_at and coalesce(p.ended_at, 'infinity') > o.created_at))`;

/**
 * For each offer, when it could first have been made: `ready_at` is the later of the agent becoming
 * available and the caller joining the line, but a caller whose earlier offer was missed is back in
 * line only from that offer's end, which `ready_at` does not know; the later of the two is taken.
 */
const OFFER_WAITS = `
  with o as (
    select o.id, o.agent_call_sid, o.created_at, o.ready_at, e.enqueued_at,
           (select max(p.ended_at) from offers p where p.entry_id = o.entry_id and p.id < o.id) as back_in_line
    from offers o join queue_entries e on e.id = o.entry_id
  )
  select extract(epoch from (created_at - greatest(ready_at, back_in_line))) * 1000 as ms, agent_call_sid as "agentCallSid",
         (ready_at > enqueued_at and ready_at >= coalesce(back_in_line, '-infinity')) as "agentReady",
         coalesce(back_in_line > ready_at, false) as "readyAtBeforeBackInLine"
  from o`;

/** Two offers ringing at once by their timestamps: of one caller or to one agent. */
const OVERLAPPING = `
  select a.id::int as a, b.id::int as b, (a.entry_id = b.entry_id) as "sameCaller", (a.agent_id = b.agent_id) as "sameAgent",
         a.entry_id::int as "aEntry", a.agent_id as "aAgent", a.status as "aStatus", a.reason as "aReason",
         to_char(a.created_at, 'HH24:MI:SS.MS') as "aCreated", to_char(a.ended_at, 'HH24:MI:SS.MS') as "aEnded",
         b.entry_id::int as "bEntry", b.agent_id as "bAgent", b.status as "bStatus",
         to_char(b.created_at, 'HH24:MI:SS.MS') as "bCreated", to_char(b.ready_at, 'HH24:MI:SS.MS') as "bReady"
  from offers a join offers b on a.id < b.id and (a.entry_id = b.entry_id or a.agent_id = b.agent_id)
   and a.created_at < coalesce(b.ended_at, 'infinity') and b.created_at < coalesce(a.ended_at, 'infinity')
  order by a.id, b.id`;

export async function checkAcd(db: Reader): Promise<AcdChecks> {
  const one = async (sql: string) => (await db.query<{ n: number }>(sql))[0]?.n ?? 0;
  const indexes = await db.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'offers' and indexname in ('offers_ringing_entry', 'offers_ringing_agent')");
  const lost = await db.query<{ sid: string }>(
    "select call_sid as sid from queue_entries where connected_at is null and coalesce(outcome, '') <> 'abandoned' order by id",
  );
  const offers = await db.query<{ status: string; n: number }>("select status, count(*)::int as n from offers group by status order by status");
  const overlapping = await db.query<Record<string, string | number | boolean | null>>(OVERLAPPING);
  const waits = await db.query<{ ms: number; agentCallSid: string | null; agentReady: boolean; readyAtBeforeBackInLine: boolean }>(OFFER_WAITS);
  return {
    uniqueIndexes: indexes.length === 2,
    entries: await one("select count(*)::int as n from queue_entries"),
    answered: await one("select count(*)::int as n from queue_entries where connected_at is not null"),
    lost: lost.map((r) => r.sid),
    acceptedTwice: await one("select count(*)::int as n from (select entry_id from offers where status = 'accepted' group by entry_id having count(*) > 1) t"),
    callerOverlaps: overlapping.filter((o) => o.sameCaller).length,
    overlaps: overlapping.map(
      (o) =>
        `offer ${o.a} (entry ${o.aEntry}, ${o.aAgent}, ${o.aStatus} "${o.aReason}", ${o.aCreated}–${o.aEnded}) and offer ${o.b} ` +
        `(entry ${o.bEntry}, ${o.bAgent}, ${o.bStatus}, created ${o.bCreated}, ready ${o.bReady})`,
    ),
    agentOverlaps:
      overlapping.filter((o) => o.sameAgent).length +
      (await one(
        `select count(*)::int as n from offers o join offers a on a.agent_id = o.agent_id and a.status = 'accepted' and a.id <> o.id
         join queue_entries e on e.id = a.entry_id
         where o.created_at >= e.connected_at and o.created_at < coalesce(e.ended_at, 'infinity')`,
      )),
    fcfsViolations: await one(FCFS_VIOLATIONS),
    offers: Object.fromEntries(offers.map((r) => [r.status, r.n])),
    agentReady: waits.filter((w) => w.agentReady).map((w) => ({ ms: Number(w.ms), agentCallSid: w.agentCallSid })),
    callerReady: waits.filter((w) => !w.agentReady).map((w) => Number(w.ms)),
    readyAtBeforeBackInLine: waits.filter((w) => w.readyAtBeforeBackInLine).length,
  };
}
