// Callers waiting in departments' lines, and the offers of callers to agents: the ACD's decisions
// (docs/queue.md, "The state machine"). Each method is one transition, made by a conditional update, so
// a repeated or late webhook changes nothing; `dispatch` matches callers with agents under one advisory
// lock, so that with several instances on one database a caller is offered to one agent at a time and
// an agent gets one offer at a time (the offers table's unique indexes hold the same rule).
import type { Queryable } from "../db/database.js";
import { changeState, type Device, type Level } from "./agents-repository.js";

export type EntryStatus = "queued" | "offered" | "connected" | "ended" | "abandoned" | "left" | "failed";
export type EntryKind = "call" | "callback";
export type OfferStatus = "ringing" | "accepted" | "missed" | "declined" | "canceled" | "failed";
/** An offer of a caller, or a consultation a first agent asked of a second (a warm transfer). */
export type OfferKind = "offer" | "consult";

/** Serialises dispatch across instances (another key than the migrations' and the tests'). */
export const DISPATCH_LOCK_KEY = 727_274_100;

export interface EntryRow {
  id: number;
  callSid: string;
  department: string;
  kind: EntryKind;
  status: EntryStatus;
  priority: number;
  enqueuedAt: Date;
  number: string;
  called: string | null;
  city: string | null;
  agentId: string | null;
  conference: string | null;
  connectedAt: Date | null;
  endedAt: Date | null;
  outcome: string | null;
  attempts: number;
  notBefore: Date | null;
  customerCallSid: string | null;
  conferenceSid: string | null;
  callerHeld: boolean;
  agentMuted: boolean;
  recordingPaused: boolean;
  forAgent: string | null;
}

const ENTRY_COLUMNS = `e.id::int as id, e.call_sid as "callSid", e.department, e.kind, e.status, e.priority,
  e.enqueued_at as "enqueuedAt", e.number, e.called, e.city, e.agent_id as "agentId", e.conference,
  e.connected_at as "connectedAt", e.ended_at as "endedAt", e.outcome, e.attempts, e.not_before as "notBefore",
  e.customer_call_sid as "customerCallSid", e.conference_sid as "conferenceSid", e.caller_held as "callerHeld",
  e.agent_muted as "agentMuted", e.recording_paused as "recordingPaused", e.for_agent as "forAgent"`;

export interface OfferRow {
  id: number;
  entryId: number;
  agentId: string;
  status: OfferStatus;
  agentCallSid: string | null;
  createdAt: Date;
  readyAt: Date | null;
  endedAt: Date | null;
  reason: string | null;
  kind: OfferKind;
  fromAgent: string | null;
}

const OFFER_COLUMNS = `o.id::int as id, o.entry_id::int as "entryId", o.agent_id as "agentId", o.status,
  o.agent_call_sid as "agentCallSid", o.created_at as "createdAt", o.ready_at as "readyAt", o.ended_at as "endedAt", o.reason,
  o.kind, o.from_agent as "fromAgent"`;

/** An offer made by dispatch, with what placing the agent's call needs. */
export interface NewOffer {
  offer: OfferRow;
  entry: EntryRow;
  agent: { id: string; name: string; phone: string | null; client: string | null; device: Device | null; level: Level };
}

/** A busy agent's offer or conversation (`work`). */
export interface AgentWork {
  agentId: string;
  /** The offer still rings; else the agent is in the conversation. */
  ringing: boolean;
  since: Date;
  entryId: number;
  callSid: string;
  department: string;
  kind: EntryKind;
  number: string;
}


export interface Enqueue {
  callSid: string;
  department: string;
  number: string;
  called?: string | undefined;
  city?: string | undefined;
  kind?: EntryKind;
  priority?: number;
  /** When the caller started waiting: now, or the original wait of a transferred caller. */
  enqueuedAt: Date;
  /** Transferred to one named agent: only they are offered this caller. */
  forAgent?: string | undefined;
}

