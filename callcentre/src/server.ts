// The call centre process: configuration, database, flow, HTTP server and a clean shutdown.
import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { buildApp } from "./app.js";
import { openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { FlowError, loadFlowFile } from "./flows/load-flow.js";
import { SMS_INCOMING, VOICE_INCOMING, VOICE_STATUS } from "./flows/paths.js";

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const flow = loadFlowFile(config.flowFile);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, timeoutMs: config.databaseTimeoutMs, preparedStatements: config.databasePreparedStatements });
  await migrate(db);
  const app = await buildApp({ config, db, flow, jobs: { supervise: true, schedule: true, pollingIntervalSeconds: 1 } });
  app.addHook("onClose", async () => db.close());

  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, "shutting down");
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }

  await app.listen({ port: config.port, host: config.host });
  await app.startBackgroundWork();
  app.log.info(
    {
      flow: config.flowFile,
      database: db.engine === "pglite" ? `PGlite in ${config.dataDir}` : "Postgres (DATABASE_URL)",
      twilio: config.twilio.source === "environment" ? "credentials from the environment" : `local credentials in ${config.dataDir}/credentials.json`,
      twilioApi: config.twilioApiBaseUrl,
      voiceUrl: `${config.publicBaseUrl}${VOICE_INCOMING}`,
      statusCallbackUrl: `${config.publicBaseUrl}${VOICE_STATUS}`,
      smsUrl: `${config.publicBaseUrl}${SMS_INCOMING}`,
      // Where the password is, never the password itself.
      dashboard: `${config.publicBaseUrl}/ (password: ${config.dashboard.source === "environment" ? "DASHBOARD_PASSWORD" : `in ${config.dashboard.file}`})`,
    },
    `call centre for ${flow.company} ready`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof FlowError) {
    console.error(error.message);
  } else {
    console.error("call centre failed to start:", error);
  }
  process.exit(1);
});
