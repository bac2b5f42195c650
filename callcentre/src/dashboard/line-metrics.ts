// Queue metrics of a department's line, from the line itself (queue_entries, surveys), with the
// definitions of docs/callcentre-domain.md §1 applied to the places callers took in it (§1.3), pure:
//   offered            = places taken in the line (callers who joined it)
//   answered           = callers an agent accepted; their wait ends at the acceptance
//   abandoned in queue = callers who hung up while waiting or while offered; their wait ends then
//   short abandon      = abandoned with a wait ≤ 5 s, in neither rate
//   deflected          = left the line (voicemail, maximum wait, nobody signed in, another department)
//                        or chose a call back (§5: a deflection, not an abandon), in neither rate
//   service level      = answered with wait ≤ 20 s ÷ (answered + abandoned with wait > 5 s) × 100
//   ASA                = mean wait of answered callers
//   longest wait now   = the longest wait among callers still on the phone in the line
// Call backs are counted from their places too: requested, completed (the conversation took place),
// failed (the customer never answered), and still pending.
import type { EntryRow } from "../repositories/queue-repository.js";
import { SHORT_ABANDON_SECONDS, visitFigures, type VisitCounts, type VisitRates } from "./queue-metrics.js";

/** `abandoned`: in queue with a wait over 5 s; `waiting`: on the phone in the line now (of those who joined it on the day). */
export interface LineMetrics extends VisitCounts, VisitRates {
  /** Seconds; 0 when nobody is on the line. */
  longestWaitNow: number;
  callbacks: { requested: number; completed: number; failed: number; pending: number };
  survey: { count: number; averageScore: number | null };
}

type Entry = Pick<EntryRow, "kind" | "status" | "enqueuedAt" | "connectedAt" | "endedAt">;

const seconds = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

export function lineMetrics(entries: readonly Entry[], survey: { count: number; averageScore: number | null }, now: Date): LineMetrics {
  const answeredWaits: number[] = [];
  const abandonedWaits: number[] = [];
  let shortAbandoned = 0;
  let deflected = 0;
  let waiting = 0;
  let longestWaitNow = 0;
  const callbacks = { requested: 0, completed: 0, failed: 0, pending: 0 };
  for (const entry of entries) {
    if (entry.kind === "callback") {
      deflected += 1;
      callbacks.requested += 1;
      if (entry.status === "ended") callbacks.completed += 1;
      else if (entry.status === "failed") callbacks.failed += 1;
      else callbacks.pending += 1;
    } else if (entry.connectedAt) answeredWaits.push(seconds(entry.enqueuedAt, entry.connectedAt));
    else if (entry.status === "abandoned") {
      const wait = seconds(entry.enqueuedAt, entry.endedAt ?? now);
      if (wait <= SHORT_ABANDON_SECONDS) shortAbandoned += 1;
      else abandonedWaits.push(wait);
    } else if (entry.status === "queued" || entry.status === "offered") {
      waiting += 1;
      longestWaitNow = Math.max(longestWaitNow, seconds(entry.enqueuedAt, now));
    } else deflected += 1;
  }
  return {
    ...visitFigures({ offered: entries.length, answeredWaits, abandonedWaits, shortAbandoned, deflected, waiting }),
    longestWaitNow,
    callbacks,
    survey,
  };
}
