// Everything Twilio calls lives under /twilio. In this scope: bodies are kept as Twilio sent them
// (no field is dropped before the signature check), every request must carry a valid signature,
// and errors are answered the way Twilio needs them.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import twilio from "twilio";
import { isDatabaseUnavailable } from "../../db/database.js";
import { apology } from "../../flows/voice-flow.js";
import { HttpError } from "../../lib/http-errors.js";
import { twilioSignatureCheck } from "../../plugins/app/twilio-signature.js";
import type { SmsService } from "../../sms/sms-service.js";
import smsRoutes from "./sms-routes.js";
import voiceRoutes, { type VoiceRoutesOptions } from "./voice-routes.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route answers with TwiML: an internal error still gets valid TwiML that ends the call. */
    twiml?: boolean;
    /** The route answers with Messaging TwiML: an internal error still gets a reply that apologises. */
    messagingTwiml?: boolean;
  }
}

export interface TwilioRoutesOptions extends VoiceRoutesOptions {
  authToken: string;
  accountSid: string;
  publicBaseUrl: string;
  sms: SmsService;
}

export default async function twilioRoutes(app: FastifyInstance, opts: TwilioRoutesOptions): Promise<void> {
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  // Twilio posts forms. Any other content type (JSON included) is read as text, so that the signature
  // check answers first and the parameters are never taken from anything but a form.
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));

  app.addHook("preHandler", twilioSignatureCheck(opts.authToken, opts.publicBaseUrl));
  app.addHook("preHandler", async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    const callSid = typeof body?.CallSid === "string" ? body.CallSid : undefined;
    const messageSid = typeof body?.MessageSid === "string" ? body.MessageSid : undefined;
    if (callSid) request.log = request.log.child({ callSid });
    else if (messageSid) request.log = request.log.child({ messageSid });
    if (typeof body?.AccountSid === "string" && body.AccountSid !== opts.accountSid) {
      throw new HttpError(403, "AccountSid does not match this service's Twilio account");
    }
  });

  app.setErrorHandler(async (error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    // The database being down is the service being unavailable for now, not a bug.
    const status = isDatabaseUnavailable(error) ? 503 : (error.statusCode ?? 500);
    if (status < 500) {
      request.log.info({ status, reason: error.message }, "webhook refused");
      return reply.code(status).send({ statusCode: status, error: error.name, message: error.message });
    }
    const body = request.body as Record<string, unknown> | undefined;
    request.log.error({ err: error, callSid: body?.CallSid, messageSid: body?.MessageSid }, "webhook failed");
    if (request.routeOptions.config.twiml) {
      return reply.code(200).type("text/xml").send(apology(opts.flowContext.flow).toString());
    }
    if (request.routeOptions.config.messagingTwiml) {
      const twiml = new twilio.twiml.MessagingResponse();
      twiml.message("Sorry, something went wrong on our side. Please try again later.");
      return reply.code(200).type("text/xml").send(twiml.toString());
    }
    if (status === 503) return reply.code(503).send({ statusCode: 503, error: "Service Unavailable", message: "database unavailable" });
    return reply.code(500).send({ statusCode: 500, error: "Internal Server Error", message: "internal error" });
  });

  const { prefix: _prefix, ...voiceOptions } = opts as TwilioRoutesOptions & { prefix?: string };
  await app.register(voiceRoutes, voiceOptions);
  await app.register(smsRoutes, { sms: opts.sms, repositories: opts.repositories, clock: opts.clock, publicBaseUrl: opts.publicBaseUrl });
}
