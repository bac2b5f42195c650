// Every text message in and out. Status callbacks only move a message forward (status_rank), so a
// repeated or late callback changes nothing; an inbound message repeated by Twilio is stored once.
import type { Queryable } from "../db/database.js";

export const MESSAGE_STATUSES = [
  "queued",
  "accepted",
  "scheduled",
  "sending",
  "sent",
  "receiving",
  "received",
  "delivered",
  "undelivered",
  "failed",
  "canceled",
  "partially_delivered",
  "read",
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export function messageStatusRank(status: MessageStatus): number {
  switch (status) {
    case "queued":
    case "accepted":
    case "scheduled":
      return 0;
    case "sending":
    case "receiving":
      return 1;
    case "sent":
      return 2;
    case "read":
      return 4;
    default:
      return 3;
  }
}

export type MessageDirection = "inbound" | "outbound-api" | "outbound-reply";

export interface MessageRow {
  id: number;
  sid: string | null;
  direction: MessageDirection;
  from: string;
  to: string;
  contact: string;
  body: string;
  numMedia: number;
  numSegments: number | null;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  kind: string;
  handledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id::int as id, sid, direction, from_number as "from", to_number as "to", contact, body,
  num_media as "numMedia", num_segments as "numSegments", status, error_code as "errorCode",
  error_message as "errorMessage", kind, handled_at as "handledAt", created_at as "createdAt", updated_at as "updatedAt"`;

/** One row per number we have texted with: its last message, and its inbox messages not yet handled. */
export interface ConversationRow {
  contact: string;
  messages: number;
  unhandled: number;
  lastBody: string;
  lastDirection: MessageDirection;
  lastAt: Date;
}

export interface NewMessage {
  sid?: string | null | undefined;
  direction: MessageDirection;
  from: string;
  to: string;
  body: string;
  status: MessageStatus;
  kind: string;
  numMedia?: number;
  numSegments?: number | null;
  /** The inbound message this one answers; a second reply to the same message is not stored. */
  inReplyTo?: number | undefined;
}

export class MessagesRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): MessagesRepository {
    return new MessagesRepository(tx);
  }

  /**
   * Stores a message. Returns undefined, storing nothing, for a SID already stored (a repeated
   * webhook) or a second reply to the same message.
   */
  async add(m: NewMessage, now: Date): Promise<number | undefined> {
    const contact = m.direction === "inbound" ? m.from : m.to;
    const [row] = await this.db.query<{ id: number }>(
      `insert into messages (sid, direction, from_number, to_number, contact, body, num_media, num_segments, status, status_rank,
         kind, in_reply_to, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
       on conflict do nothing returning id::int as id`,
      [
        m.sid ?? null,
        m.direction,
        m.from,
        m.to,
        contact,
        m.body,
        m.numMedia ?? 0,
        m.numSegments ?? null,
        m.status,
        messageStatusRank(m.status),
        m.kind,
        m.inReplyTo ?? null,
        now,
      ],
    );
    return row?.id;
  }

  async setKind(id: number, kind: string): Promise<void> {
    await this.db.query("update messages set kind = $2 where id = $1", [id, kind]);
  }

  /** Names the SID Twilio gave a message we stored before sending it. */
  async setSid(id: number, sid: string, status: MessageStatus, numSegments?: number): Promise<void> {
    await this.db.query(
      `update messages set sid = $2, status = $3, status_rank = greatest(status_rank, $4), num_segments = coalesce($5, num_segments)
       where id = $1`,
      [id, sid, status, messageStatusRank(status), numSegments ?? null],
    );
  }

  async markFailed(id: number, errorCode: number, errorMessage: string, now: Date): Promise<void> {
    await this.db.query(
      "update messages set status = 'failed', status_rank = 3, error_code = $2, error_message = $3, updated_at = $4 where id = $1",
      [id, errorCode, errorMessage.slice(0, 500), now],
    );
  }

  /** Removes a message stored for sending that Twilio never accepted (so that a retry may send it). */
  async forgetUnsent(id: number): Promise<void> {
    await this.db.query("delete from messages where id = $1 and sid is null", [id]);
  }

  async replyTo(inboundId: number): Promise<MessageRow | undefined> {
    const [row] = await this.db.query<MessageRow>(`select ${COLUMNS} from messages where in_reply_to = $1`, [inboundId]);
    return row;
  }

  async get(id: number): Promise<MessageRow | undefined> {
    const [row] = await this.db.query<MessageRow>(`select ${COLUMNS} from messages where id = $1`, [id]);
    return row;
  }

  async bySid(sid: string): Promise<MessageRow | undefined> {
    const [row] = await this.db.query<MessageRow>(`select ${COLUMNS} from messages where sid = $1`, [sid]);
    return row;
  }

  async conversation(contact: string, limit = 100): Promise<MessageRow[]> {
    return this.db.query<MessageRow>(`select ${COLUMNS} from messages where contact = $1 order by created_at, id limit $2`, [contact, limit]);
  }

  /**
   * Applies a status callback. `replyId` identifies a TwiML reply, whose SID we learn from its first
   * callback. Returns false when no stored message matches.
   */
  async applyStatus(
    s: { sid: string; status: MessageStatus; errorCode?: number | undefined; errorMessage?: string | undefined; replyId?: number | undefined },
    now: Date,
  ): Promise<boolean> {
    if (s.replyId !== undefined) {
      await this.db.query("update messages set sid = $2 where id = $1 and sid is null and direction = 'outbound-reply'", [s.replyId, s.sid]);
    }
    const rows = await this.db.query(
      `update messages set
         status = case when status_rank < $3 then $2 else status end,
         status_rank = greatest(status_rank, $3),
         error_code = coalesce($4, error_code),
         error_message = coalesce($5, error_message),
         updated_at = $6
       where sid = $1
       returning id`,
      [s.sid, s.status, messageStatusRank(s.status), s.errorCode ?? null, s.errorMessage ?? null, now],
    );
    return rows.length > 0;
  }

  async inbox(limit = 100): Promise<MessageRow[]> {
    return this.db.query<MessageRow>(
      `select ${COLUMNS} from messages where kind = 'inbox' order by handled_at is not null, created_at desc limit $1`,
      [limit],
    );
  }

  async conversations(limit: number): Promise<ConversationRow[]> {
    return this.db.query<ConversationRow>(
      `select m.contact, c.messages, c.unhandled, m.body as "lastBody", m.direction as "lastDirection", m.created_at as "lastAt"
       from (select contact, count(*)::int as messages,
               (count(*) filter (where kind = 'inbox' and handled_at is null))::int as unhandled, max(id) as last_id
             from messages group by contact) c
       join messages m on m.id = c.last_id
       order by m.created_at desc, m.id desc limit $1`,
      [limit],
    );
  }

  /** Marks an inbox message dealt with (or not). Returns false when there is no such inbox message. */
  async setHandled(id: number, handled: boolean, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update messages set handled_at = case when $2::boolean then coalesce(handled_at, $3) else null end
       where id = $1 and kind = 'inbox' returning id`,
      [id, handled, now],
    );
    return rows.length > 0;
  }

  /** Messages in and out in [from, to). */
  async countBetween(from: Date, to: Date): Promise<{ inbound: number; outbound: number }> {
    const [row] = await this.db.query<{ inbound: number; outbound: number }>(
      `select (count(*) filter (where direction = 'inbound'))::int as inbound,
              (count(*) filter (where direction <> 'inbound'))::int as outbound
       from messages where created_at >= $1 and created_at < $2`,
      [from, to],
    );
    return row ?? { inbound: 0, outbound: 0 };
  }
}
