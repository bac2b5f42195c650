// Recordings (voicemail) and their transcriptions. Twilio's recording action, recording status
// callback and transcription callback may arrive in any order and more than once: each is an upsert
// that only fills in what it knows. A recording belongs to one call: a callback that names it with
// another CallSid changes nothing (each upsert's ON CONFLICT … WHERE), and is reported as such.
import type { Queryable } from "../db/database.js";

/**
 * What an upsert did: `applied` (inserted or changed), `unchanged` (a repeat), or `other-call` (the
 * recording belongs to another call, and was left alone).
 */
export type RecordingWrite = "applied" | "unchanged" | "other-call";

export interface RecordingRow {
  sid: string;
  callSid: string;
  kind: string;
  node: string | null;
  department: string | null;
  url: string;
  durationSeconds: number | null;
  status: string;
  finishedBy: string | null;
  transcriptionSid: string | null;
  transcriptionStatus: string | null;
  transcriptionText: string | null;
  handledAt: Date | null;
  calledBackAt: Date | null;
  callbackCallSid: string | null;
  createdAt: Date;
}

/** A voicemail with who left it and when. */
export interface VoicemailRow extends RecordingRow {
  from: string;
  to: string;
  callStartedAt: Date;
}

const COLUMNS = `r.sid, r.call_sid as "callSid", r.kind, r.node, r.department, r.url, r.duration_seconds as "durationSeconds",
  r.status, r.finished_by as "finishedBy", r.transcription_sid as "transcriptionSid",
  r.transcription_status as "transcriptionStatus", r.transcription_text as "transcriptionText", r.handled_at as "handledAt",
  r.called_back_at as "calledBackAt", r.callback_call_sid as "callbackCallSid", r.created_at as "createdAt"`;
const VOICEMAIL_COLUMNS = `${COLUMNS}, c.from_number as "from", c.to_number as "to", c.started_at as "callStartedAt"`;

