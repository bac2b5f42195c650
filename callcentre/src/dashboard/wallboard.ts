// The wallboard's tiles for each queue department (docs/wallboard.md), from the same computations as
// the Live page (live-lines.ts: who waits, since when, and how the agents stand) and the Metrics page
// (line-metrics.ts: service level and abandonment by docs/callcentre-domain.md §1), so the three never
// disagree. The windows: today (from local midnight in the centre's zone, as on the Metrics page) and
// the last 30 minutes; a place counts in a window when its wait began in it.
import type { Flow, ThresholdSettings } from "../flows/flow-schema.js";
import { isQueueDepartment } from "../flows/flow-schema.js";
import type { Clock } from "../lib/clock.js";
import type { Repositories } from "../plugins/app/repositories.js";
import type { AgentState } from "../repositories/agents-repository.js";
import type { EntryRow } from "../repositories/queue-repository.js";
import { localDate } from "../sms/schedule.js";
import { localDayRange } from "./format.js";
import { lineMetrics, type LineMetrics } from "./line-metrics.js";
import { liveLines, STATE_ORDER, type LiveAgent, type LiveLine } from "./live-lines.js";
import { checkThresholds, type ThresholdCheck } from "./wallboard-thresholds.js";

/** The recent window's length. */
export const RECENT_MINUTES = 30;

/** A window's figures: line-metrics.ts's, for the places whose wait began in it. */
export type WindowFigures = Pick<
  LineMetrics,
  "offered" | "answered" | "answeredWithinTarget" | "abandoned" | "shortAbandoned" | "deflected" | "serviceLevel" | "abandonmentRate" | "averageSpeedOfAnswer"
>;

export interface BoardAgent {
  id: string;
  name: string;
  reason: string | null;
  /** When they entered their state. */
  since: string;
  overflow: boolean;
}

export interface WallboardDepartment {
  /** The department's node id, and its name. */
  department: string;
  name: string;
  /** Callers on the phone in the line now (call backs holding a place are not on the phone). */
  waiting: number;
  callbacks: number;
  /** When the longest-waiting caller on the phone began to wait; the tile ticks from it. */
  longestWaitingSince: string | null;
  longestWaitSeconds: number;
  /** Conversations of this line's callers with an agent now, and offers ringing an agent. */
  callsInProgress: number;
  offersRinging: number;
  today: WindowFigures;
  last30Minutes: WindowFigures;
  /** The department's agents by state, longest in the state first. */
  agents: Record<AgentState, BoardAgent[]>;
  thresholds: ThresholdSettings | null;
  checks: ThresholdCheck[];
}

export interface Wallboard {
  now: string;
  timezone: string;
  /** Today, in the centre's zone. */
  date: string;
  departments: WallboardDepartment[];
}

type Entry = Pick<EntryRow, "department" | "kind" | "status" | "enqueuedAt" | "connectedAt" | "endedAt">;

const NO_SURVEY = { count: 0, averageScore: null };

function windowFigures(entries: readonly Entry[], from: Date, to: Date, now: Date): WindowFigures {
  const m = lineMetrics(
    entries.filter((e) => e.enqueuedAt >= from && e.enqueuedAt < to),
    NO_SURVEY,
    now,
  );
  return {
    offered: m.offered,
    answered: m.answered,
    answeredWithinTarget: m.answeredWithinTarget,
    abandoned: m.abandoned,
    shortAbandoned: m.shortAbandoned,
    deflected: m.deflected,
    serviceLevel: m.serviceLevel,
    abandonmentRate: m.abandonmentRate,
    averageSpeedOfAnswer: m.averageSpeedOfAnswer,
  };
}

export interface BoardWindows {
  /** Today: local midnight to the next, in the centre's zone. */
  day: { from: Date; to: Date };
  now: Date;
}

/** One department's tiles, pure: its live line, every agent now, and the places taken in lines since `windows.day.from` (or earlier). */
export function departmentBoard(
  line: LiveLine,
  agents: readonly LiveAgent[],
  entries: readonly Entry[],
  windows: BoardWindows,
  thresholds: ThresholdSettings | undefined,
): WallboardDepartment {
  const { now, day } = windows;
  const own = entries.filter((e) => e.department === line.department);
  const today = windowFigures(own, day.from, day.to, now);
  const last30Minutes = windowFigures(own, new Date(now.getTime() - RECENT_MINUTES * 60_000), new Date(now.getTime() + 1), now);
  const longestWaitSeconds = line.longestWaitingSince ? Math.max(0, Math.round((now.getTime() - Date.parse(line.longestWaitingSince)) / 1000)) : 0;
  // An agent's call names its department by name (live-lines.ts), as the line does.
  const calls = agents.flatMap((a) => (a.call && a.call.department === line.name ? [a.call] : []));
  const byState = Object.fromEntries(STATE_ORDER.map((state) => [state, [] as BoardAgent[]])) as Record<AgentState, BoardAgent[]>;
  for (const a of line.agents) byState[a.state].push({ id: a.id, name: a.name, reason: a.reason, since: a.since, overflow: a.overflow });
  return {
    department: line.department,
    name: line.name,
    waiting: line.waiting,
    callbacks: line.callbacks,
    longestWaitingSince: line.longestWaitingSince,
    longestWaitSeconds,
    callsInProgress: calls.filter((c) => !c.ringing).length,
    offersRinging: calls.filter((c) => c.ringing).length,
    today,
    last30Minutes,
    agents: byState,
    thresholds: thresholds ?? null,
    checks: checkThresholds(
      {
        waiting: line.waiting,
        longestWaitSeconds,
        serviceLevelLast30Minutes: last30Minutes.serviceLevel,
        serviceLevelToday: today.serviceLevel,
        abandonmentToday: today.abandonmentRate,
      },
      thresholds,
    ),
  };
}

export interface WallboardDeps {
  flow: Flow;
  /** Read through a transaction's connection when given one (the alerts' evaluation does). */
  repositories: Pick<Repositories, "agents" | "queue" | "monitors">;
  clock: Clock;
  /** The centre's zone (the flow's timezone). */
  zone: string;
}

/** The departments with a queue, in flow order. */
export const boardDepartments = (flow: Flow) => Object.entries(flow.nodes).flatMap(([id, node]) => (isQueueDepartment(node) ? [{ id, name: node.name, node }] : []));

/** The wallboard now: every queue department, or only `department` (a node id; it must be one of them). */
export async function buildWallboard(deps: WallboardDeps, department?: string): Promise<Wallboard> {
  const { flow, repositories, zone } = deps;
  const now = deps.clock();
  const { lines, agents } = await liveLines(flow, repositories);
  const date = localDate(now, zone);
  const day = localDayRange(date, zone);
  const recentFrom = new Date(now.getTime() - RECENT_MINUTES * 60_000);
  const entries = await repositories.queue.enteredBetween(recentFrom < day.from ? recentFrom : day.from, new Date(Math.max(day.to.getTime(), now.getTime() + 1)));
  const thresholdsOf = new Map(boardDepartments(flow).map((d) => [d.id, d.node.queue.thresholds]));
  return {
    now: now.toISOString(),
    timezone: zone,
    date,
    departments: lines
      .filter((line) => department === undefined || line.department === department)
      .map((line) => departmentBoard(line, agents, entries, { day, now }, thresholdsOf.get(line.department))),
  };
}