/** How a department's agents stand: signed in (not offline), working (not on break either), available now. */
export interface Staffing {
  signedIn: number;
  working: number;
  available: number;
}

export class QueueRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): QueueRepository {
    return new QueueRepository(tx);
  }

  /** Puts a caller in a line; the same call again (a repeated webhook) gets its open entry back. */
  async enqueue(e: Enqueue): Promise<EntryRow> {
    const [row] = await this.db.query<EntryRow>(
      `with added as (
         insert into queue_entries (call_sid, department, kind, status, priority, enqueued_at, number, called, city, for_agent)
         values ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9)
         on conflict (call_sid, kind) where status in ('queued', 'offered', 'connected') do nothing
         returning *
       )
       select ${ENTRY_COLUMNS} from added e
       union all
       select ${ENTRY_COLUMNS} from queue_entries e
       where e.call_sid = $1 and e.kind = $3 and e.status in ('queued', 'offered', 'connected') and not exists (select 1 from added)`,
      [e.callSid, e.department, e.kind ?? "call", e.priority ?? 0, e.enqueuedAt, e.number, e.called ?? null, e.city ?? null, e.forAgent ?? null],
    );
    if (!row) throw new Error(`could not enqueue ${e.callSid}`);
    return row;
  }

  async entry(id: number): Promise<EntryRow | undefined> {
    const [row] = await this.db.query<EntryRow>(`select ${ENTRY_COLUMNS} from queue_entries e where e.id = $1`, [id]);
    return row;
  }

  /** The call's place in a line, if it holds one (waiting, offered or connected). */
  async openEntry(callSid: string, kind: EntryKind = "call"): Promise<EntryRow | undefined> {
    const [row] = await this.db.query<EntryRow>(
      `select ${ENTRY_COLUMNS} from queue_entries e where e.call_sid = $1 and e.kind = $2 and e.status in ('queued', 'offered', 'connected')`,
      [callSid, kind],
    );
    return row;
  }

  /** The call's latest entry, open or not. */
  async latestEntry(callSid: string): Promise<EntryRow | undefined> {
    const [row] = await this.db.query<EntryRow>(
      `select ${ENTRY_COLUMNS} from queue_entries e where e.call_sid = $1 order by e.id desc limit 1`,
      [callSid],
    );
    return row;
  }

  /** 1 for the next in line: callers ahead (waiting or being offered, call backs holding a place) plus one. */
  async position(entry: Pick<EntryRow, "id" | "department" | "priority" | "enqueuedAt">): Promise<number> {
    const [row] = await this.db.query<{ ahead: number }>(
      `select count(*)::int as ahead from queue_entries
       where department = $1 and status in ('queued', 'offered') and id <> $2
         and (priority > $3 or (priority = $3 and (enqueued_at, id) < ($4::timestamptz, $2::bigint)))`,
      [entry.department, entry.id, entry.priority, entry.enqueuedAt],
    );
    return (row?.ahead ?? 0) + 1;
  }

  /** The department's line now, first in line first. */
  async line(department: string): Promise<EntryRow[]> {
    return this.db.query<EntryRow>(
      `select ${ENTRY_COLUMNS} from queue_entries e where e.department = $1 and e.status in ('queued', 'offered')
       order by e.priority desc, e.enqueued_at, e.id`,
      [department],
    );
  }

  /** Callers in the department's line now (waiting, being offered, or holding a place for a call back). */
  async waiting(department: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `select count(*)::int as n from queue_entries where department = $1 and status in ('queued', 'offered')`,
      [department],
    );
    return row?.n ?? 0;
  }

  async staffing(department: string): Promise<Staffing> {
    const [row] = await this.db.query<Staffing>(
      `select count(*) filter (where a.state <> 'offline')::int as "signedIn",
              count(*) filter (where a.state in ('available', 'busy', 'wrap-up'))::int as working,
              count(*) filter (where a.state = 'available')::int as available
       from agents a join agent_departments d on d.agent_id = a.id
       where d.department = $1 and a.in_flow`,
      [department],
    );
    return row ?? { signedIn: 0, working: 0, available: 0 };
  }

  /**
   * Handle times (talk, from connection to the end, plus the agent's wrap-up) of the department's
   * latest calls answered since `since`, newest first. Never negative, whatever instances' clocks did.
   */
  async recentHandleSeconds(department: string, since: Date, limit = 20): Promise<number[]> {
    const rows = await this.db.query<{ seconds: number }>(
      `select greatest(0, extract(epoch from (e.ended_at - e.connected_at))::float8)
              + coalesce((select greatest(0, extract(epoch from (c.at - w.at))::float8)
                          from agent_state_changes w
                          join lateral (select at from agent_state_changes n where n.agent_id = w.agent_id and n.id > w.id order by n.id limit 1) c on true
                          where w.agent_id = e.agent_id and w.state = 'wrap-up' and w.at >= e.ended_at - interval '5 seconds'
                          order by w.id limit 1), 0) as seconds
       from queue_entries e
       where e.department = $1 and e.status = 'ended' and e.connected_at is not null and e.ended_at >= $2
       order by e.ended_at desc limit $3`,
      [department, since, limit],
    );
    return rows.map((row) => row.seconds);
  }

  /**
   * Matches waiting callers with available agents and records the offers; the caller places the
   * agents' calls. First come, first served within a line (priority first: a transferred caller goes
   * to the front); for each caller, the longest-idle available agent of the department, first-line
   * before overflow. Timed wrap-ups that are over end first. Run it inside a transaction.
   *
   * Given a clock, it reads the time once it holds the lock and has read the agents and callers, so
   * that an offer is never timed before a change it was decided on (another instance's miss or an
   * agent becoming available, committed while this one waited for the lock): otherwise an offer could
   * appear to ring before the previous offer of its caller ended, or before its agent was available.
   */
  async dispatch(clock: Date | (() => Date), limit = 50): Promise<NewOffer[]> {
    const time = typeof clock === "function" ? clock : () => clock;
    await this.db.query("select pg_advisory_xact_lock($1)", [DISPATCH_LOCK_KEY]);
    const locked = time();
    await this.db.query(
      `with ended as (
         update agents set state = 'available', reason = null, state_since = wrap_until, wrap_until = null
         where state = 'wrap-up' and wrap_until <= $1 returning id, state_since
       )
       insert into agent_state_changes (agent_id, state, at) select id, 'available', state_since from ended`,
      [locked],
    );
    const agents = await this.db.query<{ id: string; name: string; phone: string | null; client: string | null; device: Device | null; since: Date; department: string; level: number }>(
      `select a.id, a.name, a.phone, a.client, a.device, a.state_since as since, d.department, d.level
       from agents a join agent_departments d on d.agent_id = a.id
       where a.state = 'available' and a.in_flow
       order by d.level, a.state_since, a.id
       for update of a`,
    );
    if (agents.length === 0) return [];
    // Back in line after a missed offer: waiting again only from that offer's end.
    const entries = await this.db.query<EntryRow & { backInLine: Date | null }>(
      `select ${ENTRY_COLUMNS}, (select max(o.ended_at) from offers o where o.entry_id = e.id) as "backInLine" from queue_entries e
       where e.status = 'queued' and (e.not_before is null or e.not_before <= $1)
         and (case when e.for_agent is null then e.department = any ($2::text[]) else e.for_agent = any ($3::text[]) end)
       order by e.priority desc, e.enqueued_at, e.id limit 1000
       for update of e`,
      [locked, [...new Set(agents.map((a) => a.department))], [...new Set(agents.map((a) => a.id))]],
    );
    const now = time();
    const taken = new Set<string>();
    const offers: NewOffer[] = [];
    for (const entry of entries) {
      if (offers.length >= limit) break;
      // Agents come ordered by level, then by how long they have been idle.
      // A caller transferred to one named agent waits for that agent alone.
      const agent = agents.find((a) => (entry.forAgent ? a.id === entry.forAgent : a.department === entry.department) && !taken.has(a.id));
      if (!agent) continue;
      taken.add(agent.id);
      const readyAt = new Date(Math.max(agent.since.getTime(), entry.enqueuedAt.getTime(), entry.notBefore?.getTime() ?? 0, entry.backInLine?.getTime() ?? 0));
      const [offer] = await this.db.query<OfferRow>(
        `insert into offers (entry_id, agent_id, created_at, ready_at) values ($1, $2, $3, $4) returning ${OFFER_COLUMNS.replaceAll("o.", "")}`,
        [entry.id, agent.id, now, readyAt],
      );
      await this.db.query(`update queue_entries set status = 'offered', agent_id = $2 where id = $1`, [entry.id, agent.id]);
      await changeState(this.db, agent.id, { state: "busy", reason: "offered", since: now });
      if (!offer) throw new Error("offer not recorded");
      offers.push({
        offer,
        entry: { ...withoutBackInLine(entry), status: "offered", agentId: agent.id },
        agent: { id: agent.id, name: agent.name, phone: agent.phone, client: agent.client, device: agent.device, level: agent.level === 0 ? "first-line" : "overflow" },
      });
    }
    return offers;
  }

  /**
   * Every transition locks the caller's entry before its offer, and the offer before the agent: one
   * order, so that two of them at once wait for each other instead of deadlocking.
   */
  private async lockEntryOf(offerId: number): Promise<void> {
    await this.db.query(`select 1 from queue_entries where id = (select entry_id from offers where id = $1) for update`, [offerId]);
  }

  async offer(id: number): Promise<OfferRow | undefined> {
    const [row] = await this.db.query<OfferRow>(`select ${OFFER_COLUMNS} from offers o where o.id = $1`, [id]);
    return row;
  }

  /** The agent's call for the offer was placed. */
  async offerCalling(id: number, agentCallSid: string): Promise<void> {
    await this.db.query(`update offers set agent_call_sid = $2 where id = $1 and agent_call_sid is null`, [id, agentCallSid]);
  }

  /**
   * The agent accepted: the caller is connected to them in a conference named after the entry. Undefined
   * when the offer no longer rings (the caller hung up, or it was missed meanwhile).
   */
  async accept(offerId: number, now: Date): Promise<{ entry: EntryRow; offer: OfferRow } | undefined> {
    await this.lockEntryOf(offerId);
    const [offer] = await this.db.query<OfferRow>(
      `update offers o set status = 'accepted', ended_at = $2 where o.id = $1 and o.status = 'ringing'
         and exists (select 1 from queue_entries e where e.id = o.entry_id and e.status = 'offered')
       returning ${OFFER_COLUMNS}`,
      [offerId, now],
    );
    if (!offer) return undefined;
    const [entry] = await this.db.query<EntryRow>(
      `update queue_entries e set status = 'connected', connected_at = $2, conference = 'entry-' || e.id
       where e.id = $1 returning ${ENTRY_COLUMNS}`,
      [offer.entryId, now],
    );
    await changeState(this.db, offer.agentId, { state: "busy", reason: "on a call", since: now, missedInRow: "reset" }, "state = 'busy'");
    if (!entry) throw new Error("accepted an offer of no entry");
    return { entry, offer };
  }

  /**
   * The offer was not taken: no answer, busy, a decline, a hang-up in the whisper (`missed`/`declined`),
   * or the agent's call could not be placed (`failed`). The caller is back in line with their place; the
   * agent is available again, or on break ("missed") after `maxNoAnswer` in a row. A call that could
   * not be placed puts the agent on break ("unreachable") without counting a miss against them.
   */
  async miss(offerId: number, status: "missed" | "declined" | "failed", reason: string, now: Date, maxNoAnswer: number): Promise<{ offer: OfferRow; agentState: string } | undefined> {
    await this.lockEntryOf(offerId);
    const [offer] = await this.db.query<OfferRow>(
      `update offers o set status = $2, reason = $3, ended_at = $4 where o.id = $1 and o.status = 'ringing' returning ${OFFER_COLUMNS}`,
      [offerId, status, reason, now],
    );
    if (!offer) return undefined;
    await this.db.query(`update queue_entries set status = 'queued', agent_id = null where id = $1 and status = 'offered'`, [offer.entryId]);
    if (status === "failed") {
      // Their phone or client cannot be called (a bad number, a client never registered): offering
      // them the next caller would fail the same way.
      const agent = await changeState(this.db, offer.agentId, { state: "break", reason: "unreachable", since: now }, "state = 'busy'");
      return { offer, agentState: agent?.state ?? "unchanged" };
    }
    const onBreak = await changeState(
      this.db,
      offer.agentId,
      { state: "break", reason: "missed", since: now, missedInRow: "add" },
      "state = 'busy' and missed_in_row + 1 >= $5",
      [maxNoAnswer],
    );
    const agent = onBreak ?? (await changeState(this.db, offer.agentId, { state: "available", since: now, missedInRow: "add" }, "state = 'busy'"));
    return { offer, agentState: agent?.state ?? "unchanged" };
  }

  /**
   * The caller hung up. Waiting or offered, their place is abandoned (a ringing offer is canceled and
   * its agent is available again, without a miss against them); connected, the conversation has ended.
   * Returns the entry as it is now (abandoned, or ended), and the agent's call to stop ringing, if any.
   */
  async callerGone(callSid: string, now: Date): Promise<{ entry: EntryRow; ringingAgentCallSid?: string | null } | undefined> {
    // One statement: whatever the entry's state when the lock is had (an accept may commit first), it
    // ends from that state.
    const [entry] = await this.db.query<EntryRow>(
      `update queue_entries e set
         status = case when e.status = 'connected' then 'ended' else 'abandoned' end,
         outcome = case when e.status = 'connected' then coalesce(e.outcome, 'ended') else 'abandoned' end,
         ended_at = $2
       where e.call_sid = $1 and e.kind = 'call' and e.status in ('queued', 'offered', 'connected')
       returning ${ENTRY_COLUMNS}`,
      [callSid, now],
    );
    if (!entry) return undefined;
    if (entry.status === "ended") return { entry };
    const [offer] = await this.db.query<OfferRow>(
      `update offers o set status = 'canceled', reason = 'caller hung up', ended_at = $2 where o.entry_id = $1 and o.status = 'ringing' returning ${OFFER_COLUMNS}`,
      [entry.id, now],
    );
    if (offer) await changeState(this.db, offer.agentId, { state: "available", since: now }, "state = 'busy'");
    return { entry, ringingAgentCallSid: offer ? offer.agentCallSid : undefined };
  }

  /**
   * The caller leaves the line while waiting (not while an offer rings): to voicemail, past the maximum
   * wait, nobody signed in. False when they are not waiting.
   */
  async leave(callSid: string, outcome: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update queue_entries set status = 'left', ended_at = $2, outcome = $3 where call_sid = $1 and kind = 'call' and status = 'queued' returning id`,
      [callSid, now, outcome],
    );
    return rows.length > 0;
  }

  /**
   * The caller asked for a call back: they leave the line but keep their place (the same entry, now a
   * call back, with its original wait). False when they are not waiting (an offer is ringing).
   */
  async toCallback(callSid: string): Promise<boolean> {
    const rows = await this.db.query(
      `update queue_entries set kind = 'callback' where call_sid = $1 and kind = 'call' and status = 'queued' returning id`,
      [callSid],
    );
    return rows.length > 0;
  }

  /** A call back's call to the customer was placed. */
  async callbackDialled(entryId: number, customerCallSid: string): Promise<void> {
    await this.db.query(`update queue_entries set customer_call_sid = $2, attempts = attempts + 1 where id = $1`, [entryId, customerCallSid]);
  }

  /**
   * The customer did not answer a call back: back in line (keeping the place) after `retryAfterSeconds`,
   * or failed after `attempts` calls. Returns the entry's new status.
   */
  async callbackUnanswered(entryId: number, now: Date, attempts: number, retryAfterSeconds: number): Promise<EntryStatus | undefined> {
    const [row] = await this.db.query<{ status: EntryStatus }>(
      `update queue_entries set
         status = case when attempts >= $3 then 'failed' else 'queued' end,
         outcome = case when attempts >= $3 then 'unreachable' else outcome end,
         ended_at = case when attempts >= $3 then $2::timestamptz end,
         connected_at = null, conference = null, agent_id = null, customer_call_sid = null,
         not_before = $2::timestamptz + make_interval(secs => $4)
       where id = $1 and kind = 'callback' and status = 'connected' returning status`,
      [entryId, now, attempts, retryAfterSeconds],
    );
    return row?.status;
  }

  /** The conversation is over (either side left the conference). */
  async conversationEnded(entryId: number, now: Date, outcome = "ended"): Promise<boolean> {
    const rows = await this.db.query(
      `update queue_entries set status = 'ended', ended_at = $2, outcome = $3 where id = $1 and status = 'connected' returning id`,
      [entryId, now, outcome],
    );
    return rows.length > 0;
  }

  /**
   * The agent's call ended: after an accepted offer, the agent goes to wrap-up (for `wrapUpSeconds`, or
   * until they say ready when 0). Returns the offer it belonged to.
   */
  async agentCallEnded(agentCallSid: string, now: Date, wrapUpSeconds: number): Promise<OfferRow | undefined> {
    const [offer] = await this.db.query<OfferRow>(`select ${OFFER_COLUMNS} from offers o where o.agent_call_sid = $1`, [agentCallSid]);
    if (!offer || offer.status !== "accepted") return offer;
    // The conversation ends with the agent who has it: not with one who handed it over (a warm
    // transfer) or who was only consulted.
    await this.db.query(
      `update queue_entries set status = 'ended', ended_at = $2, outcome = coalesce(outcome, 'ended') where id = $1 and status = 'connected' and agent_id = $3`,
      [offer.entryId, now, offer.agentId],
    );
    if (offer.kind === "consult") await this.endConsultation(offer.id, now);
    await changeState(
      this.db,
      offer.agentId,
      { state: "wrap-up", since: now, wrapUntil: wrapUpSeconds > 0 ? new Date(now.getTime() + wrapUpSeconds * 1000) : null },
      "state = 'busy'",
    );
    return offer;
  }

  async offerByAgentCall(agentCallSid: string): Promise<OfferRow | undefined> {
    const [row] = await this.db.query<OfferRow>(`select ${OFFER_COLUMNS} from offers o where o.agent_call_sid = $1`, [agentCallSid]);
    return row;
  }

  /** The agent's current offer or call: the entry and offer they are busy with. */
  async agentWork(agentId: string): Promise<{ entry: EntryRow; offer: OfferRow } | undefined> {
    const [row] = await this.db.query<{ offerId: number; entryId: number }>(
      `select o.id::int as "offerId", o.entry_id::int as "entryId" from offers o join queue_entries e on e.id = o.entry_id
       where o.agent_id = $1 and (o.status = 'ringing' or (o.status = 'accepted' and e.status = 'connected'))
       order by o.id desc limit 1`,
      [agentId],
    );
    if (!row) return undefined;
    const [offer, entry] = await Promise.all([this.offer(row.offerId), this.entry(row.entryId)]);
    return offer && entry ? { offer, entry } : undefined;
  }

  /**
   * What every busy agent is doing now, for the dashboard: the offer ringing for them (since it was
   * made) or the conversation they are in (since it was accepted). One row per agent, their latest.
   */
  async work(): Promise<AgentWork[]> {
    return this.db.query<AgentWork>(
      // Two small sets, each found by its partial index (offers ringing; places connected), never a
      // scan of every offer ever made: the Live page and the wallboard ask on every refresh.
      `select distinct on (w."agentId") w."agentId", w.ringing, w.since, w."entryId", w."callSid", w.department, w.kind, w.number from (
         select o.agent_id as "agentId", o.id as offer_id, true as ringing, o.created_at as since,
                e.id::int as "entryId", e.call_sid as "callSid", e.department, e.kind, e.number
         from offers o join queue_entries e on e.id = o.entry_id
         where o.status = 'ringing'
         union all
         select o.agent_id, o.id, false, e.connected_at, e.id::int, e.call_sid, e.department, e.kind, e.number
         from queue_entries e join offers o on o.entry_id = e.id and o.agent_id = e.agent_id and o.status = 'accepted'
         where e.status = 'connected'
       ) w
       order by w."agentId", w.offer_id desc`,
    );
  }

  /**
   * The places taken in lines in [from, to) by inbound calls, for the day's queue metrics
   * (docs/dashboard.md, "Metrics"). A place is counted on the day its wait began. Calls placed from
   * the dashboard are outbound: not queue traffic (docs/callcentre-domain.md §5).
   */
  async enteredBetween(from: Date, to: Date): Promise<EntryRow[]> {
    return this.db.query<EntryRow>(
      `select ${ENTRY_COLUMNS} from queue_entries e join calls c on c.sid = e.call_sid
       where e.enqueued_at >= $1 and e.enqueued_at < $2 and c.direction = 'inbound'
       order by e.enqueued_at, e.id`,
      [from, to],
    );
  }








  // ---- From the desk: the conversation's conference, hold, mute, recording, transfers ----

  /** The conference the conversation is in (its first status callback names it). */
  async setConferenceSid(entryId: number, conferenceSid: string): Promise<void> {
    await this.db.query(`update queue_entries set conference_sid = $2 where id = $1 and conference_sid is distinct from $2`, [entryId, conferenceSid]);
  }

  /** What the desk shows of the conversation: the caller on hold, the agent muted, the recording paused. */
  async setFlags(entryId: number, flags: { callerHeld?: boolean; agentMuted?: boolean; recordingPaused?: boolean }): Promise<void> {
    await this.db.query(
      `update queue_entries set caller_held = coalesce($2, caller_held), agent_muted = coalesce($3, agent_muted), recording_paused = coalesce($4, recording_paused)
       where id = $1`,
      [entryId, flags.callerHeld ?? null, flags.agentMuted ?? null, flags.recordingPaused ?? null],
    );
  }

  /**
   * A cold transfer: the conversation ends ("transferred") and the caller is back in a line, at the
   * front (a higher priority) and with their original wait: another department's, or their own for one
   * named agent. Returns the new place; undefined when the conversation is no longer connected.
   */
  async transfer(entryId: number, to: { department: string; forAgent?: string | undefined }, now: Date): Promise<EntryRow | undefined> {
    const [old] = await this.db.query<EntryRow>(
      `update queue_entries e set status = 'ended', ended_at = $2, outcome = 'transferred'
       where e.id = $1 and e.status = 'connected' and e.kind = 'call' returning ${ENTRY_COLUMNS}`,
      [entryId, now],
    );
    if (!old) return undefined;
    return this.enqueue({
      callSid: old.callSid,
      department: to.department,
      number: old.number,
      called: old.called ?? undefined,
      city: old.city ?? undefined,
      priority: old.priority + 1,
      enqueuedAt: old.enqueuedAt,
      forAgent: to.forAgent,
    });
  }

  /**
   * A warm transfer's consultation: the second agent, if available, is rung about the conversation.
   * Undefined when they are not available (or the conversation has ended).
   */
  async consult(entryId: number, fromAgent: string, toAgent: string, now: Date): Promise<OfferRow | undefined> {
    const [entry] = await this.db.query<{ id: number }>(`select id from queue_entries where id = $1 and status = 'connected' and agent_id = $2 for update`, [entryId, fromAgent]);
    if (!entry) return undefined;
    const busy = await changeState(this.db, toAgent, { state: "busy", reason: "consulted", since: now }, "state = 'available' and in_flow");
    if (!busy) return undefined;
    const [offer] = await this.db.query<OfferRow>(
      `insert into offers (entry_id, agent_id, created_at, kind, from_agent) values ($1, $2, $3, 'consult', $4) returning ${OFFER_COLUMNS.replaceAll("o.", "")}`,
      [entryId, toAgent, now, fromAgent],
    );
    return offer;
  }

  /** The consultation the conversation has now (ringing, or accepted and still on), if any. */
  async consultation(entryId: number): Promise<OfferRow | undefined> {
    const [row] = await this.db.query<OfferRow>(
      `select ${OFFER_COLUMNS} from offers o join queue_entries e on e.id = o.entry_id
       where o.entry_id = $1 and o.kind = 'consult' and o.agent_id <> e.agent_id
         and (o.status = 'ringing' or (o.status = 'accepted' and o.ended_at is null))
       order by o.id desc limit 1`,
      [entryId],
    );
    return row;
  }

  /** The consulted agent accepted: they join the conversation. */
  async acceptConsult(offerId: number, now: Date): Promise<{ entry: EntryRow; offer: OfferRow } | undefined> {
    await this.lockEntryOf(offerId);
    const [offer] = await this.db.query<OfferRow>(
      `update offers o set status = 'accepted' where o.id = $1 and o.status = 'ringing' and o.kind = 'consult'
         and exists (select 1 from queue_entries e where e.id = o.entry_id and e.status = 'connected')
       returning ${OFFER_COLUMNS}`,
      [offerId],
    );
    if (!offer) return undefined;
    await changeState(this.db, offer.agentId, { state: "busy", reason: "on a call", since: now, missedInRow: "reset" }, "state = 'busy'");
    const entry = await this.entry(offer.entryId);
    return entry ? { entry, offer } : undefined;
  }

  /** A warm transfer completes: the consulted agent has the conversation now. */
  async handOver(entryId: number, consult: OfferRow): Promise<boolean> {
    const rows = await this.db.query(`update queue_entries set agent_id = $2, caller_held = false, agent_muted = false where id = $1 and status = 'connected' returning id`, [entryId, consult.agentId]);
    return rows.length > 0;
  }

  /** A consultation is over without a hand-over (the first agent went back to the caller). */
  async endConsultation(offerId: number, now: Date): Promise<void> {
    await this.db.query(`update offers set ended_at = $2 where id = $1 and ended_at is null`, [offerId, now]);
  }

  /**
   * Offers still ringing that were made before `before`: those whose agent's call was never placed (the
   * instance that made the offer stopped first), and those whose status callback may have been lost.
   */
  async staleOffers(before: Date): Promise<OfferRow[]> {
    return this.db.query<OfferRow>(`select ${OFFER_COLUMNS} from offers o where o.status = 'ringing' and o.created_at < $1 order by o.id limit 100`, [before]);
  }

  /**
   * An offer whose agent's call was never placed is given up: the caller is back in their place and
   * the agent available, with no miss counted (it was not theirs).
   */
  async dropOffer(offerId: number, now: Date): Promise<OfferRow | undefined> {
    await this.lockEntryOf(offerId);
    const [offer] = await this.db.query<OfferRow>(
      `update offers o set status = 'failed', reason = 'call never placed', ended_at = $2 where o.id = $1 and o.status = 'ringing' and o.agent_call_sid is null returning ${OFFER_COLUMNS}`,
      [offerId, now],
    );
    if (!offer) return undefined;
    await this.db.query(`update queue_entries set status = 'queued', agent_id = null where id = $1 and status = 'offered'`, [offer.entryId]);
    await changeState(this.db, offer.agentId, { state: "available", since: now }, "state = 'busy'");
    return offer;
  }
}

function withoutBackInLine({ backInLine: _backInLine, ...entry }: EntryRow & { backInLine: Date | null }): EntryRow {
  return entry;
}
