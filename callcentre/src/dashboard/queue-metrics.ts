// Queue metrics as defined in docs/callcentre-domain.md §1: computed from department visits, pure.
//   service level      = answered with wait ≤ 20 s ÷ (answered + abandoned with wait > 5 s)
//   abandonment rate   = abandoned with wait > 5 s ÷ (answered + abandoned with wait > 5 s)
//   ASA                = mean wait of answered visits
// Short abandons (wait ≤ 5 s) and deflections (nobody answered: on to voicemail or a callback) are
// counted and shown, but are in neither rate. An empty denominator gives null, shown as "—".
import type { TransferResult } from "../flows/voice-flow.js";

export const SERVICE_LEVEL_SECONDS = 20;
export const SHORT_ABANDON_SECONDS = 5;

/** How a department's visits ended (docs/callcentre-domain.md §1): the counts every metrics view shares. */
export interface VisitCounts {
  /** Visits that reached a department. */
  offered: number;
  answered: number;
  /** Answered with a wait of at most SERVICE_LEVEL_SECONDS (or the department's own threshold). */
  answeredWithinTarget: number;
  /** Abandoned with a wait over SHORT_ABANDON_SECONDS. */
  abandoned: number;
  shortAbandoned: number;
  deflected: number;
  /** Waiting for an agent now. */
  waiting: number;
}

/** The rates made from the counts: percentages and seconds, or null when there is nothing to divide by. */
export interface VisitRates {
  serviceLevel: number | null;
  abandonmentRate: number | null;
  averageSpeedOfAnswer: number | null;
}

/** Service level, abandonment rate and ASA: the one place their formulas are written. */
export function visitRates(c: Pick<VisitCounts, "answered" | "answeredWithinTarget" | "abandoned">, answeredWaitSum: number): VisitRates {
  const denominator = c.answered + c.abandoned;
  return {
    serviceLevel: denominator === 0 ? null : (c.answeredWithinTarget / denominator) * 100,
    abandonmentRate: denominator === 0 ? null : (c.abandoned / denominator) * 100,
    averageSpeedOfAnswer: c.answered === 0 ? null : answeredWaitSum / c.answered,
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The counts and rates of visits already sorted by how they ended: `answeredWaits` and `abandonedWaits`
 * (over SHORT_ABANDON_SECONDS) in seconds, the rest counted. Every live view builds its figures here.
 */
export function visitFigures(v: { offered: number; answeredWaits: number[]; abandonedWaits: number[]; shortAbandoned: number; deflected: number; waiting: number }): VisitCounts & VisitRates {
  const counts: VisitCounts = {
    offered: v.offered,
    answered: v.answeredWaits.length,
    answeredWithinTarget: v.answeredWaits.filter((wait) => wait <= SERVICE_LEVEL_SECONDS).length,
    abandoned: v.abandonedWaits.length,
    shortAbandoned: v.shortAbandoned,
    deflected: v.deflected,
    waiting: v.waiting,
  };
  return { ...counts, ...visitRates(counts, sum(v.answeredWaits)) };
}

export interface QueueVisit {
  department: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  result: TransferResult | null;
}

export interface QueueMetrics extends VisitCounts, VisitRates {
  /** Seconds. */
  averageAbandonTime: number | null;
  longestWait: number;
}

/** Seconds the caller waited: to the answer, to hanging up, or (still waiting) to now. */
export function waitSeconds(visit: QueueVisit, now: Date): number {
  const end = visit.answeredAt ?? visit.endedAt ?? now;
  return Math.max(0, (end.getTime() - visit.startedAt.getTime()) / 1000);
}

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

export function queueMetrics(visits: readonly QueueVisit[], now: Date): QueueMetrics {
  const answeredWaits: number[] = [];
  const abandonedWaits: number[] = [];
  let shortAbandoned = 0;
  let deflected = 0;
  let waiting = 0;
  let longestWait = 0;
  for (const visit of visits) {
    const wait = waitSeconds(visit, now);
    longestWait = Math.max(longestWait, wait);
    if (visit.answeredAt) answeredWaits.push(wait);
    else if (visit.result === "abandoned") {
      if (wait <= SHORT_ABANDON_SECONDS) shortAbandoned += 1;
      else abandonedWaits.push(wait);
    } else if (visit.result === "deflected") deflected += 1;
    else waiting += 1;
  }
  return {
    ...visitFigures({ offered: visits.length, answeredWaits, abandonedWaits, shortAbandoned, deflected, waiting }),
    averageAbandonTime: mean(abandonedWaits),
    longestWait,
  };
}

/** The same metrics for each department, in the order departments first appear. */
export function metricsByDepartment(visits: readonly QueueVisit[], now: Date): { department: string; metrics: QueueMetrics }[] {
  const groups = new Map<string, QueueVisit[]>();
  for (const visit of visits) groups.set(visit.department, [...(groups.get(visit.department) ?? []), visit]);
  return [...groups].map(([department, list]) => ({ department, metrics: queueMetrics(list, now) }));
}
