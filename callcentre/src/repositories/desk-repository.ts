// What the agent desk reads and writes beyond the agents' and the queue's repositories: the call an
// agent is wrapping up and what they say of it (disposition and note, 007_desk.sql), what we know of a
// caller from earlier calls, voicemails and texts, and which agents have a password.
import type { Queryable } from "../db/database.js";

export const DISPOSITIONS = ["resolved", "follow-up", "escalated", "other"] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** A caller's entry as the desk shows it after the call. */
export interface HandledEntryRow {
  id: number;
  callSid: string;
  department: string;
  number: string;
  city: string | null;
  enqueuedAt: Date;
  connectedAt: Date | null;
  endedAt: Date | null;
  disposition: Disposition | null;
  note: string | null;
}

const HANDLED_COLUMNS = `e.id::int as id, e.call_sid as "callSid", e.department, e.number, e.city, e.enqueued_at as "enqueuedAt",
  e.connected_at as "connectedAt", e.ended_at as "endedAt", e.disposition, e.note`;

export interface PreviousCallRow {
  sid: string;
  startedAt: Date;
  direction: string;
  status: string;
  department: string | null;
  outcome: string | null;
  durationSeconds: number | null;
}

export interface PreviousVoicemailRow {
  sid: string;
  createdAt: Date;
  department: string | null;
  durationSeconds: number | null;
  transcriptionText: string | null;
}

export interface PreviousTextRow {
  id: number;
  createdAt: Date;
  direction: string;
  body: string;
}

export class DeskRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): DeskRepository {
    return new DeskRepository(tx);
  }

  /** The last call the agent talked on (the one a wrap-up is about), if any. */
  async lastHandled(agentId: string): Promise<HandledEntryRow | undefined> {
    const [row] = await this.db.query<HandledEntryRow>(
      `select ${HANDLED_COLUMNS} from queue_entries e
       where e.agent_id = $1 and e.status = 'ended' and e.connected_at is not null
       order by e.ended_at desc, e.id desc limit 1`,
      [agentId],
    );
    return row;
  }

  async handled(entryId: number): Promise<HandledEntryRow | undefined> {
    const [row] = await this.db.query<HandledEntryRow>(`select ${HANDLED_COLUMNS} from queue_entries e where e.id = $1`, [entryId]);
    return row;
  }

  /**
   * The agent's disposition and note for a call they talked on, once it has ended (saving again
   * replaces them). False when the entry is not one of theirs, or has not ended.
   */
  async saveWrapUp(entryId: number, agentId: string, disposition: Disposition, note: string | null): Promise<boolean> {
    const rows = await this.db.query(
      `update queue_entries set disposition = $3, note = $4 where id = $1 and agent_id = $2 and status = 'ended' returning id`,
      [entryId, agentId, disposition, note],
    );
    return rows.length > 0;
  }

  /** The caller's name as the network gave it (CNAM) on this call, if it did. */
  async callerName(callSid: string): Promise<string | null> {
    const [row] = await this.db.query<{ name: string | null }>(`select caller_name as name from calls where sid = $1`, [callSid]);
    return row?.name ?? null;
  }

  /** Calls from or to the number, other than `exceptSid`, most recent first. */
  async previousCalls(number: string, exceptSid: string, limit: number): Promise<PreviousCallRow[]> {
    return this.db.query<PreviousCallRow>(
      `select sid, started_at as "startedAt", direction, status, department, outcome, duration_seconds as "durationSeconds"
       from calls where (from_number = $1 or to_number = $1) and sid <> $2 order by started_at desc, sid limit $3`,
      [number, exceptSid, limit],
    );
  }

  /** Voicemails the number left, most recent first. */
  async voicemails(number: string, limit: number): Promise<PreviousVoicemailRow[]> {
    return this.db.query<PreviousVoicemailRow>(
      `select r.sid, r.created_at as "createdAt", r.department, r.duration_seconds as "durationSeconds", r.transcription_text as "transcriptionText"
       from recordings r join calls c on c.sid = r.call_sid
       where r.kind = 'voicemail' and c.from_number = $1 order by r.created_at desc, r.sid limit $2`,
      [number, limit],
    );
  }

  /** Texts to and from the number, most recent first. */
  async texts(number: string, limit: number): Promise<PreviousTextRow[]> {
    return this.db.query<PreviousTextRow>(
      `select id::int as id, created_at as "createdAt", direction, body from messages where contact = $1 order by created_at desc, id desc limit $2`,
      [number, limit],
    );
  }

  /** Which agents can sign in (have a password), by id. */
  async passwordsSet(): Promise<Map<string, boolean>> {
    const rows = await this.db.query<{ id: string; set: boolean }>(`select id, password_hash is not null as set from agents`);
    return new Map(rows.map((row) => [row.id, row.set]));
  }
}
