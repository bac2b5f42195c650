// The carrier as a Fastify application: the Twilio-shaped REST API under /2010-04-01, the
// simulator's controls under /_carrier, and the softphone at /. server.ts owns the process.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import formbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import type { Clock } from "./clock.js";
import { Engine, type EngineLimits } from "./calls/engine.js";
import { EventStreams } from "./control/event-streams.js";
import controlRoutes from "./control/routes.js";
import { DEFAULT_MAX_EVENT_STREAMS, DEFAULT_REQUEST_TIMEOUT_MS } from "./limits.js";
import { requestGuard } from "./request-guard.js";
import { frameworkErrors } from "./rest/errors.js";
import restRoutes from "./rest/index.js";
import { VERBS } from "./verbs/registry.js";
import { Store } from "./store.js";

export interface CarrierLimits extends EngineLimits {
  /** Server-sent event streams open at once; more get 503. */
  eventStreams: number;
  /** Time to send a whole request (headers and body) before 408 and a closed connection. */
  requestTimeoutMs: number;
}

export interface CarrierDependencies {
  accountSid: string;
  authToken: string;
  publicUrl: string;
  clock: Clock;
  logger?: FastifyServerOptions["logger"];
  /** DATA_DIR: recordings are kept under DATA_DIR/recordings; without it, in memory only. */
  dataDir?: string | undefined;
  /** Defaults in limits.ts; CARRIER_CALL_HISTORY sets `callHistory`, tests lower the others. */
  limits?: Partial<CarrierLimits>;
}

export interface Carrier {
  app: FastifyInstance;
  store: Store;
  engine: Engine;
  streams: EventStreams;
}

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

export async function buildCarrier(deps: CarrierDependencies): Promise<Carrier> {
  const { eventStreams = DEFAULT_MAX_EVENT_STREAMS, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, ...engineLimits } = deps.limits ?? {};
  const store = new Store({ sid: deps.accountSid, authToken: deps.authToken }, deps.clock, deps.publicUrl);
  const engine = new Engine(store, deps.clock, VERBS, { ...engineLimits, recordingsDir: deps.dataDir ? join(deps.dataDir, "recordings") : undefined });
  const streams = new EventStreams(eventStreams);
  // Each open stream listens on the store; their number is capped, so the listeners are too.
  store.setMaxListeners(eventStreams * 3 + 20);
  const app = Fastify({
    logger: deps.logger ?? false,
    // A malformed percent-encoding in the URL: Twilio's error body under /2010-04-01, not Fastify's.
    frameworkErrors,
    // Softphones hold event streams open; closing the carrier must not wait for their tabs.
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
    // A client that dribbles its headers or body (slow loris) gets 408 and loses the connection.
    // Streams and long polls are GETs, complete once their headers are in: they stay open.
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: requestTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // How often Node looks for requests past their time (30 s by default, longer than the limit).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(requestTimeoutMs / 4))),
    },
  });
  app.addHook("onRequest", requestGuard(deps.publicUrl));
  await app.register(formbody);
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode <= 599 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, "request failed");
    // A client gone before its answer (a timed-out or aborted body) has no one to answer.
    if (reply.raw.destroyed || reply.sent) return;
    return reply.code(status).send({ error: status >= 500 ? "internal_error" : "bad_request", message: status >= 500 ? "internal error" : String(error.message) });
  });
  await app.register(restRoutes, { prefix: "/2010-04-01", store, engine });
  await app.register(controlRoutes, { prefix: "/_carrier", store, engine, streams });
  if (existsSync(PUBLIC_DIR)) await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: "/" });
  app.addHook("onClose", async () => {
    for (const call of engine.calls.values()) engine.end(call);
  });
  return { app, store, engine, streams };
}
