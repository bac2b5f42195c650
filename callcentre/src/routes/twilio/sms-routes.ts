// Twilio messaging webhooks: an inbound text (answered with Messaging TwiML) and message status
// callbacks. The signature check and error handling for /twilio live in routes/twilio/index.ts.
import type { FastifyInstance } from "fastify";
import twilio from "twilio";
import { z } from "zod";
import type { Clock } from "../../lib/clock.js";
import type { Repositories } from "../../plugins/app/repositories.js";
import { MESSAGE_STATUSES } from "../../repositories/messages-repository.js";
import { SMS_INCOMING, SMS_STATUS } from "../../flows/paths.js";
import type { SmsService } from "../../sms/sms-service.js";
import { parseParams, parseWith } from "./webhook-params.js";

export interface SmsRoutesOptions {
  sms: SmsService;
  repositories: Repositories;
  clock: Clock;
  publicBaseUrl: string;
}

const messageSid = z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "must be a message SID (SM or MM and 32 hexadecimal digits)");
const count = z.string().regex(/^\d{1,4}$/, "must be a whole number").transform(Number);

/** Twilio's inbound message parameters (docs/twilio-contract.md §5.2); loose, as Twilio adds parameters. */
const InboundParams = z.looseObject({
  MessageSid: messageSid,
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be an AC SID"),
  From: z.string().min(1).max(256),
  To: z.string().min(1).max(256),
  Body: z.string().max(1600, "must be at most 1600 characters, Twilio's limit").default(""),
  NumMedia: count.default(0),
  NumSegments: count.optional(),
});

const StatusParams = z.looseObject({
  MessageSid: messageSid,
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be an AC SID"),
  To: z.string().max(256).optional(),
  MessageStatus: z.enum(MESSAGE_STATUSES),
  ErrorCode: z.string().regex(/^\d{1,6}$/, "must be a Twilio error code").transform(Number).optional(),
  ErrorMessage: z.string().max(1000).optional(),
});

const ReplyQuery = z.object({ reply: z.coerce.number().int().positive().optional() });

export default async function smsRoutes(app: FastifyInstance, opts: SmsRoutesOptions): Promise<void> {
  const { sms, repositories, clock, publicBaseUrl } = opts;

  app.post(SMS_INCOMING.replace("/twilio", ""), { config: { messagingTwiml: true } }, async (request, reply) => {
    const params = parseParams(InboundParams, request.body);
    const answer = await sms.receive({
      sid: params.MessageSid,
      from: params.From,
      to: params.To,
      body: params.Body,
      numMedia: params.NumMedia,
      numSegments: params.NumSegments,
    });
    const twiml = new twilio.twiml.MessagingResponse();
    if (answer) twiml.message({ statusCallback: `${publicBaseUrl}${SMS_STATUS}?reply=${answer.id}` }, answer.body);
    return reply.type("text/xml").send(twiml.toString());
  });

  // Twilio ignores the response body of a status callback; 204 acknowledges it, known or not.
  app.post(SMS_STATUS.replace("/twilio", ""), async (request, reply) => {
    const params = parseParams(StatusParams, request.body);
    const { reply: named } = parseWith(ReplyQuery, request.query);
    // ?reply= names our TwiML reply until its first callback gives it a SID. A SID that is stored already
    // belongs to its message (a replayed or crossed callback) and is not given to another one.
    const replyId = named !== undefined && !(await repositories.messages.bySid(params.MessageSid)) ? named : undefined;
    const known = await repositories.messages.applyStatus(
      { sid: params.MessageSid, status: params.MessageStatus, errorCode: params.ErrorCode, errorMessage: params.ErrorMessage, replyId },
      clock(),
    );
    if (!known) request.log.info({ messageSid: params.MessageSid }, "status callback for a message this service did not store");
    // 21610 in a callback: the recipient had opted out with Twilio; our records follow.
    if (params.ErrorCode === 21610 && params.To) await sms.optedOutByTwilio(params.To, clock());
    return reply.code(204).send();
  });
}
