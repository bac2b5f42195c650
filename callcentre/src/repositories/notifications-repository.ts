// Messages this service sends on its own behalf (voicemail notices), kept before they are sent so
// that none is lost to a crash or an unreachable API, and recorded once however often triggered.
import type { Queryable } from "../db/database.js";

export interface NotificationRow {
  id: number;
  kind: string;
  subjectSid: string;
  to: string;
  from: string;
  body: string;
  status: "pending" | "sending" | "sent" | "failed";
  messageSid: string | null;
  attempts: number;
  lastError: string | null;
}

const COLUMNS = `id::int as id, kind, subject_sid as "subjectSid", to_number as "to", from_number as "from", body,
  status, message_sid as "messageSid", attempts, last_error as "lastError"`;

export class NotificationsRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): NotificationsRepository {
    return new NotificationsRepository(tx);
  }

  /** Records a notice; returns its id, or undefined when the same notice already exists. */
  async add(n: { kind: string; subjectSid: string; to: string; from: string; body: string }): Promise<number | undefined> {
    const [row] = await this.db.query<{ id: number }>(
      `insert into notifications (kind, subject_sid, to_number, from_number, body) values ($1, $2, $3, $4, $5)
       on conflict (kind, subject_sid, to_number) do nothing returning id::int as id`,
      [n.kind, n.subjectSid, n.to, n.from, n.body],
    );
    return row?.id;
  }

  async get(id: number): Promise<NotificationRow | undefined> {
    const [row] = await this.db.query<NotificationRow>(`select ${COLUMNS} from notifications where id = $1`, [id]);
    return row;
  }

  /**
   * Takes a notice for sending: only one sender (of any instance) gets it. A notice stuck in
   * "sending" for five minutes is taken to be abandoned by a crashed sender.
   */
  async claim(id: number): Promise<NotificationRow | undefined> {
    const [row] = await this.db.query<NotificationRow>(
      `update notifications set status = 'sending', updated_at = now()
       where id = $1 and (status = 'pending' or (status = 'sending' and updated_at < now() - interval '5 minutes'))
       returning ${COLUMNS}`,
      [id],
    );
    return row;
  }

  async forSubject(subjectSid: string): Promise<NotificationRow[]> {
    return this.db.query<NotificationRow>(`select ${COLUMNS} from notifications where subject_sid = $1 order by id`, [subjectSid]);
  }

  async markSent(id: number, messageSid: string): Promise<void> {
    await this.db.query(
      `update notifications set status = 'sent', message_sid = $2, attempts = attempts + 1, last_error = null, updated_at = now()
       where id = $1`,
      [id, messageSid],
    );
  }

  /** A failed attempt; `final` gives up (an error Twilio will not change its mind about). */
  async markAttemptFailed(id: number, error: string, final: boolean): Promise<void> {
    await this.db.query(
      `update notifications set status = case when $3::boolean then 'failed' else 'pending' end,
         attempts = attempts + 1, last_error = $2, updated_at = now()
       where id = $1`,
      [id, error.slice(0, 500), final],
    );
  }
}
