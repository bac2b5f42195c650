// The call centre process: configuration, database, flow, HTTP server and a clean shutdown.
// Started by `npm start` (scripts/start.ts) with an IPC channel, it reports readiness there, and stops
// when that channel closes (its parent is gone). A start-up problem people can fix is one line on
// stderr that names the variable, and exit code 1.
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { ConfigError, DEFAULT_FLOW_FILE, loadConfig, loadDotEnv } from "./config.js";
import { buildApp, loggerOptions, logSecrets } from "./app.js";
import { DataDirLockedError, EmbeddedPostgresError, openDatabase } from "./db/database.js";
import type { EmbeddedLog } from "./db/embedded.js";
import { migrate } from "./db/migrate.js";
import { describeLine } from "./flows/line-status.js";
import { FlowError, loadFlowFile } from "./flows/load-flow.js";
import { SMS_INCOMING, VOICE_INCOMING, VOICE_STATUS } from "./flows/paths.js";
import { systemClock } from "./lib/clock.js";

/** A start-up problem, said in one line that names what to change. */
class StartupError extends Error {}

/** listen()'s failures, in words that name the variable to change. */
function listenProblem(error: unknown, port: number, host: string): string | undefined {
  switch ((error as NodeJS.ErrnoException).code) {
    case "EADDRINUSE":
      return `PORT ${port} is already in use (another call centre?): set PORT to a free port`;
    case "EACCES":
      return `PORT ${port} needs privileges this process does not have: set PORT to 1024 or above`;
    case "EADDRNOTAVAIL":
      return `HOST ${host} is not an address of this machine: set HOST to one of its addresses, or to 0.0.0.0`;
    default:
      return undefined;
  }
}

/** The URL of a port on HOST; a wildcard HOST (all addresses) is reached at localhost. */
function address(host: string, port: number): string {
  const name = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  // PORT=0: a port the system picks, taken now and kept, so that the default PUBLIC_BASE_URL (signed
  // webhooks, callbacks) is the address it listens on; the HTTP server then listens on this very socket.
  const socket = config.port === 0 ? createServer().listen(0, config.host) : undefined;
  if (socket) {
    await once(socket, "listening");
    if (!process.env.PUBLIC_BASE_URL) config.publicBaseUrl = address(config.host, (socket.address() as AddressInfo).port);
  }
  const flow = loadFlowFile(config.flowFile);
  // The embedded server's messages, held until the app's logger exists.
  const held: Parameters<EmbeddedLog>[] = [];
  let logTo: EmbeddedLog = (level, message) => held.push([level, message]);
  let stopFor: ((reason: string) => void) | undefined = undefined;
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    timeoutMs: config.databaseTimeoutMs,
    preparedStatements: config.databasePreparedStatements,
    log: (level, message) => logTo(level, message),
    // The embedded server gone from under the call centre: stop, so that whoever runs it sees and restarts it.
    onEmbeddedExit: (reason) => stopFor?.(reason),
  });
  await migrate(db).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  // The database's password is scrubbed from the logs, the embedded server's generated one too.
  const logger = loggerOptions(config.logLevel, logSecrets({ ...config, databaseUrl: db.url }));
  const app = await buildApp({ config, db, flow, logger, jobs: { supervise: true, schedule: true, pollingIntervalSeconds: 1 } });
  // The database closes after the app: the app's onClose hooks stop pg-boss and the timers, whose
  // work in flight still needs it (Fastify runs onClose hooks last registered first, so a hook here
  // would run before theirs).
  const close = () => app.close().finally(() => db.close());
  logTo = (level, message) => app.log[level]({ component: "postgres" }, message);
  for (const [level, message] of held.splice(0)) logTo(level, message);

  let closing = false;
  const shutdown = (signal: string, code = 0) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    close().then(
      () => process.exit(code),
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => shutdown(signal));
  // Started with an IPC channel (npm start): the parent going away, however it went, stops this too.
  if (process.send) process.once("disconnect", () => shutdown("disconnect"));
  stopFor = (reason) => {
    app.log.error(reason);
    shutdown("database", 1);
  };

  try {
    // A listening socket's handle, as server.listen(handle) takes it.
    await app.listen(socket ? ({ host: config.host, handle: (socket as unknown as { _handle: unknown })._handle } as object) : { port: config.port, host: config.host });
  } catch (error) {
    const problem = listenProblem(error, config.port, config.host);
    if (!problem) throw error;
    await close().catch(() => undefined);
    throw new StartupError(problem);
  }
  await app.startBackgroundWork();
  const listening = address(config.host, (app.server.address() as AddressInfo).port);
  const line = describeLine(flow, systemClock(), { flowFile: config.flowFile, shipped: config.flowFile === DEFAULT_FLOW_FILE });
  app.log.info(
    {
      listening,
      flow: config.flowFile,
      database: db.engine === "embedded" ? `embedded PostgreSQL in ${config.dataDir}/postgres` : "Postgres (DATABASE_URL)",
      twilio: config.twilio.source === "environment" ? "credentials from the environment" : `local credentials in ${config.dataDir}/credentials.json`,
      twilioApi: config.twilioApiBaseUrl,
      voiceUrl: `${config.publicBaseUrl}${VOICE_INCOMING}`,
      statusCallbackUrl: `${config.publicBaseUrl}${VOICE_STATUS}`,
      smsUrl: `${config.publicBaseUrl}${SMS_INCOMING}`,
      // Where the password is, never the password itself.
      dashboard: `${config.publicBaseUrl}/ (password: ${config.dashboard.source === "environment" ? "DASHBOARD_PASSWORD" : `in ${config.dashboard.file}`})`,
      // Open or closed now, until when, and how to open it: what a caller hears is never a surprise.
      line: line.text,
    },
    `call centre for ${flow.company} ready`,
  );
  // Readiness as a message, not a word in the output: "already in use" contains "ready" too.
  process.send?.({ event: "ready", url: config.publicBaseUrl, listening, line: line.text });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof FlowError || error instanceof StartupError || error instanceof DataDirLockedError || error instanceof EmbeddedPostgresError) {
    console.error(error.message);
  } else {
    console.error("call centre failed to start:", error);
  }
  process.exit(1);
});
