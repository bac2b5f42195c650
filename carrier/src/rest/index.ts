// The Twilio-compatible REST API, 2010-04-01 (docs/twilio-contract.md §8), registered by the app with
// the prefix /2010-04-01. Only Twilio's surface lives here; simulator controls are under /_carrier.
// Every route needs HTTP Basic auth (auth.ts: the account's SID and token, or an API key), except
// recording media.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Engine } from "../calls/engine.js";
import type { Store } from "../store.js";
import { accountRoutes } from "./accounts.js";
import { applicationRoutes } from "./applications.js";
import { authenticate, sendUnauthorized } from "./auth.js";
import { availableNumberRoutes } from "./available-numbers.js";
import { callerIdRoutes } from "./caller-ids.js";
import { callRoutes } from "./calls.js";
import { conferenceRoutes } from "./conferences.js";
import { RestError, sendError } from "./errors.js";
import { registerFormBody } from "./form-body.js";
import { keyRoutes } from "./keys.js";
import { messageRoutes } from "./messages.js";
import { registerMultipart } from "./multipart.js";
import { phoneNumberRoutes } from "./phone-numbers.js";
import { queueRoutes } from "./queues.js";
import { recordingRoutes } from "./recordings.js";

export interface RestOptions {
  store: Store;
  engine: Engine;
}

export default async function restRoutes(app: FastifyInstance, opts: RestOptions): Promise<void> {
  const { store, engine } = opts;
  await registerMultipart(app);
  registerFormBody(app);

  app.addHook("onRequest", async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.public) return;
    const principal = authenticate(request, store);
    if (!principal) return sendUnauthorized(reply);
    if (config.mainCredentials && principal.kind !== "account") return sendUnauthorized(reply);
  });

  app.setErrorHandler((error: FastifyError | RestError, request, reply) => {
    if (error instanceof RestError) return sendError(reply, error);
    // Fastify's own errors (unparsable body, unsupported content type…) in Twilio's shape.
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error(error);
      return sendError(reply, { code: 20500, message: "Internal Server Error", status });
    }
    return sendError(reply, { code: status === 404 ? 20404 : 20001, message: error.message, status });
  });

  // An unknown path or method is Twilio's 20404, after authentication like any route (a wrong password
  // is 401 whatever the path). A catch-all route rather than only a not-found handler: the softphone's
  // static files are served from "/" by a wildcard GET route, which would otherwise answer first with
  // Fastify's own 404 body.
  const unknownPath = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!authenticate(request, store)) return sendUnauthorized(reply);
    const path = request.url.split("?")[0] ?? request.url;
    return sendError(reply, { code: 20404, message: `The requested resource ${path} was not found`, status: 404 });
  };
  app.setNotFoundHandler(unknownPath);
  app.all("/*", unknownPath);

  accountRoutes(app, store);
  phoneNumberRoutes(app, store);
  availableNumberRoutes(app, store);
  callRoutes(app, engine);
  messageRoutes(app, engine);
  recordingRoutes(app, engine);
  keyRoutes(app, store);
  applicationRoutes(app, store);
  callerIdRoutes(app, store);
  queueRoutes(app, engine);
  conferenceRoutes(app, engine);
}
