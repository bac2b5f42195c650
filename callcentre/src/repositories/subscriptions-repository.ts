// Daily-forecast subscriptions and each day's delivery. A delivery is unique per subscription and
// local date; claiming one for sending is a single conditional update, so two workers (or two
// instances) can never both send it.
import type { Queryable } from "../db/database.js";

export interface SubscriptionRow {
  id: number;
  number: string;
  fromNumber: string;
  placeName: string;
  placeLabel: string;
  latitude: number;
  longitude: number;
  timezone: string;
  sendTime: string;
  nextSendAt: Date;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: string | null;
  optedOut: boolean;
}

const COLUMNS = `s.id::int as id, s.number, s.from_number as "fromNumber", s.place_name as "placeName",
  s.place_label as "placeLabel", s.latitude, s.longitude, s.timezone, s.send_time as "sendTime",
  s.next_send_at as "nextSendAt", s.created_at as "createdAt", s.updated_at as "updatedAt",
  s.cancelled_at as "cancelledAt", s.cancel_reason as "cancelReason",
  exists (select 1 from sms_contacts c where c.number = s.number and c.opted_out_at is not null) as "optedOut"`;

export type DeliveryStatus = "queued" | "sending" | "sent" | "skipped" | "failed";

export interface DeliveryRow {
  id: number;
  subscriptionId: number;
  localDate: string;
  dueAt: Date;
  status: DeliveryStatus;
  attempts: number;
  body: string | null;
  messageSid: string | null;
  reason: string | null;
}

const DELIVERY_COLUMNS = `d.id::int as id, d.subscription_id::int as "subscriptionId", to_char(d.local_date, 'YYYY-MM-DD') as "localDate",
  d.due_at as "dueAt", d.status, d.attempts, d.body, d.message_sid as "messageSid", d.reason`;

export type NewSubscription = Pick<
  SubscriptionRow,
  "number" | "fromNumber" | "placeName" | "placeLabel" | "latitude" | "longitude" | "timezone" | "sendTime" | "nextSendAt"
>;

export interface DueDelivery {
  subscriptionId: number;
  localDate: string;
  dueAt: Date;
}

