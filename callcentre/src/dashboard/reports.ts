// The Reports page's figures (docs/dashboard.md, "Reports"), pure: the sums reports-repository.ts
// reads per department, local day and local hour are added up into each table's rows, and the rates
// and means are made from them with the formulas of docs/callcentre-domain.md §1:
//   service level    = answered within the department's threshold ÷ (answered + abandoned after 5 s) × 100
//   abandonment rate = abandoned after 5 s ÷ (answered + abandoned after 5 s) × 100
//   ASA              = total wait of answered visits ÷ answered visits
//   average wait     = total wait of every visit ÷ visits (our choice: deflected ones and those still
//                      waiting count too, up to when they left or now: the caller was waiting then)
//   AHT              = (talk, hold included, + wrap-up) ÷ handled calls whose conversation has ended
//   occupancy        = time on calls and in wrap-up ÷ time signed in and not on break × 100
// A rate or mean with nothing to divide by is null, shown "—".
import type { AgentSums, CountCell, VisitCell, WaitBinRow } from "../repositories/reports-repository.js";
import { visitRates, type VisitCounts, type VisitRates } from "./queue-metrics.js";
import { addDays } from "../sms/schedule.js";

/** The longest range a report covers, in days: a leap year. */
export const MAX_REPORT_DAYS = 366;

/** The waits distribution's bins: inclusive upper bounds in seconds (20 s, the usual target, is a bound). */
export const WAIT_BIN_BOUNDS = [10, 20, 30, 60, 120, 300, 600] as const;

export interface Sums extends VisitCounts {
  answeredWaitSum: number;
  abandonedWaitSum: number;
  waitSum: number;
  waitMax: number;
  callbacksRequested: number;
  callbacksCompleted: number;
  voicemails: number;
  surveyCount: number;
  surveySum: number;
}

export interface DepartmentFigures extends VisitCounts, VisitRates {
  /** Seconds. */
  averageAbandonTime: number | null;
  averageWait: number | null;
  longestWait: number;
  callbacksRequested: number;
  callbacksCompleted: number;
  voicemails: number;
  surveyCount: number;
  surveyAverage: number | null;
}

export interface AgentFigures {
  agentId: string;
  name: string;
  handled: number;
  /** Seconds, over the handled calls whose conversation has ended. */
  averageHandleTime: number | null;
  averageWrapUp: number | null;
  /** Percent. */
  occupancy: number | null;
  missedOffers: number;
  transfers: number;
  surveyCount: number;
  surveyAverage: number | null;
}

export interface WaitBin {
  /** "0–10 s", "over 600 s". */
  label: string;
  /** Inclusive upper bound in seconds; null for the open last bin. */
  upTo: number | null;
  answered: number;
  abandoned: number;
  /** Deflected, or still waiting. */
  other: number;
}

export interface Report {
  from: string;
  to: string;
  timezone: string;
  /** The department filter's node id, or null for all. */
  department: string | null;
  shortAbandonSeconds: number;
  departments: { department: string; name: string; serviceLevelSeconds: number; serviceLevelTarget: number | null; figures: DepartmentFigures }[];
  /** Every department in the report together. */
  total: DepartmentFigures;
  /** Every local day of the range, with its length in hours (23 or 25 across a DST change). */
  days: { day: string; hours: number; figures: DepartmentFigures }[];
  /** Each local hour of the day, 0–23, over the whole range. */
  hours: { hour: number; figures: DepartmentFigures }[];
  waits: WaitBin[];
  agents: AgentFigures[];
}

export const emptySums = (): Sums => ({
  offered: 0,
  answered: 0,
  answeredWithinTarget: 0,
  abandoned: 0,
  shortAbandoned: 0,
  deflected: 0,
  waiting: 0,
  answeredWaitSum: 0,
  abandonedWaitSum: 0,
  waitSum: 0,
  waitMax: 0,
  callbacksRequested: 0,
  callbacksCompleted: 0,
  voicemails: 0,
  surveyCount: 0,
  surveySum: 0,
});