export class RecordingsRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): RecordingsRepository {
    return new RecordingsRepository(tx);
  }

  async saveVoicemail(v: {
    sid: string;
    callSid: string;
    url: string;
    durationSeconds: number;
    finishedBy?: string | undefined;
    node: string;
    department?: string | undefined;
  }): Promise<RecordingWrite> {
    const rows = await this.db.query(
      `insert into recordings (sid, call_sid, kind, node, department, url, duration_seconds, finished_by)
       values ($1, $2, 'voicemail', $3, $4, $5, $6, $7)
       on conflict (sid) do update set
         node = excluded.node,
         department = coalesce(excluded.department, recordings.department),
         url = excluded.url,
         duration_seconds = excluded.duration_seconds,
         finished_by = coalesce(excluded.finished_by, recordings.finished_by),
         updated_at = now()
       where recordings.call_sid = excluded.call_sid
       returning sid`,
      [v.sid, v.callSid, v.node, v.department ?? null, v.url, v.durationSeconds, v.finishedBy ?? null],
    );
    return rows.length > 0 ? "applied" : this.notApplied(v.sid, v.callSid);
  }

  /**
   * A recorded agent conversation (a conference's recording), kept on the caller's call with the line's
   * entry it belongs to. Its status follows pauses and resumes until a final one (completed, absent, failed), which stays.
   */
  async saveConversation(r: { sid: string; callSid: string; entryId: number; department: string; url: string; status: string; durationSeconds?: number | undefined }): Promise<void> {
    await this.db.query(
      `insert into recordings (sid, call_sid, kind, department, entry_id, url, status, duration_seconds)
       values ($1, $2, 'conversation', $3, $4, $5, $6, $7)
       on conflict (sid) do update set
         -- A final status stays; a pause and its resume (in-progress again) follow each other.
         status = case when recordings.status in ('completed', 'absent', 'failed') then recordings.status else excluded.status end,
         duration_seconds = coalesce(excluded.duration_seconds, recordings.duration_seconds),
         updated_at = now()`,
      [r.sid, r.callSid, r.department, r.entryId, r.url, r.status, r.durationSeconds ?? null],
    );
  }

  /**
   * Twilio's recording status: in-progress, then completed, absent or failed. A final status is never
   * moved back to in-progress by a late or repeated callback.
   */
  async applyStatus(r: { sid: string; callSid: string; url: string; status: string; durationSeconds?: number | undefined }): Promise<RecordingWrite> {
    const rows = await this.db.query(
      `insert into recordings (sid, call_sid, url, status, duration_seconds)
       values ($1, $2, $3, $4, $5)
       on conflict (sid) do update set
         status = case when excluded.status = 'in-progress' then recordings.status else excluded.status end,
         duration_seconds = coalesce(recordings.duration_seconds, excluded.duration_seconds),
         updated_at = now()
       where recordings.call_sid = excluded.call_sid
       returning sid`,
      [r.sid, r.callSid, r.url, r.status, r.durationSeconds ?? null],
    );
    return rows.length > 0 ? "applied" : this.notApplied(r.sid, r.callSid);
  }

  async applyTranscription(t: {
    recordingSid: string;
    callSid: string;
    recordingUrl: string;
    transcriptionSid?: string | undefined;
    status: string;
    text?: string | undefined;
    node?: string | undefined;
  }): Promise<RecordingWrite> {
    const rows = await this.db.query(
      `insert into recordings (sid, call_sid, url, node, transcription_sid, transcription_status, transcription_text)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (sid) do update set
         transcription_sid = coalesce(excluded.transcription_sid, recordings.transcription_sid),
         transcription_status = excluded.transcription_status,
         transcription_text = coalesce(excluded.transcription_text, recordings.transcription_text),
         updated_at = now()
       where recordings.call_sid = excluded.call_sid
         and (coalesce(excluded.transcription_sid, recordings.transcription_sid), excluded.transcription_status,
              coalesce(excluded.transcription_text, recordings.transcription_text))
           is distinct from (recordings.transcription_sid, recordings.transcription_status, recordings.transcription_text)
       returning sid`,
      [t.recordingSid, t.callSid, t.recordingUrl, t.node ?? null, t.transcriptionSid ?? null, t.status, t.text ?? null],
    );
    return rows.length > 0 ? "applied" : this.notApplied(t.recordingSid, t.callSid);
  }

  /** Why an upsert changed nothing: the recording is another call's, or the same thing came again. */
  private async notApplied(sid: string, callSid: string): Promise<RecordingWrite> {
    const [row] = await this.db.query<{ callSid: string }>(`select call_sid as "callSid" from recordings where sid = $1`, [sid]);
    return row && row.callSid !== callSid ? "other-call" : "unchanged";
  }

  async get(sid: string): Promise<RecordingRow | undefined> {
    const [row] = await this.db.query<RecordingRow>(`select ${COLUMNS} from recordings r where r.sid = $1`, [sid]);
    return row;
  }

  async forCall(callSid: string): Promise<RecordingRow[]> {
    return this.db.query<RecordingRow>(`select ${COLUMNS} from recordings r where r.call_sid = $1 order by r.created_at`, [callSid]);
  }

  /** Voicemails, new (not handled) or handled, newest first. */
  async voicemails(handled: boolean, limit: number): Promise<VoicemailRow[]> {
    return this.db.query<VoicemailRow>(
      `select ${VOICEMAIL_COLUMNS}
       from recordings r join calls c on c.sid = r.call_sid
       where r.kind = 'voicemail' and (r.handled_at is not null) = $1
       order by r.created_at desc limit $2`,
      [handled, limit],
    );
  }

  async voicemail(sid: string): Promise<VoicemailRow | undefined> {
    const [row] = await this.db.query<VoicemailRow>(
      `select ${VOICEMAIL_COLUMNS}
       from recordings r join calls c on c.sid = r.call_sid where r.sid = $1 and r.kind = 'voicemail'`,
      [sid],
    );
    return row;
  }

  /** Marks a voicemail handled (or new again). Returns false for an unknown voicemail. */
  async setHandled(sid: string, handled: boolean, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update recordings set handled_at = case when $2::boolean then coalesce(handled_at, $3) else null end, updated_at = $3
       where sid = $1 and kind = 'voicemail' returning sid`,
      [sid, handled, now],
    );
    return rows.length > 0;
  }

  async calledBack(sid: string, callSid: string, now: Date): Promise<void> {
    await this.db.query("update recordings set called_back_at = $3, callback_call_sid = $2, updated_at = $3 where sid = $1", [sid, callSid, now]);
  }

  /** Voicemails left on calls that began in [from, to). */
  async countVoicemails(from: Date, to: Date): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `select count(*)::int as n from recordings r join calls c on c.sid = r.call_sid
       where r.kind = 'voicemail' and c.started_at >= $1 and c.started_at < $2`,
      [from, to],
    );
    return row?.n ?? 0;
  }
}
