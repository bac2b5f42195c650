// What a caller waiting in a department's queue hears about their place in it: their position, and an
// estimated wait only when the department's recent calls support one. Pure: the caller gathers the
// figures (the position from Twilio's waitUrl request, the agents and handle times from the database).
// The rules are written out for people in docs/queue.md, "What callers hear in the queue".

export interface WaitInput {
  /** Twilio's QueuePosition: 1 is next in line. A whole number, at least 1. */
  position: number;
  /** Agents of the department signed in and not on a break: available, busy or offered, or in wrap-up. */
  agentsWorking: number;
  /** Of agentsWorking, those available now. */
  agentsAvailable: number;
  /**
   * Handle times (talk plus wrap-up, in seconds) of the department's recent answered calls: the caller
   * chooses the window (e.g. the last 20 within 4 hours). Each finite and at least 0; any order.
   */
  recentHandleSeconds: readonly number[];
  /**
   * Twilio's AvgQueueTime for the queue, if the request carried it. It never changes what is said: it
   * is how long the callers in the queue now have waited so far, not how long a caller will wait. It
   * is kept in the basis, beside the estimate, for the log.
   */
  avgQueueSeconds?: number;
}

/** Why no wait is announced (the position still is). */
export type WaitWithheld = "too-few-calls" | "no-agents-working" | "no-handle-time" | "too-variable";

/** What the announcement rests on: for the log, never said to the caller. */
export interface WaitBasis {
  /** How many handle times there were. */
  calls: number;
  /** Their median, when there were any. */
  ahtSeconds?: number;
  /** Their interquartile range, when there were any. */
  iqrSeconds?: number;
  /** Callers who need an agent to finish a call before this one is answered. */
  callsAhead?: number;
  /** The estimated wait before rounding, when one was made. */
  ewtSeconds?: number;
  avgQueueSeconds?: number;
  withheld?: WaitWithheld;
}

export interface WaitAnnouncement {
  position: number;
  /**
   * The wait announced, in whole minutes rounded up: 0 ("less than a minute") only when an agent is
   * free for this caller now, 1 ("about 1 minute") for any wait up to 60 s, and above 60, "more than an
   * hour". Absent when no wait is announced.
   */
  minutes?: number;
  /** The words to say, e.g. "You are number 2 in line. Your wait is about 3 minutes." */
  phrase: string;
  basis: WaitBasis;
}

/** Fewer recent calls than this, and the wait is not announced: a median of 4 calls is anecdote. */
export const MIN_HANDLE_TIMES = 5;
/** A spread (interquartile range) wider than this many medians, and the wait is not announced. */
export const MAX_SPREAD_MEDIANS = 2;
/** Above this many minutes the wait is "more than an hour". */
export const MAX_ANNOUNCED_MINUTES = 60;

/**
 * The position, and the estimated wait when the figures support one.
 *
 *   AHT = median of recentHandleSeconds
 *   EWT = max(position − agentsAvailable, 0) × AHT ÷ agentsWorking
 *   minutes = ceil(EWT ÷ 60)
 *
 * The first agentsAvailable callers are answered by the agents free now. Each caller after them waits
 * for an agent to finish a call, and agentsWorking agents finish calls at a rate of about agentsWorking
 * ÷ AHT a second, so the caller at `position` waits for (position − agentsAvailable) of them. Taking a
 * whole AHT for a busy agent's remaining time (rather than half) errs long, as does rounding up: a wait
 * that ends sooner than announced is a better surprise than the reverse. The median, not the mean,
 * so that one very long call does not move the estimate.
 *
 * The wait is withheld (the position alone is said) when the data cannot support it:
 * - fewer than MIN_HANDLE_TIMES handle times ("too-few-calls");
 * - agentsWorking is 0: no agent will free up at any rate we know ("no-agents-working");
 * - the median handle time is 0: calls answered and ended at once say nothing about the wait
 *   ("no-handle-time");
 * - the interquartile range is more than MAX_SPREAD_MEDIANS × the median: calls vary so much that
 *   any single figure would mislead ("too-variable"). Quartiles interpolate between the sorted values.
 *
 * Throws a RangeError on figures that cannot happen: a position that is not a whole number from 1,
 * agent counts that are not whole numbers from 0, more agents available than working, a handle time
 * that is negative or not finite.
 */
export function estimateWait(input: WaitInput): WaitAnnouncement {
  const { position, agentsWorking, agentsAvailable } = input;
  if (!Number.isInteger(position) || position < 1) throw new RangeError(`position must be a whole number from 1: ${position}`);
  for (const [name, count] of [["agentsWorking", agentsWorking], ["agentsAvailable", agentsAvailable]] as const) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`${name} must be a whole number from 0: ${count}`);
  }
  if (agentsAvailable > agentsWorking) {
    throw new RangeError(`agentsAvailable (${agentsAvailable}) is more than agentsWorking (${agentsWorking})`);
  }
  const handle = [...input.recentHandleSeconds].sort((a, b) => a - b);
  for (const seconds of handle) {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`a handle time must be finite and at least 0: ${seconds}`);
  }

  const where = position === 1 ? "You are next in line." : `You are number ${position} in line.`;
  const basis: WaitBasis = { calls: handle.length };
  if (input.avgQueueSeconds !== undefined && Number.isFinite(input.avgQueueSeconds)) basis.avgQueueSeconds = input.avgQueueSeconds;
  if (handle.length > 0) {
    basis.ahtSeconds = quantile(handle, 0.5);
    basis.iqrSeconds = quantile(handle, 0.75) - quantile(handle, 0.25);
  }
  const withheld = (reason: WaitWithheld): WaitAnnouncement => ({ position, phrase: where, basis: { ...basis, withheld: reason } });

  if (handle.length < MIN_HANDLE_TIMES) return withheld("too-few-calls");
  if (agentsWorking === 0) return withheld("no-agents-working");
  const aht = basis.ahtSeconds ?? 0;
  const iqr = basis.iqrSeconds ?? 0;
  if (aht === 0) return withheld("no-handle-time");
  if (iqr > MAX_SPREAD_MEDIANS * aht) return withheld("too-variable");

  const callsAhead = Math.max(position - agentsAvailable, 0);
  const ewtSeconds = (callsAhead * aht) / agentsWorking;
  const minutes = Math.ceil(ewtSeconds / 60);
  return { position, minutes, phrase: `${where} ${waitWords(minutes)}`, basis: { ...basis, callsAhead, ewtSeconds } };
}

function waitWords(minutes: number): string {
  if (minutes === 0) return "Your wait is less than a minute.";
  if (minutes === 1) return "Your wait is about 1 minute.";
  if (minutes <= MAX_ANNOUNCED_MINUTES) return `Your wait is about ${minutes} minutes.`;
  return "Your wait is more than an hour.";
}

/** The q-quantile of sorted, non-empty values, interpolating between neighbours (R's type 7, numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const low = sorted[below] ?? 0;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (at - below);
}
