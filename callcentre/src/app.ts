// The call centre as a Fastify application, with everything it depends on passed in.
// server.ts owns the process (configuration, database, signals); tests build this directly.
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import fastifyStatic from "@fastify/static";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import type { Flow } from "./flows/flow-schema.js";
import { systemClock, type Clock } from "./lib/clock.js";
import { Notifier } from "./notifications/notifier.js";
import { createRepositories, type Repositories } from "./plugins/app/repositories.js";
import twilioRoutes from "./routes/twilio/index.js";
import { createTwilioClient, type TwilioClient } from "./twilio-client.js";

export interface AppDependencies {
  config: Config;
  db: Database;
  flow: Flow;
  clock?: Clock;
  twilio?: TwilioClient;
  logger?: FastifyServerOptions["logger"];
}

declare module "fastify" {
  interface FastifyInstance {
    repositories: Repositories;
    notifier: Notifier;
  }
}

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

/** Log options: secrets in headers are redacted; phone numbers are masked where they are logged. */
export function loggerOptions(level: Config["logLevel"]): FastifyServerOptions["logger"] {
  return {
    level,
    redact: {
      paths: ["req.headers.authorization", 'req.headers["x-twilio-signature"]', "req.headers.cookie"],
      censor: "[redacted]",
    },
  };
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, db, flow } = deps;
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config.logLevel),
    // Twilio's requests are small; anything larger is not a webhook.
    bodyLimit: 1024 * 1024,
  });
  const repositories = createRepositories(db);
  const notifier = new Notifier(repositories.notifications, deps.twilio ?? createTwilioClient(config.twilio, config.twilioApiBaseUrl), app.log);
  app.decorate("repositories", repositories);
  app.decorate("notifier", notifier);
  app.addHook("onClose", async () => notifier.close());

  // Everything else (not /twilio) gets a central handler that never leaks internals.
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, "request failed");
    return reply.code(status).send({
      statusCode: status,
      error: status >= 500 ? "Internal Server Error" : error.name,
      message: status >= 500 ? "internal error" : error.message,
    });
  });

  await app.register(fastifyStatic, { root: `${PUBLIC_DIR}audio`, prefix: "/audio/", decorateReply: false });

  app.get("/healthz", async () => {
    await db.query("select 1");
    return { status: "ok", database: db.engine };
  });

  await app.register(twilioRoutes, {
    prefix: "/twilio",
    authToken: config.twilio.authToken,
    accountSid: config.twilio.accountSid,
    publicBaseUrl: config.publicBaseUrl,
    flowContext: { flow, baseUrl: config.publicBaseUrl },
    db,
    repositories,
    notifier,
    clock,
  });

  return app;
}
