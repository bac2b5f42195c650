// The call centre as a Fastify application, with everything it depends on passed in.
// server.ts owns the process (configuration, database, signals); tests build this directly.
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from "fastify";
import fastifyStatic from "@fastify/static";
import type { DeskPort } from "./acd/desk-port.js";
import type { Config } from "./config.js";
import { isDatabaseUnavailable, type Database } from "./db/database.js";
import type { Flow } from "./flows/flow-schema.js";
import { systemClock, type Clock } from "./lib/clock.js";
import { Jobs, QUEUES, type JobsOptions } from "./jobs/jobs.js";
import { Workers } from "./jobs/workers.js";
import { CallReconciler } from "./jobs/call-reconcile.js";
import { WallboardAlerts } from "./jobs/wallboard-alerts.js";
import { secretScrubber, serializeError } from "./lib/error-serializer.js";
import { maskPhonesIn } from "./lib/phone.js";
import { RateLimiter } from "./lib/rate-limiter.js";
import { Notifier } from "./notifications/notifier.js";
import { hashPassword } from "./plugins/app/agent-passwords.js";
import { createRepositories, type Repositories } from "./plugins/app/repositories.js";
import { CROSS_ORIGIN_RESOURCE, helmet, helmetOptions } from "./plugins/external/helmet.js";
import { GeocodeCacheRepository } from "./repositories/geocode-cache-repository.js";
import { Acd } from "./acd/acd.js";
import { DashboardService } from "./dashboard/dashboard-service.js";
import { LiveFeed } from "./dashboard/live-feed.js";
import dashboardRoutes from "./routes/dashboard/index.js";
import twilioRoutes from "./routes/twilio/index.js";
import { DailyForecasts } from "./sms/daily-forecasts.js";
import { SmsService } from "./sms/sms-service.js";
import { createTwilioClient, type TwilioClient } from "./twilio-client.js";
import { OpenMeteo } from "./weather/open-meteo.js";

export interface AppDependencies {
  config: Config;
  db: Database;
  flow: Flow;
  clock?: Clock;
  twilio?: TwilioClient;
  logger?: FastifyServerOptions["logger"];
  /** pg-boss settings: the server supervises and schedules; tests retry at once. */
  jobs?: Pick<JobsOptions, "supervise" | "schedule" | "pollingIntervalSeconds" | "policies">;
  /** The ACD as the agents' desk uses it (acd/desk-port.ts); without one, the desk cannot change states. */
  desk?: DeskPort;
  /** How long a client has to send a whole request (REQUEST_TIMEOUT_MS; tests use less). */
  requestTimeoutMs?: number;
}

/**
 * How long a client has to send a whole request, headers and body. Twilio's webhooks and the
 * dashboard's forms are a few kilobytes, sent at once; a connection that trickles its request is cut
 * off with 408 instead of being held open for ever. Responses are not limited by it: the dashboard's
 * live event stream stays open.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

declare module "fastify" {
  interface FastifyInstance {
    repositories: Repositories;
    jobs: Jobs;
    workers: Workers;
    sms: SmsService;
    forecasts: DailyForecasts;
    dashboard: DashboardService;
    live: LiveFeed;
    acd: Acd;
    reconciler: CallReconciler;
    wallboardAlerts: WallboardAlerts;
    /** Every route as registered, method and URL pattern (the role matrix test walks them all). */
    routeTable: readonly { method: string; url: string }[];
    /** Starts the job workers, the every-minute dispatch and the daily-forecast timer (the server does). */
    startBackgroundWork(): Promise<void>;
  }
}

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

/** The configuration's secrets, as they could turn up in a log line (the Basic credentials too). */
export function logSecrets(config: Pick<Config, "twilio" | "dashboard" | "databaseUrl">): string[] {
  const { accountSid, authToken } = config.twilio;
  const databasePassword = config.databaseUrl && URL.canParse(config.databaseUrl) ? decodeURIComponent(new URL(config.databaseUrl).password) : "";
  return [authToken, Buffer.from(`${accountSid}:${authToken}`).toString("base64"), config.dashboard.password, databasePassword];
}

