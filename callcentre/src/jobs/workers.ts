// Which handler works each queue, started once per process (the server; `npm run broadcast`), or
// run to completion in one go (tests, one-shot commands) with drain().
import type { FastifyBaseLogger } from "fastify";
import { QUEUES, type JobHandler, type Jobs, type QueueName } from "./jobs.js";

export type Handlers = { [Q in QueueName]?: JobHandler<never> };

/** Jobs fetched together per queue; sends within a batch still go through the rate limiter. */
const BATCH_SIZES: Partial<Record<QueueName, number>> = { "forecast-send": 20 };

export class Workers {
  private started = false;

  constructor(
    private readonly jobs: Jobs,
    private readonly handlers: Handlers,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts polling every queue; with `schedule`, installs the every-minute forecast dispatch, call reconciliation and wallboard alerts. */
  async start(options: { schedule?: boolean } = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const [name, handler] of Object.entries(this.handlers) as [QueueName, JobHandler<object>][]) {
      await this.jobs.work(name, handler, { batchSize: BATCH_SIZES[name] ?? 5 });
    }
    if (options.schedule) {
      await this.jobs.schedule(QUEUES.forecastDispatch, "* * * * *");
      await this.jobs.schedule(QUEUES.callReconcile, "* * * * *");
      await this.jobs.schedule(QUEUES.wallboardAlerts, "* * * * *");
    }
    this.log.debug({ queues: Object.keys(this.handlers) }, "workers started");
  }

  /** Runs every due job of every queue (and the jobs those create) until all queues are empty. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      let round = 0;
      for (const [name, handler] of Object.entries(this.handlers) as [QueueName, JobHandler<object>][]) {
        round += await this.jobs.drain(name, handler);
      }
      total += round;
      if (round === 0) return total;
    }
  }
}
