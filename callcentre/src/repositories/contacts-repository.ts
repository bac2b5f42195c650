// The people who text us: whether they opted out (no message of ours may go to them), when they were
// last sent an automatic acknowledgement, and any choice of places we are waiting for them to make.
import type { Queryable } from "../db/database.js";
import type { Place } from "../weather/open-meteo.js";

export interface PendingChoice {
  command: "weather" | "subscribe";
  /** For subscribe: the send time asked for (HH:MM). */
  time?: string | undefined;
  places: Place[];
  offeredAt: string;
}

export interface ContactRow {
  number: string;
  optedOutAt: Date | null;
  optedInAt: Date | null;
  lastAckAt: Date | null;
  pendingChoice: PendingChoice | null;
}

const COLUMNS = `number, opted_out_at as "optedOutAt", opted_in_at as "optedInAt", last_ack_at as "lastAckAt",
  pending_choice as "pendingChoice"`;

export class ContactsRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): ContactsRepository {
    return new ContactsRepository(tx);
  }

  async get(number: string): Promise<ContactRow | undefined> {
    const [row] = await this.db.query<ContactRow>(`select ${COLUMNS} from sms_contacts where number = $1`, [number]);
    return row;
  }

  async isOptedOut(number: string): Promise<boolean> {
    const [row] = await this.db.query<{ out: boolean }>(
      "select opted_out_at is not null as out from sms_contacts where number = $1",
      [number],
    );
    return row?.out ?? false;
  }

  async optOut(number: string, now: Date): Promise<void> {
    await this.db.query(
      `insert into sms_contacts (number, opted_out_at, created_at, updated_at) values ($1, $2, $2, $2)
       on conflict (number) do update set opted_out_at = coalesce(sms_contacts.opted_out_at, $2), pending_choice = null, updated_at = $2`,
      [number, now],
    );
  }

  async optIn(number: string, now: Date): Promise<void> {
    await this.db.query(
      `insert into sms_contacts (number, opted_in_at, created_at, updated_at) values ($1, $2, $2, $2)
       on conflict (number) do update set opted_out_at = null, opted_in_at = $2, updated_at = $2`,
      [number, now],
    );
  }

  /**
   * Takes the right to acknowledge an inbox message: true at most once per `windowMs` per number,
   * however many messages arrive together (one statement, so concurrent webhooks cannot both win).
   */
  async claimAck(number: string, now: Date, windowMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `insert into sms_contacts (number, last_ack_at, created_at, updated_at) values ($1, $2, $2, $2)
       on conflict (number) do update set last_ack_at = $2, updated_at = $2
         where sms_contacts.last_ack_at is null or sms_contacts.last_ack_at <= $3
       returning number`,
      [number, now, new Date(now.getTime() - windowMs)],
    );
    return rows.length > 0;
  }

  async setPendingChoice(number: string, choice: PendingChoice | null, now: Date): Promise<void> {
    await this.db.query(
      `insert into sms_contacts (number, pending_choice, created_at, updated_at) values ($1, $2, $3, $3)
       on conflict (number) do update set pending_choice = $2, updated_at = $3`,
      [number, choice === null ? null : JSON.stringify(choice), now],
    );
  }

  /** Numbers opted out of our texts, most recent first. */
  async optedOut(limit: number): Promise<ContactRow[]> {
    return this.db.query<ContactRow>(
      `select ${COLUMNS} from sms_contacts where opted_out_at is not null order by opted_out_at desc limit $1`,
      [limit],
    );
  }
}