/**
 * Log options: secrets in headers are redacted; errors are logged through one serializer that keeps no
 * headers, credentials or bodies (lib/error-serializer.ts); phone numbers are masked where they are
 * logged; and any of `secrets` is scrubbed from every line as it is written.
 */
export function loggerOptions(level: Config["logLevel"], secrets: readonly (string | undefined)[] = []): FastifyServerOptions["logger"] {
  const scrub = secretScrubber(secrets);
  return {
    level,
    hooks: { streamWrite: scrub },
    serializers: {
      err: serializeError,
      error: serializeError,
      // Dashboard URLs carry numbers (/messages/+61…, /calls?number=…): the request line masks them.
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: maskPhonesIn(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    redact: {
      paths: ["req.headers.authorization", 'req.headers["x-twilio-signature"]', "req.headers.cookie"],
      censor: "[redacted]",
    },
  };
}

/**
 * Closing (SIGTERM) waits for every open connection. Fastify closes the idle keep-alive ones and answers
 * requests that start later with 503 and `Connection: close`, but a connection busy with a request
 * when closing began would be kept alive after its answer, idle until the keep-alive timeout (72 s).
 * So once closing has begun, answers say `Connection: close` (Node then closes the connection after
 * them), and a response whose headers were already out (a stream) has its connection closed when it ends.
 */
function closeBusyConnectionsOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", (_request, _reply, done) => {
    if (closing) app.server.closeIdleConnections();
    done();
  });
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, db, flow } = deps;
  const clock = deps.clock ?? systemClock;
  const requestTimeoutMs = deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config.logLevel, logSecrets(config)),
    // Twilio's requests are small; anything larger is not a webhook.
    bodyLimit: 1024 * 1024,
    requestTimeout: requestTimeoutMs,
    // Node checks the deadlines every connectionsCheckingInterval (30 s by default, which would let a
    // trickling request live twice as long as the limit); the headers share the request's deadline.
    http: { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, Math.max(10, requestTimeoutMs / 4)) },
    // Closing closes idle keep-alive connections (the default on Node 20; busy ones: closeBusyConnectionsOnClose).
    forceCloseConnections: "idle",
  });
  closeBusyConnectionsOnClose(app);
  const routeTable: { method: string; url: string }[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
  });
  app.decorate("routeTable", routeTable);
  const repositories = createRepositories(db);
  const twilio = deps.twilio ?? createTwilioClient(config.twilio, config.twilioApiBaseUrl);
  // A send job counts as dead when its lease ends (pg-boss then retries it; the claim keeps that safe).
  const leaseSeconds = Math.ceil(config.sms.sendLeaseMs / 1000);
  const policies = { ...deps.jobs?.policies, "forecast-send": { expireInSeconds: leaseSeconds, ...deps.jobs?.policies?.["forecast-send"] } };
  const jobs = new Jobs({ db, log: app.log, ...deps.jobs, policies });
  await jobs.start();
  const weather = new OpenMeteo({
    geocodingUrl: config.weather.geocodingUrl,
    forecastUrl: config.weather.forecastUrl,
    timeoutMs: config.weather.timeoutMs,
    cache: new GeocodeCacheRepository(db),
    now: clock,
  });
  const limiter = new RateLimiter(config.sms.messagesPerSecond);
  const notifier = new Notifier(repositories.notifications, twilio, app.log);
  const sms = new SmsService({ db, ...repositories, weather, jobs, twilio, limiter, clock, config, log: app.log });
  const forecasts = new DailyForecasts({
    db,
    ...repositories,
    weather,
    jobs,
    twilio,
    limiter,
    sms,
    clock,
    publicBaseUrl: config.publicBaseUrl,
    log: app.log,
    leaseMs: config.sms.sendLeaseMs,
  });
  const workers = new Workers(
    jobs,
    {
      [QUEUES.notificationSend]: (data, context) => notifier.deliver(data, context),
      [QUEUES.smsReply]: (data: { inboundId: number }, context) => sms.replyLate(data.inboundId, context.lastAttempt),
      [QUEUES.forecastSend]: (data, context) => forecasts.deliver(data, context),
      [QUEUES.forecastDispatch]: async () => {
        await forecasts.dispatchDue();
        await forecasts.recoverStale();
      },
      [QUEUES.callReconcile]: async () => {
        await reconciler.run();
      },
      [QUEUES.wallboardAlerts]: async () => {
        await wallboardAlerts.run();
      },
    },
    app.log,
  );
  const dashboard = new DashboardService({ config, flow, repositories, twilio, sms, clock });
  const live = new LiveFeed({ snapshot: () => dashboard.live(), log: app.log });
  const acd = new Acd({ db, repositories, twilio, flow, config, clock, log: app.log });
  await acd.syncAgents();
  // The first owner's password is the first-run one (DASHBOARD_PASSWORD, or the generated file); once
  // the account exists it keeps its own, and DASHBOARD_PASSWORD is no longer read for sign-in.
  await repositories.accounts.ensureOwner("Owner", () => hashPassword(config.dashboard.password), clock());
  acd.onChange(() => live.changed());
  const reconciler = new CallReconciler({ db, repositories, twilio, clock, log: app.log, afterMs: config.calls.reconcileAfterMs, onClosed: () => live.changed() });
  app.decorate("repositories", repositories);
  app.decorate("dashboard", dashboard);
  app.decorate("live", live);
  app.decorate("acd", acd);
  app.decorate("reconciler", reconciler);
  const wallboardAlerts = new WallboardAlerts({ db, repositories, flow, config, jobs, clock, log: app.log, zone: dashboard.zone });
  app.decorate("wallboardAlerts", wallboardAlerts);
  app.decorate("jobs", jobs);
  app.decorate("workers", workers);
  app.decorate("sms", sms);
  app.decorate("forecasts", forecasts);
  app.decorate("startBackgroundWork", async () => {
    await workers.start({ schedule: deps.jobs?.schedule ?? false });
    forecasts.startTimer();
    reconciler.startTimer();
  });
  app.addHook("onClose", async () => {
    forecasts.stop();
    acd.stop();
    await acd.settled();
    await reconciler.stop();
    live.stop();
    await jobs.stop();
  });

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

  await app.register(helmet, helmetOptions(config.publicBaseUrl.startsWith("https:")));
  await app.register(fastifyStatic, {
    root: `${PUBLIC_DIR}audio`,
    prefix: "/audio/",
    decorateReply: false,
    setHeaders: (reply) => void reply.headers(CROSS_ORIGIN_RESOURCE),
  });
  await app.register(fastifyStatic, { root: `${PUBLIC_DIR}dashboard`, prefix: "/dashboard/assets/", decorateReply: false });

  // Every voice webhook may change what the Live page shows.
  app.addHook("onResponse", async (request) => {
    if (request.url.startsWith("/twilio/voice/")) live.changed();
  });

  // For load balancers and monitors: 503 while the database is unavailable (the voice webhooks
  // still answer then, with the safe flow). Anyone may ask, so the answer says only that: the reason
  // (which names the database's host and port) goes to the log.
  app.get("/healthz", async (request, reply) => {
    try {
      await db.transaction((tx) => tx.query("select 1"), { timeoutMs: config.databaseTimeoutMs });
      return { status: "ok", database: db.engine };
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      request.log.warn({ err: error }, "health check: database unavailable");
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  await app.register(twilioRoutes, {
    prefix: "/twilio",
    authToken: config.twilio.authToken,
    accountSid: config.twilio.accountSid,
    publicBaseUrl: config.publicBaseUrl,
    flowContext: { flow, baseUrl: config.publicBaseUrl },
    db,
    repositories,
    jobs,
    sms,
    clock,
    databaseTimeoutMs: config.databaseTimeoutMs,
    acd,
  });

  await app.register(dashboardRoutes, { config, flow, service: dashboard, repositories, live, clock, desk: deps.desk ?? acd, monitoring: acd.monitoring });

  return app;
}
