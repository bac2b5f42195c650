// Supervisors monitoring conversations (docs/monitoring.md): one row per session, from the supervisor's
// call being placed to its end. Lock order as the ACD's (docs/queue.md, "Several instances, one
// database"): a start locks the conversation's entry first, then writes the session; nothing here
// locks a session and then an entry. The partial unique index keeps one open session per supervisor.
import type { Queryable } from "../db/database.js";

export const MONITOR_MODES = ["listen", "whisper", "barge"] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

export interface MonitorRow {
  id: number;
  entryId: number;
  conferenceSid: string | null;
  supervisorCallSid: string | null;
  /** Who: an account's id, or "owner". */
  supervisor: string;
  mode: MonitorMode;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
}

const COLUMNS = `m.id::int as id, m.entry_id::int as "entryId", m.conference_sid as "conferenceSid",
  m.supervisor_call_sid as "supervisorCallSid", m.supervisor, m.mode, m.started_at as "startedAt",
  m.answered_at as "answeredAt", m.ended_at as "endedAt", m.end_reason as "endReason"`;

/** Why a session could not start. */
export type StartRefusal = "not-in-progress" | "already-monitoring";

export class MonitorsRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): MonitorsRepository {
    return new MonitorsRepository(tx);
  }

  /**
   * Starts a session on a conversation in progress: the entry is locked (the ACD's order) so that it
   * cannot end between the check and the insert. Run in a transaction.
   */
  async start(entryId: number, supervisor: string, mode: MonitorMode, conferenceSid: string | null, now: Date): Promise<MonitorRow | StartRefusal> {
    const [entry] = await this.db.query(`select id from queue_entries where id = $1 and status = 'connected' for update`, [entryId]);
    if (!entry) return "not-in-progress";
    const [row] = await this.db.query<MonitorRow>(
      `insert into monitor_sessions as m (entry_id, conference_sid, supervisor, mode, started_at) values ($1, $2, $3, $4, $5)
       on conflict (supervisor) where ended_at is null do nothing returning ${COLUMNS}`,
      [entryId, conferenceSid, supervisor, mode, now],
    );
    return row ?? "already-monitoring";
  }

  async get(id: number): Promise<MonitorRow | undefined> {
    const [row] = await this.db.query<MonitorRow>(`select ${COLUMNS} from monitor_sessions m where m.id = $1`, [id]);
    return row;
  }

  /** The open session with this id, locked until the transaction ends (a mode change at Twilio and here as one). */
  async lockOpen(id: number): Promise<MonitorRow | undefined> {
    const [row] = await this.db.query<MonitorRow>(`select ${COLUMNS} from monitor_sessions m where m.id = $1 and m.ended_at is null for update`, [id]);
    return row;
  }

  /** The session of a supervisor's call, open or not. */
  async byCall(callSid: string): Promise<MonitorRow | undefined> {
    const [row] = await this.db.query<MonitorRow>(`select ${COLUMNS} from monitor_sessions m where m.supervisor_call_sid = $1`, [callSid]);
    return row;
  }

  /** The supervisor's open session, if any. */
  async openFor(supervisor: string): Promise<MonitorRow | undefined> {
    const [row] = await this.db.query<MonitorRow>(`select ${COLUMNS} from monitor_sessions m where m.supervisor = $1 and m.ended_at is null`, [supervisor]);
    return row;
  }

  /** Every open session on a conversation still in progress, oldest first (the Live page). */
  async open(): Promise<MonitorRow[]> {
    return this.db.query<MonitorRow>(
      `select ${COLUMNS} from monitor_sessions m join queue_entries e on e.id = m.entry_id
       where m.ended_at is null and e.status = 'connected' order by m.id`,
    );
  }

  async placed(id: number, callSid: string): Promise<void> {
    await this.db.query(`update monitor_sessions set supervisor_call_sid = $2 where id = $1`, [id, callSid]);
  }

  async answered(callSid: string, now: Date): Promise<MonitorRow | undefined> {
    const [row] = await this.db.query<MonitorRow>(
      `update monitor_sessions m set answered_at = coalesce(answered_at, $2) where supervisor_call_sid = $1 and ended_at is null returning ${COLUMNS}`,
      [callSid, now],
    );
    return row;
  }

  /** The mode of a locked open session changes; returns the mode it had. */
  async setMode(id: number, mode: MonitorMode): Promise<void> {
    await this.db.query(`update monitor_sessions set mode = $2 where id = $1 and ended_at is null`, [id, mode]);
  }

  /** Ends an open session; undefined if it had already ended (a repeated or late callback). */
  async end(id: number, reason: string, now: Date): Promise<MonitorRow | undefined> {
    const [row] = await this.db.query<MonitorRow>(
      `update monitor_sessions m set ended_at = $3, end_reason = $2 where id = $1 and ended_at is null returning ${COLUMNS}`,
      [id, reason, now],
    );
    return row;
  }

  async endByCall(callSid: string, reason: string, now: Date): Promise<MonitorRow | undefined> {
    const [row] = await this.db.query<MonitorRow>(
      `update monitor_sessions m set ended_at = $3, end_reason = $2 where supervisor_call_sid = $1 and ended_at is null returning ${COLUMNS}`,
      [callSid, reason, now],
    );
    return row;
  }

  /** The conversation is over: every session on it ends. */
  async endForEntry(entryId: number, reason: string, now: Date): Promise<MonitorRow[]> {
    return this.db.query<MonitorRow>(
      `update monitor_sessions m set ended_at = $3, end_reason = $2 where entry_id = $1 and ended_at is null returning ${COLUMNS}`,
      [entryId, reason, now],
    );
  }

  /**
   * Where an account's monitoring calls ring by default: its phone (E.164) or its Client identity
   * (accounts, 010_accounts). Undefined when the account has neither, or does not exist.
   */
  async addressOf(accountId: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ phone: string | null; client: string | null }>(`select phone, client from accounts where id = $1`, [accountId]);
    if (row?.phone) return row.phone;
    if (row?.client) return `client:${row.client}`;
    return undefined;
  }
}