function addVisits(into: Sums, cell: VisitCell): void {
  into.offered += cell.offered;
  into.answered += cell.answered;
  into.answeredWithinTarget += cell.answeredWithinTarget;
  into.abandoned += cell.abandoned;
  into.shortAbandoned += cell.shortAbandoned;
  into.deflected += cell.deflected;
  into.waiting += cell.waiting;
  into.answeredWaitSum += cell.answeredWaitSum;
  into.abandonedWaitSum += cell.abandonedWaitSum;
  into.waitSum += cell.waitSum;
  into.waitMax = Math.max(into.waitMax, cell.waitMax);
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const pct = (part: number, whole: number) => (whole === 0 ? null : (part / whole) * 100);

export function departmentFigures(s: Sums): DepartmentFigures {
  return {
    offered: s.offered,
    answered: s.answered,
    answeredWithinTarget: s.answeredWithinTarget,
    abandoned: s.abandoned,
    shortAbandoned: s.shortAbandoned,
    deflected: s.deflected,
    waiting: s.waiting,
    ...visitRates(s, s.answeredWaitSum),
    averageAbandonTime: ratio(s.abandonedWaitSum, s.abandoned),
    averageWait: ratio(s.waitSum, s.offered),
    longestWait: s.waitMax,
    callbacksRequested: s.callbacksRequested,
    callbacksCompleted: s.callbacksCompleted,
    voicemails: s.voicemails,
    surveyCount: s.surveyCount,
    surveyAverage: ratio(s.surveySum, s.surveyCount),
  };
}

export function agentFigures(a: AgentSums): AgentFigures {
  return {
    agentId: a.agentId,
    name: a.name,
    handled: a.handled,
    averageHandleTime: ratio(a.talkSum + a.wrapSum, a.completed),
    averageWrapUp: ratio(a.wrapSum, a.completed),
    occupancy: pct(a.onCallSeconds, a.workingSeconds),
    missedOffers: a.missedOffers,
    transfers: a.transfers,
    surveyCount: a.surveyCount,
    surveyAverage: ratio(a.surveySum, a.surveyCount),
  };
}

/** Every local date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) dates.push(day);
  return dates;
}

/** Days from `from` to `to`, both included (0 or less when `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Why a range cannot be reported, or undefined when it can. */
export function rangeProblem(from: string, to: string): string | undefined {
  if (from > to) return `from (${from}) is after to (${to}): the range must start on or before its end`;
  const days = daysBetween(from, to);
  if (days > MAX_REPORT_DAYS) return `the range is ${days} days long: a report covers at most ${MAX_REPORT_DAYS} days`;
  return undefined;
}

export function binLabel(upTo: number | null, index: number): string {
  const lower = index === 0 ? 0 : WAIT_BIN_BOUNDS[index - 1];
  return upTo === null ? `over ${lower} s` : `${lower}–${upTo} s`;
}

export interface ReportInput {
  from: string;
  to: string;
  timezone: string;
  department: string | null;
  shortAbandonSeconds: number;
  /** The service-level threshold of a department no longer in the flow. */
  defaultServiceLevelSeconds: number;
  /** The departments to show, in order: node id, name, service-level threshold (seconds) and target (percent). */
  departments: { id: string; name: string; serviceLevelSeconds: number; serviceLevelTarget: number | null }[];
  visits: VisitCell[];
  callbacks: CountCell[];
  voicemails: CountCell[];
  surveys: CountCell[];
  waitBins: WaitBinRow[];
  agents: AgentSums[];
  /** The length of each local day in hours. */
  dayHours: (day: string) => number;
}

/** Adds the sums into departments, days and hours. Cells of call backs and voicemails keyed by name are mapped to the department's id. */
export function buildReport(input: ReportInput): Report {
  const byName = new Map(input.departments.map((d) => [d.name, d.id]));
  const idOf = (key: string) => byName.get(key) ?? key;
  const departments = new Map<string, Sums>();
  const days = new Map<string, Sums>();
  const hours = new Map<number, Sums>();
  const total = emptySums();
  const known = new Set(input.departments.map((d) => d.id));
  const seen: string[] = [];
  const buckets = (department: string, day: string, hour: number): Sums[] => {
    if (!departments.has(department)) {
      departments.set(department, emptySums());
      if (!known.has(department)) seen.push(department);
    }
    if (!days.has(day)) days.set(day, emptySums());
    if (!hours.has(hour)) hours.set(hour, emptySums());
    return [departments.get(department), days.get(day), hours.get(hour), total].filter((s): s is Sums => s !== undefined);
  };
  for (const cell of input.visits) for (const sums of buckets(cell.department, cell.day, cell.hour)) addVisits(sums, cell);
  for (const cell of input.callbacks) {
    for (const sums of buckets(idOf(cell.department), cell.day, cell.hour)) {
      sums.callbacksRequested += cell.count;
      sums.callbacksCompleted += cell.extra;
    }
  }
  for (const cell of input.voicemails) for (const sums of buckets(idOf(cell.department), cell.day, cell.hour)) sums.voicemails += cell.count;
  for (const cell of input.surveys) {
    for (const sums of buckets(idOf(cell.department), cell.day, cell.hour)) {
      sums.surveyCount += cell.count;
      sums.surveySum += cell.extra;
    }
  }
  // Departments of the flow first, in its order; then any other seen in the rows (since removed from
  // the flow, or a voicemail or call back with no department: "").
  const rows = [
    ...input.departments.map((d) => ({ department: d.id, name: d.name, serviceLevelSeconds: d.serviceLevelSeconds, serviceLevelTarget: d.serviceLevelTarget })),
    ...seen.sort().map((id) => ({ department: id, name: id === "" ? "(no department)" : id, serviceLevelSeconds: input.defaultServiceLevelSeconds, serviceLevelTarget: null })),
  ];
  return {
    from: input.from,
    to: input.to,
    timezone: input.timezone,
    department: input.department,
    shortAbandonSeconds: input.shortAbandonSeconds,
    departments: rows.map((row) => ({ ...row, figures: departmentFigures(departments.get(row.department) ?? emptySums()) })),
    total: departmentFigures(total),
    days: datesBetween(input.from, input.to).map((day) => ({ day, hours: input.dayHours(day), figures: departmentFigures(days.get(day) ?? emptySums()) })),
    hours: Array.from({ length: 24 }, (_, hour) => ({ hour, figures: departmentFigures(hours.get(hour) ?? emptySums()) })),
    waits: input.waitBins.map((bin, index) => ({ label: binLabel(bin.upTo, index), ...bin })),
    agents: input.agents.map(agentFigures),
  };
}
