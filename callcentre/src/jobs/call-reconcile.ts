// The `call-reconcile` job: calls whose final status callback never came. Twilio (or a carrier that
// restarted) can lose a status callback, and the call would stay "in progress" on the Live page
// forever. A call that is not over and has shown no sign of life (no webhook, no status callback) for
// CALL_RECONCILE_AFTER_SECONDS is fetched from the REST API (GET Calls/{Sid}):
// - a final status there (completed, busy, failed, no-answer, canceled) closes it as the status
//   callback would have, with Twilio's end time and duration (calls/call-status.ts);
// - 404 (Twilio's 20404: Twilio no longer knows the call) closes it with status "unknown";
// - a call still in progress there stays open, and is asked about again later (the bound, doubled at
//   each check, at most an hour);
// - no answer (network, 5xx, 429 after the client's retries, a refused credential) leaves it for the
//   next check, with a warning.
// Runs every minute on pg-boss (one cron job for all instances), and on a timer of this process when
// the bound is shorter than a minute. Calls are claimed with SKIP LOCKED and each report is applied once,
// so any number of runners behave as one.
import type { FastifyBaseLogger } from "fastify";
import type { CallInstance } from "twilio/lib/rest/api/v2010/account/call.js";
import { applyCallStatus } from "../calls/call-status.js";
import type { Database } from "../db/database.js";
import type { Clock } from "../lib/clock.js";
import type { Repositories } from "../plugins/app/repositories.js";
import { CALL_STATUSES, isFinalStatus, type CallStatus, type StatusCallbackReport } from "../repositories/calls-repository.js";
import type { TwilioClient } from "../twilio-client.js";

/** Calls claimed (and looked up one after another) at a time. */
const BATCH = 20;
/** At most this many calls per run (a backlog is worked through over the next runs). */
const MAX_PER_RUN = 200;
/** Twilio's "resource not found". */
const NOT_FOUND = 20404;

export interface CallReconcilerDeps {
  db: Database;
  repositories: Pick<Repositories, "calls" | "transfers">;
  twilio: TwilioClient;
  clock: Clock;
  log: FastifyBaseLogger;
  /** CALL_RECONCILE_AFTER_SECONDS, in milliseconds. */
  afterMs: number;
  /** A call was closed: the Live page changes. */
  onClosed?: () => void;
}

export interface ReconcileResult {
  checked: number;
  closed: number;
}

/** What a REST error says, without the error itself: the client's errors carry the request (and its credentials). */
function describeFailure(error: unknown): { status?: number; code?: number | string; message: string } {
  const e = error as { status?: unknown; code?: unknown; message?: unknown };
  return {
    ...(typeof e.status === "number" ? { status: e.status } : {}),
    ...(typeof e.code === "number" || typeof e.code === "string" ? { code: e.code } : {}),
    message: typeof e.message === "string" ? e.message : "unknown error",
  };
}

export class CallReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileResult> | undefined;

  constructor(private readonly deps: CallReconcilerDeps) {}

  /** One run: the calls due for a check (up to 200) are looked up and, when they are over, closed. */
  async run(): Promise<ReconcileResult> {
    const total: ReconcileResult = { checked: 0, closed: 0 };
    for (;;) {
      const now = this.deps.clock();
      const quietSince = new Date(now.getTime() - this.deps.afterMs);
      const due = await this.deps.repositories.calls.claimQuiet(now, quietSince, this.deps.afterMs / 1000, BATCH);
      for (const call of due) {
        total.checked += 1;
        if (await this.reconcile(call.sid, call.lastActivityAt)) total.closed += 1;
      }
      if (due.length < BATCH || total.checked >= MAX_PER_RUN) break;
    }
    if (total.closed > 0) {
      this.deps.onClosed?.();
      this.deps.log.info(total, "calls without a final status callback reconciled");
    }
    return total;
  }

  /** With a bound under a minute, also runs every `afterMs` (pg-boss's cron runs once a minute). */
  startTimer(): void {
    if (this.deps.afterMs >= 60_000 || this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.run()
        .catch((error: unknown) => {
          this.deps.log.error({ err: error }, "call reconciliation failed");
          return { checked: 0, closed: 0 };
        })
        .finally(() => (this.running = undefined));
    }, this.deps.afterMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Looks the call up and closes it if it is over; true when it was closed here. */
  private async reconcile(sid: string, lastActivityAt: Date): Promise<boolean> {
    const log = this.deps.log.child({ callSid: sid });
    let call: CallInstance;
    try {
      call = await this.deps.twilio.calls(sid).fetch();
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.status === 404 && (failure.code === NOT_FOUND || failure.code === undefined)) return this.closeUnknown(sid, lastActivityAt);
      log.warn({ failure }, "call reconciliation: the REST API did not answer; the call is checked again later");
      return false;
    }
    const status = call.status as string;
    if (!(CALL_STATUSES as readonly string[]).includes(status) || !isFinalStatus(status as CallStatus)) {
      log.debug({ status }, "call reconciliation: still in progress at Twilio");
      return false;
    }
    const endedAt = call.endTime instanceof Date && !Number.isNaN(call.endTime.getTime()) ? call.endTime : undefined;
    const duration = Number.parseInt(String(call.duration ?? ""), 10);
    return this.close(
      {
        sid,
        accountSid: call.accountSid,
        from: call.from,
        to: call.to,
        direction: call.direction,
        status: status as CallStatus,
        reportedAt: endedAt,
        durationSeconds: Number.isNaN(duration) ? undefined : duration,
        // Kept in status_callbacks beside the callbacks Twilio sent: what the REST API said.
        params: { CallbackSource: "reconciliation", CallStatus: status, ...(Number.isNaN(duration) ? {} : { CallDuration: String(duration) }), ...(endedAt ? { EndTime: endedAt.toISOString() } : {}) },
      },
      endedAt ?? this.deps.clock(),
      { status },
    );
  }

  /** Twilio does not know the call (404): it ended when it was last heard of, how is unknown. */
  private async closeUnknown(sid: string, lastActivityAt: Date): Promise<boolean> {
    const row = await this.deps.repositories.calls.get(sid);
    if (!row) return false;
    return this.close(
      {
        sid,
        accountSid: row.accountSid,
        from: row.from,
        to: row.to,
        direction: row.direction,
        status: "unknown",
        reportedAt: lastActivityAt,
        params: { CallbackSource: "reconciliation", CallStatus: "unknown", ErrorCode: String(NOT_FOUND) },
      },
      lastActivityAt,
      { status: "unknown", reason: `not found at Twilio (${NOT_FOUND})` },
    );
  }

  /** The status callback's code path, then a step that says where the status came from. */
  private async close(report: StatusCallbackReport, visitEndedAt: Date, detail: Record<string, unknown>): Promise<boolean> {
    const now = this.deps.clock();
    const closed = await this.deps.db.transaction(async (tx) => {
      if (!(await applyCallStatus(this.deps.repositories, tx, report, now, visitEndedAt))) return false;
      await this.deps.repositories.calls.with(tx).addEvents(report.sid, [{ kind: "call.reconciled", detail: { ...detail, source: "rest" } }], now);
      return true;
    });
    if (closed) this.deps.log.child({ callSid: report.sid }).info({ status: report.status }, "call closed by reconciliation: its final status callback never came");
    return closed;
  }
}
