// `callcentre broadcast` (`npm run broadcast`): today's forecast to every active subscriber, now, with
// a progress bar. It opens the database itself (the embedded one through a running call centre's
// server, if there is one) and works the send queue until today's deliveries are all finished; a
// subscriber who has had today's forecast already is not sent another. Stopping it early loses
// nothing: what is left stays queued for the call centre (or the next broadcast).
import type { Command } from "commander";
import { buildApp, loggerOptions, logSecrets } from "../app.js";
import { loadFlowFile } from "../flows/load-flow.js";
import type { CliContext } from "./context.js";
import { openCliDatabase } from "./database.js";

export interface BroadcastOptions {
  /** How often progress is read from the database, in ms. */
  intervalMs?: number;
  /** Whether stderr is a terminal (a redrawn bar) or a log (a line every 10 %). */
  tty?: boolean;
  stderr?: (text: string) => void;
}

export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : Math.min(done / total, 1);
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} (${Math.round(share * 100)}%)`;
}

export function registerBroadcastCommand(options: BroadcastOptions = {}) {
  return (program: Command, cli: CliContext): void => {
    program
      .command("broadcast")
      .description("send today's forecast to every active subscriber now (once per subscriber per day), with progress")
      .action(async () => {
        const config = cli.config();
        const write = options.stderr ?? ((text: string) => process.stderr.write(text));
        const tty = options.tty ?? process.stderr.isTTY === true;
        // With the embedded database, a running call centre's server is used; with none, one is started for this run.
        const db = await openCliDatabase(config);
        const app = await buildApp({
          config,
          db,
          flow: loadFlowFile(config.flowFile),
          twilio: cli.client(),
          // The service's log options (the error serializer, secrets scrubbed), quieter by default.
          logger: loggerOptions(config.logLevel === "info" ? "warn" : config.logLevel, logSecrets({ ...config, databaseUrl: db.url })),
          jobs: { pollingIntervalSeconds: 0.5 },
        }).catch(async (error: unknown) => {
          await db.close();
          throw error;
        });
        try {
          const started = performance.now();
          const { subscribers, queued, dates } = await app.forecasts.broadcast();
          cli.out(`${subscribers} active subscribers; ${queued} forecasts queued (${subscribers - queued} had today's already)`);
          if (queued === 0) return;
          await app.startBackgroundWork();
          let lastTenth = -1;
          let lastRecovery = performance.now();
          for (;;) {
            // Deliveries held by a process that died (a broadcast killed mid-send) are taken over
            // when their lease ends; the new attempt checks Twilio's log before sending.
            if (performance.now() - lastRecovery > Math.min(app.forecasts.leaseMs / 2, 10_000)) {
              lastRecovery = performance.now();
              await app.forecasts.recoverStale();
            }
            const counts = await app.repositories.subscriptions.countByStatus(dates);
            const finished = counts.sent + counts.skipped + counts.failed;
            const open = counts.queued + counts.sending;
            const total = finished + open;
            const rate = counts.sent / Math.max((performance.now() - started) / 1000, 0.001);
            const line = `${progressBar(finished, total)} sent ${counts.sent}, skipped ${counts.skipped}, failed ${counts.failed}, ${rate.toFixed(1)}/s`;
            const tenth = Math.floor((finished / Math.max(total, 1)) * 10);
            if (tty) write(`\r${line}`);
            else if (tenth !== lastTenth || open === 0) write(`${line}\n`);
            lastTenth = tenth;
            if (open === 0) break;
            await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
          }
          if (tty) write("\n");
          const counts = await app.repositories.subscriptions.countByStatus(dates);
          cli.out(`done: ${counts.sent} sent, ${counts.skipped} skipped, ${counts.failed} failed`);
        } finally {
          await app.close();
          await db.close();
        }
      });
  };
}
