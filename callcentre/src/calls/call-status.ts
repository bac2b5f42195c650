// A call's status as Twilio reports it, applied with the bookkeeping of its end. One code path for the
// status callback (routes/twilio/voice-routes.ts) and for the REST resource fetched when the callback
// never came (jobs/call-reconcile.ts).
import type { Queryable } from "../db/database.js";
import type { Repositories } from "../plugins/app/repositories.js";
import { isFinalStatus, type StatusCallbackReport } from "../repositories/calls-repository.js";

/**
 * Records the report once (by CallSid, status and SequenceNumber) and applies it. When the status is
 * final, a department visit still open ends: the caller hung up while the agents rang (abandoned) or
 * while talking (answered); Twilio makes no <Dial action> request for a caller who has gone. The visit
 * ends at `visitEndedAt`: our own clock for a callback, as for the visit's start, so that wait times
 * never mix two clocks; Twilio's end time when the report comes late from the REST API. Returns false
 * for a report already applied.
 */
export async function applyCallStatus(
  repositories: Pick<Repositories, "calls" | "transfers">,
  tx: Queryable,
  report: StatusCallbackReport,
  now: Date,
  visitEndedAt: Date = now,
): Promise<boolean> {
  const calls = repositories.calls.with(tx);
  if (!(await calls.applyStatusCallback(report, now))) return false;
  if (isFinalStatus(report.status)) {
    const visit = await repositories.transfers.with(tx).callEnded(report.sid, visitEndedAt);
    if (visit) await calls.applySummary(report.sid, { outcome: visit }, now);
  }
  return true;
}
