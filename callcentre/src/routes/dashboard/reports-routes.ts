// Reports (docs/dashboard.md, "Reports"), for supervisors and the owner: the page, each table as CSV,
// and the whole report as JSON. A range is two local dates in the centre's zone, both included.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { REPORT_TABLES, reportTable, toCsv } from "../../dashboard/report-tables.js";
import { ReportsService } from "../../dashboard/reports-service.js";
import { noticeFrom, type PageContext } from "../../dashboard/views/layout.js";
import { reportsPage, reportsProblemPage } from "../../dashboard/views/reports-view.js";
import { HttpError } from "../../lib/http-errors.js";
import { parseWith } from "../twilio/webhook-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";
import { LocalDay } from "./dashboard-params.js";

const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const Range = {
  from: z.preprocess(blank, LocalDay.optional()),
  to: z.preprocess(blank, LocalDay.optional()),
  department: z.preprocess(blank, z.string().max(100).optional()),
};
export const ReportQuery = z.strictObject(Range);
export const ExportQuery = z.strictObject({ ...Range, table: z.enum(REPORT_TABLES) });

export default async function reportsRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const reports = new ReportsService({ flow: opts.flow, reports: opts.repositories.reports, clock: opts.clock });

  /** The range asked for; a missing end is the other end, and with neither, today. */
  const rangeOf = (q: { from?: string | undefined; to?: string | undefined; department?: string | undefined }) => {
    const from = q.from ?? q.to ?? reports.today();
    return { from, to: q.to ?? (q.from ? from : reports.today()), department: q.department };
  };
  const context = (request: FastifyRequest): PageContext => ({
    company: opts.flow.company,
    csrfToken: request.session?.csrfToken ?? "",
    notice: noticeFrom(request.query as Record<string, unknown>),
  });

  // A range that cannot be reported gives the picker back with the reason (a 400), so that the person
  // can correct it there.
  app.get("/reports", async (request, reply) => {
    const departments = reports.departments();
    const presets = reports.presets();
    try {
      const report = await reports.report(rangeOf(parseWith(ReportQuery, request.query)));
      return reply.type("text/html; charset=utf-8").send(reportsPage(context(request), { report, departments, presets }).toString());
    } catch (error) {
      if (!(error instanceof HttpError) || error.statusCode !== 400) throw error;
      const given = (name: string) => {
        const value = (request.query as Record<string, unknown>)[name];
        return typeof value === "string" ? value.slice(0, 100) : "";
      };
      const asked = { from: given("from"), to: given("to"), department: given("department") || null };
      const body = reportsProblemPage(context(request), { departments, presets, asked, problem: error.message });
      return reply.code(400).type("text/html; charset=utf-8").send(body.toString());
    }
  });

  app.get("/reports/export.csv", async (request, reply) => {
    const q = parseWith(ExportQuery, request.query);
    const report = await reports.report(rangeOf(q));
    const { columns, rows } = reportTable(report, q.table);
    const name = `report-${q.table}-${report.from}_${report.to}${report.department ? `-${report.department}` : ""}.csv`.replace(/[^A-Za-z0-9._-]/g, "_");
    return reply
      .type("text/csv; charset=utf-8; header=present")
      .header("content-disposition", `attachment; filename="${name}"`)
      .send(toCsv(columns, rows));
  });

  app.get("/api/reports", async (request, reply) => reply.send(await reports.report(rangeOf(parseWith(ReportQuery, request.query)))));
}
