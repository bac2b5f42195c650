// The carrier process: `npm run carrier`. Prints the account it serves and where its softphone is.
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { buildCarrier } from "./app.js";
import { ManualClock, RealClock } from "./clock.js";
import { CarrierConfigError, loadCarrierConfig } from "./config.js";

/** A start-up problem, said in one line that names what to change. */
class StartupError extends Error {}

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadCarrierConfig();
  // CARRIER_PORT=0: a port the system picks, taken now and kept, so that the default public URL
  // (recording URLs) names the real port; the HTTP server then listens on this very socket.
  const socket = config.port === 0 ? createServer().listen(0, config.host) : undefined;
  if (socket) await once(socket, "listening");
  const publicUrl = socket && !process.env.CARRIER_PUBLIC_URL ? config.publicUrl.replace(/:0$/, `:${(socket.address() as AddressInfo).port}`) : config.publicUrl;
  const clock = config.clock === "manual" ? new ManualClock(new Date()) : new RealClock();
  const { app } = await buildCarrier({
    accountSid: config.accountSid,
    authToken: config.authToken,
    publicUrl,
    clock,
    dataDir: config.dataDir,
    limits: { callHistory: config.callHistory },
    // Timelines say what happened on each call; request lines are there at CARRIER_LOG_LEVEL=info.
    logger: { level: process.env.CARRIER_LOG_LEVEL ?? "warn", redact: ["req.headers.authorization"] },
  });
  const shutdown = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, shutdown);
  // Started with an IPC channel (npm start): the parent going away, however it went, stops this too.
  if (process.send) process.once("disconnect", shutdown);
  try {
    // A listening socket's handle, as server.listen(handle) takes it.
    await app.listen(socket ? ({ host: config.host, handle: (socket as unknown as { _handle: unknown })._handle } as object) : { port: config.port, host: config.host });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    await app.close().catch(() => undefined);
    throw new StartupError(`CARRIER_PORT ${config.port} is already in use (another carrier?): set CARRIER_PORT to a free port`);
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const base = publicUrl.replace(/:\d+$/, `:${port}`);
  const lines = [
    `carrier ready on ${base}`,
    `  REST API:     ${base}/2010-04-01  (Basic auth: account SID and auth token)`,
    `  account SID:  ${config.accountSid}`,
    config.credentialsSource === "environment"
      ? "  auth token:   from CARRIER_AUTH_TOKEN"
      : `  auth token:   in ${config.dataDir}/credentials.json${config.credentialsSource === "generated" ? " (generated now)" : ""}`,
    `  softphone:    ${base}/`,
    `  clock:        ${config.clock}`,
  ];
  // Printed, not logged: people read this once at start.
  process.stdout.write(`${lines.join("\n")}\n`);
  // Readiness as a message, not a word in the output.
  process.send?.({ event: "ready", url: base });
}

main().catch((error: unknown) => {
  console.error(error instanceof CarrierConfigError || error instanceof StartupError ? error.message : error);
  process.exit(1);
});
