// Queue metrics as defined in docs/callcentre-domain.md §1: computed from department visits, pure.
//   service level      = answered with wait ≤ 20 s ÷ (answered + abandoned with wait > 5 s)
//   abandonment rate   = abandoned with wait > 5 s ÷ (answered + abandoned with wait > 5 s)
//   ASA                = mean wait of answered visits
// Short abandons (wait ≤ 5 s) and deflections (nobody answered: on to voicemail or a callback) are
// counted and shown, but are in neither rate. An empty denominator gives null, shown as "—".
import type { TransferResult } from "../flows/voice-flow.js";

export const SERVICE_LEVEL_SECONDS = 20;
export const SHORT_ABANDON_SECONDS = 5;

export interface QueueVisit {
  department: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  result: TransferResult | null;
}

export interface QueueMetrics {
  /** Visits that reached a department. */
  offered: number;
  answered: number;
  answeredWithinTarget: number;
  /** Abandoned with a wait over 5 s. */
  abandoned: number;
  shortAbandoned: number;
  deflected: number;
  /** Waiting for an agent now. */
  waiting: number;
  /** Percentages, or null when there is nothing to divide by. */
  serviceLevel: number | null;
  abandonmentRate: number | null;
  /** Seconds. */
  averageSpeedOfAnswer: number | null;
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
  const answeredWithinTarget = answeredWaits.filter((wait) => wait <= SERVICE_LEVEL_SECONDS).length;
  const denominator = answeredWaits.length + abandonedWaits.length;
  return {
    offered: visits.length,
    answered: answeredWaits.length,
    answeredWithinTarget,
    abandoned: abandonedWaits.length,
    shortAbandoned,
    deflected,
    waiting,
    serviceLevel: denominator === 0 ? null : (answeredWithinTarget / denominator) * 100,
    abandonmentRate: denominator === 0 ? null : (abandonedWaits.length / denominator) * 100,
    averageSpeedOfAnswer: mean(answeredWaits),
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
