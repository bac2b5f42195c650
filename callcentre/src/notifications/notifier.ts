// Sends the notices kept in the notifications table through Twilio's Messages API, as the
// `notification-send` job. Each notice is written, with its job, in the transaction of the webhook
// that created it; the claim makes a repeated job harmless. A failed attempt is retried by pg-boss
// with backoff, except when Twilio rejects the notice for good (a 4xx such as 21211 or 21610).
import type { FastifyBaseLogger } from "fastify";
import type { JobContext } from "../jobs/jobs.js";
import { maskPhone } from "../lib/phone.js";
import type { NotificationsRepository } from "../repositories/notifications-repository.js";
import type { TwilioClient } from "../twilio-client.js";

export interface NotificationJob {
  notificationId: number;
}

export class Notifier {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly twilio: TwilioClient,
    private readonly log: FastifyBaseLogger,
  ) {}

  async deliver({ notificationId: id }: NotificationJob, context: JobContext): Promise<void> {
    const notice = await this.notifications.claim(id);
    if (!notice) return; // sent already, or being sent by another attempt
    try {
      const message = await this.twilio.messages.create({ to: notice.to, from: notice.from, body: notice.body });
      await this.notifications.markSent(id, message.sid);
      this.log.info({ notification: id, messageSid: message.sid, to: maskPhone(notice.to) }, "notification sent");
    } catch (error) {
      const status = (error as { status?: number }).status;
      const code = (error as { code?: number }).code;
      const final = (status !== undefined && status >= 400 && status < 500 && status !== 429) || context.lastAttempt;
      const reason = `${code ?? status ?? ""} ${(error as Error).message}`.trim();
      await this.notifications.markAttemptFailed(id, reason, final);
      this.log.warn({ notification: id, to: maskPhone(notice.to), code, status, final }, "notification not sent");
      if (!final) throw error;
    }
  }
}
