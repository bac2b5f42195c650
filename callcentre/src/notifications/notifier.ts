// Sends the notices kept in the notifications table through Twilio's Messages API. Each notice is
// written before it is sent; a failed attempt stays pending and is tried again by the periodic sweep
// (and at start), except when Twilio rejects it for good (a 4xx such as 21211 or 21610).
import type { FastifyBaseLogger } from "fastify";
import { maskPhone } from "../lib/phone.js";
import type { NotificationsRepository } from "../repositories/notifications-repository.js";
import type { TwilioClient } from "../twilio-client.js";

const MAX_ATTEMPTS = 8;

export class Notifier {
  private readonly inFlight = new Set<Promise<void>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly twilio: TwilioClient,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts delivering a notice in the background; the webhook that created it does not wait. */
  deliverSoon(id: number): void {
    const delivery = this.deliver(id).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  async deliver(id: number): Promise<void> {
    const notice = await this.notifications.claim(id);
    if (!notice) return; // sent already, or being sent by another delivery
    try {
      const message = await this.twilio.messages.create({ to: notice.to, from: notice.from, body: notice.body });
      await this.notifications.markSent(id, message.sid);
      this.log.info({ notification: id, messageSid: message.sid, to: maskPhone(notice.to) }, "notification sent");
    } catch (error) {
      const status = (error as { status?: number }).status;
      const code = (error as { code?: number }).code;
      const final = (status !== undefined && status >= 400 && status < 500 && status !== 429) || notice.attempts + 1 >= MAX_ATTEMPTS;
      const reason = `${code ?? status ?? ""} ${(error as Error).message}`.trim();
      await this.notifications.markAttemptFailed(id, reason, final).catch((dbError: unknown) => {
        this.log.error({ err: dbError, notification: id }, "could not record a failed notification attempt");
      });
      this.log.warn({ notification: id, to: maskPhone(notice.to), code, status, final }, "notification not sent");
    }
  }

  /** Tries every pending notice once. */
  async deliverPending(): Promise<void> {
    for (const notice of await this.notifications.pending()) this.deliverSoon(notice.id);
    await this.idle();
  }

  startSweeping(everyMs = 60_000): void {
    this.sweepTimer = setInterval(() => {
      this.deliverPending().catch((error: unknown) => this.log.error({ err: error }, "notification sweep failed"));
    }, everyMs);
    this.sweepTimer.unref();
  }

  /** Resolves when no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.idle();
  }
}
