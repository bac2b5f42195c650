// Background work on pg-boss, in the app's own database, on pg-boss's own connections: jobs are
// inserted in the same transaction as the rows they act on (through that transaction's connection), so
// a crash can neither lose a job nor run one for a row that was rolled back. Handlers must be
// idempotent: pg-boss delivers at least once.
import type { FastifyBaseLogger } from "fastify";
import PgBoss from "pg-boss";
import type { Database, Queryable } from "../db/database.js";

export const QUEUES = {
  /** One daily forecast (a forecast_deliveries row) to send. */
  forecastSend: "forecast-send",
  /** Every minute: turn due subscriptions into forecast deliveries. */
  forecastDispatch: "forecast-dispatch",
  /** A forecast asked for by text that was not ready within the webhook's budget, sent by REST. */
  smsReply: "sms-reply",
  /** A notice this service sends on its own behalf (voicemail to the on-call agent). */
  notificationSend: "notification-send",
  /** Every minute: close calls whose final status callback never came (jobs/call-reconcile.ts). */
  callReconcile: "call-reconcile",
  /** Every minute: the wallboard's thresholds; a new breach texts the accounts on duty (jobs/wallboard-alerts.ts). */
  wallboardAlerts: "wallboard-alerts",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface RetryPolicy {
  retryLimit: number;
  /** Seconds before the first retry; doubled at each retry when `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /** Seconds a job may stay active before pg-boss takes its worker to be dead and retries it. */
  expireInSeconds: number;
}

const DEFAULT_POLICIES: Record<QueueName, RetryPolicy> = {
  "forecast-send": { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  "forecast-dispatch": { retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 300 },
  "sms-reply": { retryLimit: 4, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
  "notification-send": { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  "call-reconcile": { retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 300 },
  "wallboard-alerts": { retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 120 },
};

export interface JobsOptions {
  db: Database;
  log: FastifyBaseLogger;
  /** pg-boss maintenance (expiring dead workers' jobs, archiving). On in the server, off in most tests. */
  supervise?: boolean;
  /** pg-boss cron schedules. */
  schedule?: boolean;
  pollingIntervalSeconds?: number;
  /** Overrides per queue (tests retry at once). */
  policies?: Partial<Record<QueueName, Partial<RetryPolicy>>>;
}

export interface NewJob<T extends object = object> {
  name: QueueName;
  data: T;
  startAfter?: Date;
  singletonKey?: string;
}

export interface JobContext {
  /** 0 on the first attempt. */
  retryCount: number;
  /** True when pg-boss will not try again if this attempt fails. */
  lastAttempt: boolean;
}

export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>;

/** pg-boss inserts jobs through this inside the app's transactions. */
function bossDb(q: Queryable): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      const rows = values && values.length > 0 ? await q.query(text, values) : await q.script(text);
      return { rows };
    },
  };
}

export class Jobs {
  readonly boss: PgBoss;
  private readonly policies: Record<QueueName, RetryPolicy>;
  private readonly workers = new Map<QueueName, string[]>();
  private started = false;

  constructor(private readonly options: JobsOptions) {
    const { db } = options;
    this.policies = Object.fromEntries(
      Object.entries(DEFAULT_POLICIES).map(([name, policy]) => [name, { ...policy, ...options.policies?.[name as QueueName] }]),
    ) as Record<QueueName, RetryPolicy>;
    this.boss = new PgBoss({
      connectionString: db.url,
      max: 4,
      application_name: "callcentre-jobs",
      schema: db.schema ? `${db.schema}_jobs` : "pgboss",
      migrate: true,
      supervise: options.supervise ?? false,
      schedule: options.schedule ?? false,
      // Completed jobs are only kept for a day: the tables of record are the app's own.
      deleteAfterDays: 1,
    });
    this.boss.on("error", (error) => options.log.error({ err: error }, "job queue error"));
  }

  /** Installs or upgrades pg-boss's tables and creates the queues. Idempotent; safe with several instances. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    for (const [name, policy] of Object.entries(this.policies)) {
      if (await this.boss.getQueue(name)) {
        await this.boss.updateQueue(name, { name, ...policy });
        continue;
      }
      try {
        await this.boss.createQueue(name, { name, ...policy });
      } catch (error) {
        // Another instance created it between the check and here.
        if (!(await this.boss.getQueue(name))) throw error;
      }
    }
    this.started = true;
  }

  /**
   * Inserts jobs; with `tx`, inside that transaction, so they exist exactly when the rows written
   * with them do. Wakes this process's workers for jobs that are due now.
   */
  async enqueue(jobs: NewJob[], tx?: Queryable): Promise<void> {
    if (jobs.length === 0) return;
    const rows: PgBoss.JobInsert[] = jobs.map((job) => ({
      name: job.name,
      data: job.data,
      ...(job.startAfter ? { startAfter: job.startAfter } : {}),
      ...(job.singletonKey ? { singletonKey: job.singletonKey } : {}),
      ...this.policyFor(job.name),
    }));
    await this.boss.insert(rows, tx ? { db: bossDb(tx) } : {});
  }

  /** Wakes the workers of a queue (after a transaction that enqueued into it has committed). */
  notify(name: QueueName): void {
    for (const id of this.workers.get(name) ?? []) this.boss.notifyWorker(id);
  }

  /**
   * Runs `handler` for each job of `name`, `batchSize` at a time. A job whose handler throws is failed
   * on its own (pg-boss retries it by the queue's policy); the others in the batch complete.
   */
  async work<T extends object>(name: QueueName, handler: JobHandler<T>, options: { batchSize?: number } = {}): Promise<void> {
    const batchSize = options.batchSize ?? 1;
    let id = "";
    id = await this.boss.work<T>(
      name,
      { batchSize, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
      async (jobs) => {
        await this.runBatch(name, jobs, handler);
        // pg-boss waits out the polling interval after every fetch. A full batch means more jobs are
        // likely waiting (a broadcast): fetch again at once, or the interval, not the rate cap, sets the pace.
        if (jobs.length >= batchSize) this.boss.notifyWorker(id);
      },
    );
    this.workers.set(name, [...(this.workers.get(name) ?? []), id]);
  }

  /** Fetches and runs due jobs of `name` until none is left; for tests and one-shot commands. */
  async drain<T extends object>(name: QueueName, handler: JobHandler<T>, batchSize = 20): Promise<number> {
    let done = 0;
    for (;;) {
      const jobs = await this.boss.fetch<T>(name, { batchSize, includeMetadata: true });
      if (jobs.length === 0) return done;
      await this.runBatch(name, jobs, handler);
      await this.boss.complete(
        name,
        jobs.map((job) => job.id),
      );
      done += jobs.length;
    }
  }

  async schedule(name: QueueName, cron: string): Promise<void> {
    await this.boss.schedule(name, cron, {}, { tz: "UTC" });
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, close: true, timeout: 10_000 });
  }

  private policyFor(name: QueueName): Pick<PgBoss.JobInsert, "retryLimit" | "retryDelay" | "retryBackoff" | "expireInSeconds"> {
    const { retryLimit, retryDelay, retryBackoff, expireInSeconds } = this.policies[name];
    return { retryLimit, retryDelay, retryBackoff, expireInSeconds };
  }

  private async runBatch<T extends object>(name: QueueName, jobs: PgBoss.JobWithMetadata<T>[], handler: JobHandler<T>) {
    await Promise.all(
      jobs.map(async (job) => {
        try {
          await handler(job.data, { retryCount: job.retryCount, lastAttempt: job.retryCount >= job.retryLimit });
        } catch (error) {
          this.options.log.warn({ err: error, queue: name, job: job.id, retry: job.retryCount }, "job failed");
          await this.boss.fail(name, job.id, { message: (error as Error).message });
        }
      }),
    );
  }
}
