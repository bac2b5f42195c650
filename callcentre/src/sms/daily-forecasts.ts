// Daily forecasts, sent by the application through the REST API at each subscriber's local time.
//
// Exactly once per subscriber per local day:
// - dispatch turns due subscriptions into forecast_deliveries rows (unique per subscription and day)
//   and inserts their jobs in the same transaction, then moves each subscription to its next time;
// - a send claims its row (one conditional update), keeps the text it is about to send, sends, and
//   records the SID; a row left "sending" by a crash is checked against Twilio's message log before
//   anyone sends it again;
// - a row left "sending" past its lease (its process died mid-send) is given a new job; the claim
//   makes that harmless. A "queued" row always has its job: both are written in one transaction.
import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/database.js";
import { QUEUES, type JobContext, type Jobs } from "../jobs/jobs.js";
import type { Clock } from "../lib/clock.js";
import { maskPhone } from "../lib/phone.js";
import type { RateLimiter } from "../lib/rate-limiter.js";
import type { MessagesRepository } from "../repositories/messages-repository.js";
import type { DeliveryRow, DueDelivery, SubscriptionRow, SubscriptionsRepository } from "../repositories/subscriptions-repository.js";
import type { TwilioClient } from "../twilio-client.js";
import { forecastMessage } from "../weather/format.js";
import { WeatherUnavailableError, type OpenMeteo } from "../weather/open-meteo.js";
import { localDate, nextOccurrence } from "./schedule.js";
import { SMS_STATUS } from "../flows/paths.js";
import type { SmsService } from "./sms-service.js";

export interface DailyForecastsDeps {
  db: Database;
  subscriptions: SubscriptionsRepository;
  messages: MessagesRepository;
  weather: Pick<OpenMeteo, "forecast">;
  jobs: Jobs;
  twilio: TwilioClient;
  limiter: RateLimiter;
  sms: Pick<SmsService, "optedOutByTwilio">;
  clock: Clock;
  publicBaseUrl: string;
  log: FastifyBaseLogger;
  /** How long an attempt holds a delivery (SMS_SEND_LEASE_SECONDS); LEASE_MS by default. */
  leaseMs?: number;
}

/** Subscriptions handled per transaction by dispatch and broadcast. */
const BATCH = 1000;
/** Network errors raised before a request could reach Twilio: nothing was sent. */
const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** A forecast more than this late (the service was down at send time) is skipped, not sent at noon. */
export const MAX_LATENESS_MS = 3 * 60 * 60_000;
/** How long an attempt holds a delivery before another may take it over (and check Twilio first). */
export const LEASE_MS = 2 * 60_000;

export interface SendJob {
  deliveryId: number;
}

const sendJobs = (deliveryIds: number[]) => deliveryIds.map((deliveryId) => ({ name: QUEUES.forecastSend, data: { deliveryId } }));

export class DailyForecasts {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  readonly leaseMs: number;

  constructor(private readonly deps: DailyForecastsDeps) {
    this.leaseMs = deps.leaseMs ?? LEASE_MS;
  }

  /** Turns every due subscription into a delivery and its job. Returns the number of deliveries created. */
  async dispatchDue(): Promise<number> {
    let created = 0;
    for (;;) {
      const now = this.deps.clock();
      const { locked, ids } = await this.deps.db.transaction(async (tx) => {
        const subscriptions = this.deps.subscriptions.with(tx);
        const due = await subscriptions.lockDue(now, BATCH);
        const deliveries: DueDelivery[] = [];
        for (const s of due) {
          const late = now.getTime() - s.nextSendAt.getTime() > MAX_LATENESS_MS;
          if (late) this.deps.log.warn({ subscription: s.id, due: s.nextSendAt }, "daily forecast missed (service was down); skipped");
          else if (!s.optedOut) deliveries.push({ subscriptionId: s.id, localDate: localDate(s.nextSendAt, s.timezone), dueAt: s.nextSendAt });
        }
        const newIds = await subscriptions.addDeliveries(deliveries, now);
        await subscriptions.setNextSendAt(
          due.map((s) => ({ id: s.id, nextSendAt: nextOccurrence(s.sendTime, s.timezone, new Date(Math.max(now.getTime(), s.nextSendAt.getTime()))) })),
          now,
        );
        await this.deps.jobs.enqueue(sendJobs(newIds), tx);
        return { locked: due.length, ids: newIds };
      });
      created += ids.length;
      if (locked < BATCH) break;
    }
    if (created > 0) {
      this.deps.jobs.notify(QUEUES.forecastSend);
      this.deps.log.info({ deliveries: created }, "daily forecasts due");
    }
    return created;
  }

