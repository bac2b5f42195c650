// 4. startup: with the carrier running and the number provisioned, the call centre is spawned on a
// fresh database (the embedded default in a new DATA_DIR, or a new Postgres database), and a call is placed the
// moment /healthz answers. Measured: process start → /healthz, and process start → the carrier's
// timeline showing the incoming webhook answered 200 with TwiML (the first answered call), as seen by
// polling the carrier every 2 ms. The carrier runs the manual clock: after the answer, the call waits
// in its greeting until the bench hangs up, and the centre is stopped only once nothing is in flight.
import { setTimeout as delay } from "node:timers/promises";
import { withScope } from "../lib/cleanup.js";
import { databaseTarget } from "../lib/centre-database.js";
import { databasesFor, type BenchContext } from "../lib/context.js";
import { untilStatusRecorded } from "../lib/caller.js";
import { figure, newResult, type BenchmarkResult } from "../lib/results.js";
import { median } from "../lib/stats.js";
import { alwaysOpenFlow, CENTRE_NUMBER, dataDirWithCredentials, freePort, provisionNumber, startCarrier, startCentre } from "../lib/system.js";
import { callerNumber } from "../lib/twilio-webhook.js";

const NAME = "startup";

export async function runStartup(ctx: BenchContext): Promise<BenchmarkResult> {
  const { options, log } = ctx;
  const result = newResult(NAME);
  await withScope(log, async (scope) => {
    const carrierDir = scope.tempDir("startup-carrier");
    const carrier = await startCarrier(scope, { dataDir: carrierDir, clock: "manual" });
    // Every run listens on the same port, so the number is provisioned once, before any centre runs.
    const port = await freePort();
    await provisionNumber(carrier.client, `http://127.0.0.1:${port}`);
    const flowFile = alwaysOpenFlow(carrierDir);

    for (const engine of databasesFor(ctx, ["embedded", "postgres"])) {
      const toHealth: number[] = [];
      const toAnswer: number[] = [];
      for (let run = 1; run <= options.repeat; run++) {
        const dataDir = dataDirWithCredentials(scope, carrierDir, `startup-${engine}`);
        const database = await databaseTarget(scope, engine, options.postgresUrl);
        const centre = await startCentre(scope, { dataDir, database, flowFile, port, twilioApiBaseUrl: carrier.url });
        const healthSeconds = (centre.healthyAt - centre.child.startedAt) / 1000;
        const sid = await carrier.client.placeCall(callerNumber(run), CENTRE_NUMBER);
        let answeredAt: number | undefined;
        for (const deadline = performance.now() + 30_000; answeredAt === undefined; await delay(2)) {
          if (performance.now() > deadline) throw new Error(`no answer to the first call within 30 s:\n${centre.child.output()}`);
          const timeline = (await carrier.client.call(sid)).timeline ?? [];
          const webhook = timeline.find((e) => e.type === "webhook" && e.purpose === "twiml");
          if (webhook && webhook.status !== 200) throw new Error(`the first call's webhook was answered ${String(webhook.status)}: ${JSON.stringify(webhook)}`);
          if (webhook && timeline.some((e) => e.type === "twiml")) answeredAt = performance.now();
        }
        const answerSeconds = (answeredAt - centre.child.startedAt) / 1000;
        // Let the greeting's <Play> fetch finish and the status callback be answered, then stop.
        await carrier.client.settled(sid, 30);
        await carrier.client.hangup(sid);
        await untilStatusRecorded(carrier.client, sid);
        await centre.stop();
        toHealth.push(healthSeconds);
        toAnswer.push(answerSeconds);
        log(`startup (${engine}) run ${run}: /healthz after ${healthSeconds.toFixed(2)} s, first call answered after ${answerSeconds.toFixed(2)} s`);
      }
      const runs = (values: number[]) => `runs: ${values.map((v) => v.toFixed(2)).join(", ")} s`;
      result.figures.push(
        figure(NAME, `${engine}, fresh, median of ${options.repeat}`, "start → /healthz", median(toHealth), "s", undefined, runs(toHealth)),
        figure(NAME, `${engine}, fresh, median of ${options.repeat}`, "start → first call answered", median(toAnswer), "s", undefined, runs(toAnswer)),
      );
    }
  });
  return result;
}
