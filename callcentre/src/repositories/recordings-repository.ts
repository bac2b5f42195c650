// Recordings (voicemail) and their transcriptions. Twilio's recording action, recording status
// callback and transcription callback may arrive in any order and more than once: each is an upsert
// that only fills in what it knows.
import type { Queryable } from "../db/database.js";

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
}

const COLUMNS = `sid, call_sid as "callSid", kind, node, department, url, duration_seconds as "durationSeconds",
  status, finished_by as "finishedBy", transcription_sid as "transcriptionSid",
  transcription_status as "transcriptionStatus", transcription_text as "transcriptionText"`;

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
  }): Promise<void> {
    await this.db.query(
      `insert into recordings (sid, call_sid, kind, node, department, url, duration_seconds, finished_by)
       values ($1, $2, 'voicemail', $3, $4, $5, $6, $7)
       on conflict (sid) do update set
         node = excluded.node,
         department = coalesce(excluded.department, recordings.department),
         url = excluded.url,
         duration_seconds = excluded.duration_seconds,
         finished_by = coalesce(excluded.finished_by, recordings.finished_by),
         updated_at = now()`,
      [v.sid, v.callSid, v.node, v.department ?? null, v.url, v.durationSeconds, v.finishedBy ?? null],
    );
  }

  async applyStatus(r: { sid: string; callSid: string; url: string; status: string; durationSeconds?: number | undefined }) {
    await this.db.query(
      `insert into recordings (sid, call_sid, url, status, duration_seconds)
       values ($1, $2, $3, $4, $5)
       on conflict (sid) do update set
         status = excluded.status,
         duration_seconds = coalesce(recordings.duration_seconds, excluded.duration_seconds),
         updated_at = now()`,
      [r.sid, r.callSid, r.url, r.status, r.durationSeconds ?? null],
    );
  }

  async applyTranscription(t: {
    recordingSid: string;
    callSid: string;
    recordingUrl: string;
    transcriptionSid?: string | undefined;
    status: string;
    text?: string | undefined;
    node?: string | undefined;
  }) {
    await this.db.query(
      `insert into recordings (sid, call_sid, url, node, transcription_sid, transcription_status, transcription_text)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (sid) do update set
         transcription_sid = coalesce(excluded.transcription_sid, recordings.transcription_sid),
         transcription_status = excluded.transcription_status,
         transcription_text = coalesce(excluded.transcription_text, recordings.transcription_text),
         updated_at = now()`,
      [t.recordingSid, t.callSid, t.recordingUrl, t.node ?? null, t.transcriptionSid ?? null, t.status, t.text ?? null],
    );
  }

  async get(sid: string): Promise<RecordingRow | undefined> {
    const [row] = await this.db.query<RecordingRow>(`select ${COLUMNS} from recordings where sid = $1`, [sid]);
    return row;
  }

  async forCall(callSid: string): Promise<RecordingRow[]> {
    return this.db.query<RecordingRow>(`select ${COLUMNS} from recordings where call_sid = $1 order by created_at`, [callSid]);
  }
}
