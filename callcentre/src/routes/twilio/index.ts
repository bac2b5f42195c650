// Everything Twilio calls lives under /twilio. In this scope: bodies are kept as Twilio sent them
// (no field is dropped before the signature check), every request must carry a valid signature,
// and errors are answered the way Twilio needs them.
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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

/**
 * request.log becomes a child logger with `bindings`, made the first time something logs: most
 * webhooks log nothing (below warn), and a pino child per request was 3–4 % of a webhook's CPU.
 */
function lazyChildLogger(request: FastifyRequest, bindings: Record<string, string>): void {
  const parent = request.log;
  let child: FastifyBaseLogger | undefined;
  Object.defineProperty(request, "log", {
    configurable: true,
    enumerable: true,
    get: () => (child ??= parent.child(bindings)),
    set: (value: FastifyBaseLogger) => {
      child = value;
    },
  });
}

export default async function twilioRoutes(app: FastifyInstance, opts: TwilioRoutesOptions): Promise<void> {
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  // Twilio posts forms. Any other content type (JSON included) is read as text, so that the signature
  // check answers first and the parameters are never taken from anything but a form.
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));

  // Security headers are for browsers (plugins/external/helmet.ts); Twilio ignores them, and building
  // them was 5 % of a webhook's CPU.
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, helmet: { skipRoute: true } } as typeof route.config;
  });
  app.addHook("preHandler", twilioSignatureCheck(opts.authToken, opts.publicBaseUrl));
  app.addHook("preHandler", async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    const callSid = typeof body?.CallSid === "string" ? body.CallSid : undefined;
    const messageSid = typeof body?.MessageSid === "string" ? body.MessageSid : undefined;
    if (callSid) lazyChildLogger(request, { callSid });
    else if (messageSid) lazyChildLogger(request, { messageSid });
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
