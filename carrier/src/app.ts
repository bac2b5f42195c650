// The carrier as a Fastify application: the Twilio-shaped REST API under /2010-04-01, the
// simulator's controls under /_carrier, and the softphone at /. server.ts owns the process.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import formbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import type { Clock } from "./clock.js";
import { Engine } from "./calls/engine.js";
import controlRoutes from "./control/routes.js";
import restRoutes from "./rest/index.js";
import { Store } from "./store.js";

export interface CarrierDependencies {
  accountSid: string;
  authToken: string;
  publicUrl: string;
  clock: Clock;
  logger?: FastifyServerOptions["logger"];
}

export interface Carrier {
  app: FastifyInstance;
  store: Store;
  engine: Engine;
}

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

export async function buildCarrier(deps: CarrierDependencies): Promise<Carrier> {
  const store = new Store({ sid: deps.accountSid, authToken: deps.authToken }, deps.clock, deps.publicUrl);
  const engine = new Engine(store, deps.clock);
  const app = Fastify({
    logger: deps.logger ?? false,
    // Softphones hold event streams open; closing the carrier must not wait for their tabs.
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
  });
  await app.register(formbody);
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, "request failed");
    return reply.code(status).send({ error: status >= 500 ? "internal_error" : "bad_request", message: status >= 500 ? "internal error" : error.message });
  });
  await app.register(restRoutes, { prefix: "/2010-04-01", store, engine });
  await app.register(controlRoutes, { prefix: "/_carrier", store, engine });
  if (existsSync(PUBLIC_DIR)) await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: "/" });
  app.addHook("onClose", async () => {
    for (const call of engine.calls.values()) engine.end(call);
  });
  return { app, store, engine };
}
