// What a load run gives, whichever generator ran it (wrk flat out: wrk.ts; open loop at a fixed
// rate: paced.ts), and whether it went cleanly.

export interface LoadOptions {
  url: string;
  path: string;
  durationSeconds: number;
  /** A new request: body and headers (e.g. a new signed webhook), and its id (e.g. the CallSid). */
  build: () => { id: string; body: string; headers: Record<string, string> };
  /** Whether an answer is the right one (status 200 and the expected body). */
  accept: (status: number, body: string) => boolean;
}

export interface LoadResult {
  durationSeconds: number;
  responses: number;
  /** Answers that passed `accept`. */
  accepted: number;
  /** The ids of the requests whose answers passed `accept`. */
  acceptedIds: string[];
  /** Answers that did not (wrong status or body). */
  rejected: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  /** Accepted answers per second. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** A few rejected answers, for the report. */
  samples: string[];
}

/** Nothing went wrong: no connection error, no timeout, every answer accepted. */
export const clean = (r: LoadResult): boolean => r.errors === 0 && r.timeouts === 0 && r.rejected === 0 && r.non2xx === 0;

export function describeProblems(r: LoadResult): string {
  return `${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx, ${r.rejected} answers rejected (statuses ${JSON.stringify(r.statusCounts)})${r.samples.length ? `; e.g. ${r.samples.join(" | ")}` : ""}`;
}
