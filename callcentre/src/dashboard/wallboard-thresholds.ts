// A queue department's figures against its wallboard thresholds (the `thresholds` of its `queue` block,
// docs/wallboard.md), pure. Each configured limit gives a check: "ok", "near" (amber: close to the
// limit) or "breached" (red), with the reason in words, so a tile never says it by colour alone.
//   waiting          breached when callers on the phone in the line > waitingOver
//   longest wait     breached when the longest wait now (seconds) > longestWaitOver
//   service level    breached when the service level < serviceLevelBelow (last 30 minutes; today's
//                    tile is judged by the same limit, but only the last 30 minutes raise an alert)
//   abandonment      breached when today's abandonment rate > abandonmentOver
// A rate with nothing to divide by ("—") is never a breach. Near (our rule): an "over" figure at 80 %
// of its limit or more, a service level less than 5 points above its target.
import type { ThresholdSettings } from "../flows/flow-schema.js";
import { duration } from "./format.js";

/** The measures a breach is kept for (wallboard_breaches.measure). */
export const ALERT_MEASURES = ["waiting", "longest-wait", "service-level", "abandonment"] as const;
export type AlertMeasure = (typeof ALERT_MEASURES)[number];
/** The tiles a threshold colours: the alert measures, and today's service level. */
export type TileMeasure = AlertMeasure | "service-level-today";

export type CheckLevel = "ok" | "near" | "breached";

export interface ThresholdCheck {
  measure: TileMeasure;
  level: CheckLevel;
  /** The figure (null: "—", nothing to divide by) and the limit, in the threshold's unit. */
  value: number | null;
  limit: number;
  /** Why, in words: "over the 2:00 limit", "near the 10 callers limit", "below the 80 % target". */
  text: string;
}

export interface ThresholdFigures {
  waiting: number;
  longestWaitSeconds: number;
  serviceLevelLast30Minutes: number | null;
  serviceLevelToday: number | null;
  abandonmentToday: number | null;
}

/** An "over" figure is near its limit from this share of it. */
export const NEAR_SHARE = 0.8;
/** A service level is near its target this many points above it. */
export const NEAR_POINTS = 5;

const pct = (value: number) => `${Number.isInteger(value) ? value : value.toFixed(1)} %`;

function over(measure: TileMeasure, value: number | null, limit: number, unit: (n: number) => string): ThresholdCheck {
  if (value === null) return { measure, level: "ok", value, limit, text: "" };
  if (value > limit) return { measure, level: "breached", value, limit, text: `over the ${unit(limit)} limit` };
  if (limit > 0 && value >= limit * NEAR_SHARE) return { measure, level: "near", value, limit, text: `near the ${unit(limit)} limit` };
  return { measure, level: "ok", value, limit, text: "" };
}

function below(measure: TileMeasure, value: number | null, limit: number): ThresholdCheck {
  if (value === null) return { measure, level: "ok", value, limit, text: "" };
  if (value < limit) return { measure, level: "breached", value, limit, text: `below the ${pct(limit)} target` };
  if (value < limit + NEAR_POINTS) return { measure, level: "near", value, limit, text: `near the ${pct(limit)} target` };
  return { measure, level: "ok", value, limit, text: "" };
}

/** The checks of the configured limits (none without thresholds), in tile order. */
export function checkThresholds(figures: ThresholdFigures, thresholds: ThresholdSettings | undefined): ThresholdCheck[] {
  if (!thresholds) return [];
  const checks: ThresholdCheck[] = [];
  if (thresholds.waitingOver !== undefined) {
    checks.push(over("waiting", figures.waiting, thresholds.waitingOver, (n) => `${n} ${n === 1 ? "caller" : "callers"}`));
  }
  if (thresholds.longestWaitOver !== undefined) checks.push(over("longest-wait", figures.longestWaitSeconds, thresholds.longestWaitOver, duration));
  if (thresholds.serviceLevelBelow !== undefined) {
    checks.push(below("service-level", figures.serviceLevelLast30Minutes, thresholds.serviceLevelBelow));
    checks.push(below("service-level-today", figures.serviceLevelToday, thresholds.serviceLevelBelow));
  }
  if (thresholds.abandonmentOver !== undefined) checks.push(over("abandonment", figures.abandonmentToday, thresholds.abandonmentOver, pct));
  return checks;
}

/** The breaches that raise alerts: every breached check but today's service level. */
export function alertBreaches(checks: readonly ThresholdCheck[]): (ThresholdCheck & { measure: AlertMeasure })[] {
  return checks.filter((c): c is ThresholdCheck & { measure: AlertMeasure } => c.level === "breached" && (ALERT_MEASURES as readonly string[]).includes(c.measure));
}
