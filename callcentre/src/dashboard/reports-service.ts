// A report over local dates in the centre's zone (docs/dashboard.md, "Reports"): the range's instants
// are its first local midnight and the local midnight after its last day, converted with the zone
// (so a DST change moves nothing), the sums are read from reports-repository.ts, and reports.ts makes
// the figures.
import type { Flow } from "../flows/flow-schema.js";
import { badRequest } from "../lib/http-errors.js";
import type { Clock } from "../lib/clock.js";
import type { ReportsRepository } from "../repositories/reports-repository.js";
import { addDays, localDate } from "../sms/schedule.js";
import { centreZone, localDayRange } from "./format.js";
import { SERVICE_LEVEL_SECONDS, SHORT_ABANDON_SECONDS } from "./queue-metrics.js";
import { buildReport, rangeProblem, WAIT_BIN_BOUNDS, type Report } from "./reports.js";

export interface ReportQuery {
  /** Local dates, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  /** A department's node id; all when undefined. */
  department?: string | undefined;
}

export interface ReportDepartment {
  id: string;
  name: string;
  serviceLevelSeconds: number;
  /** Percent: the wallboard's `thresholds.serviceLevelBelow` for a line (docs/wallboard.md); null when none. */
  serviceLevelTarget: number | null;
}

/**
 * A department's service-level threshold: answered within this many seconds counts. The flow has no
 * setting for it yet, so every department has the domain's 20 s (docs/callcentre-domain.md §1.2); the
 * report computes each department with its own, so a per-department setting only needs to be read here.
 */
export function serviceLevelSecondsOf(_department: Flow["nodes"][string]): number {
  return SERVICE_LEVEL_SECONDS;
}

export class ReportsService {
  readonly zone: string;

  constructor(
    private readonly deps: { flow: Flow; reports: ReportsRepository; clock: Clock },
  ) {
    this.zone = centreZone(deps.flow);
  }

  today(): string {
    return localDate(this.deps.clock(), this.zone);
  }

  /** The flow's departments, in its order. */
  departments(): ReportDepartment[] {
    return Object.entries(this.deps.flow.nodes).flatMap(([id, node]) =>
      node.type === "department"
        ? [{ id, name: node.name, serviceLevelSeconds: serviceLevelSecondsOf(node), serviceLevelTarget: node.queue?.thresholds?.serviceLevelBelow ?? null }]
        : [],
    );
  }

  /** The report, or a 400 that says why the range or department cannot be reported. */
  async report(query: ReportQuery): Promise<Report> {
    const problem = rangeProblem(query.from, query.to);
    if (problem) throw badRequest(problem);
    const all = this.departments();
    const chosen = query.department === undefined ? undefined : all.find((d) => d.id === query.department);
    if (query.department !== undefined && !chosen) {
      throw badRequest(`department: ${query.department} is not a department of the flow (${all.map((d) => d.id).join(", ")})`);
    }
    const zone = this.zone;
    const now = this.deps.clock();
    const range = {
      from: localDayRange(query.from, zone).from,
      to: localDayRange(query.to, zone).to,
      zone,
      department: chosen ? { id: chosen.id, name: chosen.name } : undefined,
    };
    const thresholds = Object.fromEntries(all.map((d) => [d.id, d.serviceLevelSeconds]));
    const { reports } = this.deps;
    const [visits, callbacks, voicemails, surveys, waitBins, agents] = await Promise.all([
      reports.visitCells(range, thresholds, SERVICE_LEVEL_SECONDS, SHORT_ABANDON_SECONDS, now),
      reports.callbackCells(range),
      reports.voicemailCells(range),
      reports.surveyCells(range),
      reports.waitBins(range, WAIT_BIN_BOUNDS, now),
      reports.agentSums(range, now),
    ]);
    return buildReport({
      from: query.from,
      to: query.to,
      timezone: zone,
      department: chosen?.id ?? null,
      shortAbandonSeconds: SHORT_ABANDON_SECONDS,
      defaultServiceLevelSeconds: SERVICE_LEVEL_SECONDS,
      departments: chosen ? [chosen] : all,
      visits,
      callbacks,
      voicemails,
      surveys,
      waitBins,
      agents,
      dayHours: (day) => {
        const { from, to } = localDayRange(day, zone);
        return Math.round((to.getTime() - from.getTime()) / 3_600_000);
      },
    });
  }

  /** The presets of the range picker, relative to today in the centre's zone. */
  presets(): { label: string; from: string; to: string }[] {
    const today = this.today();
    return [
      { label: "Today", from: today, to: today },
      { label: "Yesterday", from: addDays(today, -1), to: addDays(today, -1) },
      { label: "Last 7 days", from: addDays(today, -6), to: today },
      { label: "This month", from: `${today.slice(0, 8)}01`, to: today },
    ];
  }
}