  /**
   * Today's forecast for every active subscriber, now (`npm run broadcast`). A subscriber who has had
   * today's already is not sent another. Returns how many subscribers and deliveries, and the local
   * dates concerned (for progress).
   */
  async broadcast(onBatch?: (subscribers: number) => void): Promise<{ subscribers: number; queued: number; dates: string[] }> {
    let afterId = 0;
    let subscribers = 0;
    let queued = 0;
    const dates = new Set<string>();
    for (;;) {
      const now = this.deps.clock();
      const batch = await this.deps.db.transaction(async (tx) => {
        const subscriptions = this.deps.subscriptions.with(tx);
        const active = (await subscriptions.lockActive(afterId, BATCH)).filter((s) => !s.optedOut);
        const deliveries = active.map((s) => ({ subscriptionId: s.id, localDate: localDate(now, s.timezone), dueAt: now }));
        const ids = await subscriptions.addDeliveries(deliveries, now);
        await this.deps.jobs.enqueue(sendJobs(ids), tx);
        return { active, deliveries, ids };
      });
      for (const d of batch.deliveries) dates.add(d.localDate);
      subscribers += batch.active.length;
      queued += batch.ids.length;
      onBatch?.(subscribers);
      const last = batch.active.at(-1);
      if (!last) break;
      afterId = last.id;
    }
    this.deps.jobs.notify(QUEUES.forecastSend);
    return { subscribers, queued, dates: [...dates] };
  }

  /** The forecast-send job. Throws to have pg-boss retry (with backoff) when Twilio or Open-Meteo may recover. */
  async deliver({ deliveryId }: SendJob, context: JobContext): Promise<void> {
    const { subscriptions, log } = this.deps;
    const claim = await subscriptions.claim(deliveryId, this.leaseMs);
    if (!claim) return; // finished already, or another attempt holds it
    const { delivery, previous } = claim;
    const sub = await subscriptions.get(delivery.subscriptionId);
    if (!sub || sub.cancelledAt) return subscriptions.finish(deliveryId, "skipped", { reason: sub?.cancelReason ?? "subscription cancelled" });
    if (sub.optedOut) return subscriptions.finish(deliveryId, "skipped", { reason: "opted out" });

    if (previous === "sending" && delivery.body) {
      const sid = await this.findInTwilioLog(sub, delivery);
      if (sid) {
        log.info({ delivery: deliveryId, messageSid: sid }, "daily forecast was sent by an earlier attempt");
        return this.recordSent(sub, delivery, delivery.body, sid, "sent");
      }
    }

    let body: string;
    try {
      const forecast = await this.deps.weather.forecast(sub);
      body = forecastMessage({ id: 0, name: sub.placeName, latitude: sub.latitude, longitude: sub.longitude, timezone: sub.timezone }, forecast);
    } catch (error) {
      if (!(error instanceof WeatherUnavailableError)) throw error;
      if (context.lastAttempt) return subscriptions.finish(deliveryId, "failed", { reason: `forecast unavailable: ${error.message}` });
      await subscriptions.release(deliveryId, `forecast unavailable: ${error.message}`);
      throw error;
    }
    await subscriptions.setBody(deliveryId, body);
    await this.deps.limiter.take();
    try {
      const sent = await this.deps.twilio.messages.create({
        to: sub.number,
        from: sub.fromNumber,
        body,
        statusCallback: `${this.deps.publicBaseUrl}${SMS_STATUS}`,
      });
      await this.recordSent(sub, delivery, body, sent.sid, (sent.status as "queued") ?? "queued");
      log.info({ delivery: deliveryId, messageSid: sent.sid, to: maskPhone(sub.number) }, "daily forecast sent");
    } catch (error) {
      const status = (error as { status?: number }).status;
      const code = (error as { code?: number | string }).code;
      const reason = `${code ?? status ?? "network"}: ${(error as Error).message}`.slice(0, 300);
      if (code === 21610) {
        await subscriptions.finish(deliveryId, "skipped", { reason: "opted out (21610)" });
        await this.deps.sms.optedOutByTwilio(sub.number, this.deps.clock());
        return;
      }
      const retryable = status === undefined || status === 429 || status >= 500;
      if (!retryable || context.lastAttempt) {
        await subscriptions.finish(deliveryId, "failed", { reason });
        log.warn({ delivery: deliveryId, to: maskPhone(sub.number), code, status }, "daily forecast failed");
        return;
      }
      // A 429 or 5xx answer means Twilio did not take the message, and so does a connection that was
      // never made: give it back at once. With no answer at all (timeout, connection lost) it may
      // have: the row stays "sending" until its lease ends, and the next attempt looks in Twilio's log first.
      if (status !== undefined || NEVER_CONNECTED.has(String(code))) await subscriptions.release(deliveryId, reason);
      throw error;
    }
  }