export class SubscriptionsRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): SubscriptionsRepository {
    return new SubscriptionsRepository(tx);
  }

  /** Creates or replaces the number's subscription (and reactivates a cancelled one). */
  async upsert(s: NewSubscription, now: Date): Promise<SubscriptionRow> {
    await this.db.query(
      `insert into subscriptions (number, from_number, place_name, place_label, latitude, longitude, timezone, send_time,
         next_send_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       on conflict (number) do update set from_number = $2, place_name = $3, place_label = $4, latitude = $5,
         longitude = $6, timezone = $7, send_time = $8, next_send_at = $9, updated_at = $10,
         cancelled_at = null, cancel_reason = null`,
      [s.number, s.fromNumber, s.placeName, s.placeLabel, s.latitude, s.longitude, s.timezone, s.sendTime, s.nextSendAt, now],
    );
    const row = await this.byNumber(s.number);
    if (!row) throw new Error("subscription vanished after upsert");
    return row;
  }

  async byNumber(number: string): Promise<SubscriptionRow | undefined> {
    const [row] = await this.db.query<SubscriptionRow>(`select ${COLUMNS} from subscriptions s where s.number = $1`, [number]);
    return row;
  }

  async get(id: number): Promise<SubscriptionRow | undefined> {
    const [row] = await this.db.query<SubscriptionRow>(`select ${COLUMNS} from subscriptions s where s.id = $1`, [id]);
    return row;
  }

  /** Every subscription: active ones by next send, then cancelled ones, most recent first. */
  async list(limit: number): Promise<SubscriptionRow[]> {
    return this.db.query<SubscriptionRow>(
      `select ${COLUMNS} from subscriptions s
       order by s.cancelled_at is not null, s.next_send_at, s.cancelled_at desc limit $1`,
      [limit],
    );
  }

  /** Cancels the number's subscription; false when it had none active. */
  async cancel(number: string, reason: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update subscriptions set cancelled_at = $2, cancel_reason = $3, updated_at = $2
       where number = $1 and cancelled_at is null returning id`,
      [number, now, reason],
    );
    return rows.length > 0;
  }

  /** Active subscriptions due at `now`, locked for this transaction (others skip them). */
  async lockDue(now: Date, limit: number): Promise<SubscriptionRow[]> {
    return this.db.query<SubscriptionRow>(
      `select ${COLUMNS} from subscriptions s
       where s.cancelled_at is null and s.next_send_at <= $1
       order by s.next_send_at, s.id limit $2 for update of s skip locked`,
      [now, limit],
    );
  }

  /** Active subscriptions after `afterId`, in id order (for a broadcast), locked for this transaction. */
  async lockActive(afterId: number, limit: number): Promise<SubscriptionRow[]> {
    return this.db.query<SubscriptionRow>(
      `select ${COLUMNS} from subscriptions s where s.cancelled_at is null and s.id > $1
       order by s.id limit $2 for update of s skip locked`,
      [afterId, limit],
    );
  }

  async setNextSendAt(updates: { id: number; nextSendAt: Date }[], now: Date): Promise<void> {
    if (updates.length === 0) return;
    await this.db.query(
      `update subscriptions s set next_send_at = u.next, updated_at = $3
       from unnest($1::bigint[], $2::timestamptz[]) as u(id, next) where s.id = u.id`,
      [updates.map((u) => u.id), updates.map((u) => u.nextSendAt.toISOString()), now],
    );
  }

  async earliestDue(): Promise<Date | undefined> {
    const [row] = await this.db.query<{ at: Date | null }>("select min(next_send_at) as at from subscriptions where cancelled_at is null");
    return row?.at ?? undefined;
  }

  /** Creates the deliveries that do not exist yet; returns the ids of those created now. */
  async addDeliveries(deliveries: DueDelivery[], now: Date): Promise<number[]> {
    if (deliveries.length === 0) return [];
    const rows = await this.db.query<{ id: number }>(
      `insert into forecast_deliveries (subscription_id, local_date, due_at, created_at, updated_at)
       select u.sub, u.day, u.due, $4, $4 from unnest($1::bigint[], $2::date[], $3::timestamptz[]) as u(sub, day, due)
       on conflict (subscription_id, local_date) do nothing
       returning id::int as id`,
      [
        deliveries.map((d) => d.subscriptionId),
        deliveries.map((d) => d.localDate),
        deliveries.map((d) => d.dueAt.toISOString()),
        now,
      ],
    );
    return rows.map((row) => row.id);
  }

  async delivery(id: number): Promise<DeliveryRow | undefined> {
    const [row] = await this.db.query<DeliveryRow>(`select ${DELIVERY_COLUMNS} from forecast_deliveries d where d.id = $1`, [id]);
    return row;
  }

  async deliveriesFor(subscriptionId: number): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `select ${DELIVERY_COLUMNS} from forecast_deliveries d where d.subscription_id = $1 order by d.local_date`,
      [subscriptionId],
    );
  }

  /**
   * Takes a delivery for an attempt. Returns the row and the status it had: "queued" (never tried or
   * released), or "sending" when an earlier attempt outlived its lease (it may have reached Twilio).
   * Undefined when it is finished or another attempt holds it.
   */
  async claim(id: number, leaseMs: number): Promise<{ delivery: DeliveryRow; previous: DeliveryStatus } | undefined> {
    const [row] = await this.db.query<DeliveryRow & { previous: DeliveryStatus }>(
      `with prev as (select id, status from forecast_deliveries where id = $1 for update)
       update forecast_deliveries d set status = 'sending', attempts = d.attempts + 1, updated_at = now()
       from prev
       where d.id = prev.id and (prev.status = 'queued' or (prev.status = 'sending' and d.updated_at < now() - ($2::int * interval '1 millisecond')))
       returning ${DELIVERY_COLUMNS}, prev.status as previous`,
      [id, leaseMs],
    );
    if (!row) return undefined;
    const { previous, ...delivery } = row;
    return { delivery, previous };
  }

  /** Keeps the text about to be sent, so that a later attempt can find it in Twilio's log. */
  async setBody(id: number, body: string): Promise<void> {
    await this.db.query("update forecast_deliveries set body = $2, updated_at = now() where id = $1", [id, body]);
  }

  async finish(id: number, status: Exclude<DeliveryStatus, "queued" | "sending">, fields: { messageSid?: string; reason?: string }): Promise<void> {
    await this.db.query(
      `update forecast_deliveries set status = $2, message_sid = coalesce($3, message_sid), reason = $4, updated_at = now()
       where id = $1`,
      [id, status, fields.messageSid ?? null, fields.reason ?? null],
    );
  }

  /** Gives a delivery back for a later attempt (Twilio refused it for now: nothing was sent). */
  async release(id: number, reason: string): Promise<void> {
    await this.db.query("update forecast_deliveries set status = 'queued', reason = $2, updated_at = now() where id = $1 and status = 'sending'", [
      id,
      reason,
    ]);
  }

  /** Deliveries held by an attempt longer than the lease: the attempt died with its process. */
  async stale(leaseMs: number, limit: number): Promise<number[]> {
    const rows = await this.db.query<{ id: number }>(
      `select id::int as id from forecast_deliveries
       where status = 'sending' and updated_at < now() - ($1::int * interval '1 millisecond')
       order by id limit $2`,
      [leaseMs, limit],
    );
    return rows.map((row) => row.id);
  }

  /** When the oldest lease held now ends (database time), if any delivery is being sent. */
  async earliestLeaseEnd(leaseMs: number): Promise<Date | undefined> {
    const [row] = await this.db.query<{ at: Date | null }>(
      `select min(updated_at) + ($1::int * interval '1 millisecond') as at from forecast_deliveries
       where status = 'sending'`,
      [leaseMs],
    );
    return row?.at ?? undefined;
  }

  async countByStatus(localDates: string[]): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.db.query<{ status: DeliveryStatus; n: number }>(
      "select status, count(*)::int as n from forecast_deliveries where local_date = any($1::date[]) group by status",
      [localDates],
    );
    const counts: Record<DeliveryStatus, number> = { queued: 0, sending: 0, sent: 0, skipped: 0, failed: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
}