  /**
   * Deliveries whose attempt died (left "sending" past the lease: a crash, a kill -9) get a new job.
   * The new attempt looks in Twilio's log before sending, so a message Twilio took is not sent twice.
   */
  async recoverStale(): Promise<number> {
    const ids = await this.deps.subscriptions.stale(this.leaseMs, BATCH);
    await this.deps.jobs.enqueue(sendJobs(ids));
    if (ids.length > 0) {
      this.deps.jobs.notify(QUEUES.forecastSend);
      this.deps.log.warn({ deliveries: ids.length }, "unfinished daily forecasts queued again");
    }
    return ids.length;
  }

  /**
   * Wakes at the earliest due subscription (at most a minute ahead) so that forecasts go out on the
   * minute; pg-boss's every-minute dispatch covers other instances' subscriptions and restarts.
   */
  startTimer(): void {
    this.running = true;
    void this.wake();
  }

  /** A subscription changed: look again at when the next one is due. */
  poke(): void {
    if (this.running) void this.wake();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private async wake(): Promise<void> {
    clearTimeout(this.timer);
    let waitMs = 60_000;
    try {
      await this.dispatchDue();
      await this.recoverStale();
      // Wake for the next subscription due, or for the end of a lease that may belong to a dead attempt.
      const due = await this.deps.subscriptions.earliestDue();
      const leaseEnd = await this.deps.subscriptions.earliestLeaseEnd(this.leaseMs);
      for (const at of [due, leaseEnd]) {
        if (at) waitMs = Math.min(waitMs, Math.max(at.getTime() - this.deps.clock().getTime(), 50));
      }
    } catch (error) {
      this.deps.log.error({ err: error }, "daily forecast dispatch failed");
    }
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.wake(), waitMs);
    this.timer.unref();
  }

  private async findInTwilioLog(sub: SubscriptionRow, delivery: DeliveryRow): Promise<string | undefined> {
    const recent = await this.deps.twilio.messages.list({ to: sub.number, from: sub.fromNumber, limit: 20 });
    return recent.find((m) => m.body === delivery.body)?.sid;
  }

  private async recordSent(sub: SubscriptionRow, delivery: DeliveryRow, body: string, sid: string, status: "queued" | "sent"): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      await this.deps.subscriptions.with(tx).finish(delivery.id, "sent", { messageSid: sid });
      await this.deps.messages.with(tx).add(
        { sid, direction: "outbound-api", from: sub.fromNumber, to: sub.number, body, status, kind: "daily-forecast" },
        now,
      );
    });
  }
}
