// The Reports page's tables, defined once: each column's header, unit and rounding. The page shows a
// cell as its text and unit ("57.1 %"), the CSV export the same text under a header naming the unit
// ("Service level (%)"), so the two always agree; "—" on the page is an empty CSV cell.
import type { AgentFigures, DepartmentFigures, Report, WaitBin } from "./reports.js";

export const REPORT_TABLES = ["departments", "agents", "days", "hours", "waits"] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

export interface Column<Row> {
  header: string;
  /** Shown after the figure on the page, and in the CSV header. */
  unit?: "%" | "s";
  /** Decimal places; text columns have none. */
  decimals?: number;
  value: (row: Row) => number | string | null;
  /** A short explanation, the header cell's title. */
  title?: string;
  /** Why the page marks this cell (a service level below its target), or undefined. */
  flag?: (row: Row) => string | undefined;
}

/** A cell's text: the figure rounded to the column's decimals; "" for no figure (null). */
export function cellText<Row>(column: Column<Row>, row: Row): string {
  const value = column.value(row);
  if (value === null) return "";
  if (typeof value === "string") return value;
  return value.toFixed(column.decimals ?? 0);
}

/** A cell as the page shows it: "57.1 %", "18.8 s", "—". */
export function cellDisplay<Row>(column: Column<Row>, row: Row): string {
  const text = cellText(column, row);
  if (text === "") return "—";
  return column.unit ? `${text} ${column.unit}` : text;
}

export const headerText = (column: Column<unknown>): string => (column.unit ? `${column.header} (${column.unit})` : column.header);

type Figures = { figures: DepartmentFigures };

/** The department measures, shared by the departments, days and hours tables. */
function measures<Row extends Figures>(shortAbandon: number): Column<Row>[] {
  const f = (pick: (d: DepartmentFigures) => number | null) => (row: Row) => pick(row.figures);
  return [
    { header: "Offered", value: f((d) => d.offered), title: "visits that reached the department" },
    { header: "Answered", value: f((d) => d.answered) },
    { header: "Abandoned", value: f((d) => d.abandoned), title: `hung up after more than ${shortAbandon} s` },
    { header: "Short abandons", value: f((d) => d.shortAbandoned), title: `hung up within ${shortAbandon} s: in neither rate` },
    { header: "Deflected", value: f((d) => d.deflected), title: "voicemail, a call back, another department: in neither rate" },
    { header: "Service level", unit: "%", decimals: 1, value: f((d) => d.serviceLevel) },
    { header: "ASA", unit: "s", decimals: 1, value: f((d) => d.averageSpeedOfAnswer), title: "average speed of answer" },
    { header: "Abandonment rate", unit: "%", decimals: 1, value: f((d) => d.abandonmentRate) },
    { header: "Average wait", unit: "s", decimals: 1, value: f((d) => d.averageWait) },
    { header: "Longest wait", unit: "s", decimals: 0, value: f((d) => d.longestWait) },
    { header: "Call backs requested", value: f((d) => d.callbacksRequested) },
    { header: "Call backs completed", value: f((d) => d.callbacksCompleted) },
    { header: "Voicemails", value: f((d) => d.voicemails) },
    { header: "Survey average", decimals: 2, value: f((d) => d.surveyAverage), title: "mean score, 1 to 5" },
    { header: "Surveys", value: f((d) => d.surveyCount) },
  ];
}

/** A department's row, or the total of all (no threshold of its own). */
export type DepartmentRow = Omit<Report["departments"][number], "serviceLevelSeconds"> & { serviceLevelSeconds: number | null };

/** A department's service level below its target: the page marks the cell. */
export const belowTarget = (row: DepartmentRow): boolean =>
  row.serviceLevelTarget !== null && row.figures.serviceLevel !== null && row.figures.serviceLevel < row.serviceLevelTarget;
export type DayRow = Report["days"][number];
export type HourRow = Report["hours"][number];

export const hourLabel = (hour: number) => `${String(hour).padStart(2, "0")}:00–${String(hour + 1).padStart(2, "0")}:00`;

export function departmentColumns(report: Pick<Report, "shortAbandonSeconds">): Column<DepartmentRow>[] {
  return [
    { header: "Department", value: (row) => row.name },
    { header: "Service level threshold", unit: "s", value: (row) => row.serviceLevelSeconds, title: "answered within this many seconds counts for the service level" },
    { header: "Service level target", unit: "%", decimals: 1, value: (row) => row.serviceLevelTarget, title: "the wallboard's limit for the line (thresholds.serviceLevelBelow)" },
    ...measures<DepartmentRow>(report.shortAbandonSeconds).map((column) =>
      column.header === "Service level" ? { ...column, flag: (row: DepartmentRow) => (belowTarget(row) ? `below the ${row.serviceLevelTarget} % target` : undefined) } : column,
    ),
  ];
}

export function dayColumns(report: Pick<Report, "shortAbandonSeconds">): Column<DayRow>[] {
  return [{ header: "Day", value: (row) => row.day }, { header: "Hours in the day", value: (row) => row.hours }, ...measures<DayRow>(report.shortAbandonSeconds)];
}

export function hourColumns(report: Pick<Report, "shortAbandonSeconds">): Column<HourRow>[] {
  return [{ header: "Hour", value: (row) => hourLabel(row.hour) }, ...measures<HourRow>(report.shortAbandonSeconds)];
}

export const AGENT_COLUMNS: Column<AgentFigures>[] = [
  { header: "Agent", value: (a) => a.name },
  { header: "Agent id", value: (a) => a.agentId },
  { header: "Calls handled", value: (a) => a.handled },
  { header: "Average handle time", unit: "s", decimals: 1, value: (a) => a.averageHandleTime, title: "talk + hold + wrap-up, per handled call" },
  { header: "Average wrap-up", unit: "s", decimals: 1, value: (a) => a.averageWrapUp },
  { header: "Occupancy", unit: "%", decimals: 1, value: (a) => a.occupancy, title: "on calls and in wrap-up ÷ signed in and not on break" },
  { header: "Missed offers", value: (a) => a.missedOffers },
  { header: "Transfers made", value: (a) => a.transfers },
  { header: "Survey average", decimals: 2, value: (a) => a.surveyAverage },
  { header: "Surveys", value: (a) => a.surveyCount },
];

export const WAIT_COLUMNS: Column<WaitBin>[] = [
  { header: "Wait", value: (w) => w.label },
  { header: "Answered", value: (w) => w.answered },
  { header: "Abandoned", value: (w) => w.abandoned, title: "short abandons included" },
  { header: "Other", value: (w) => w.other, title: "deflected, or still waiting" },
  { header: "All", value: (w) => w.answered + w.abandoned + w.other },
];

/** A table of the report: its columns and rows (the departments table ends with the total). */
export function reportTable(report: Report, table: ReportTable): { columns: Column<never>[]; rows: unknown[] } {
  switch (table) {
    case "departments": {
      const total: DepartmentRow = { department: "*", name: "All departments", serviceLevelSeconds: null, serviceLevelTarget: null, figures: report.total };
      return { columns: departmentColumns(report) as Column<never>[], rows: [...report.departments, ...(report.department === null ? [total] : [])] };
    }
    case "agents":
      return { columns: AGENT_COLUMNS as Column<never>[], rows: report.agents };
    case "days":
      return { columns: dayColumns(report) as Column<never>[], rows: report.days };
    case "hours":
      return { columns: hourColumns(report) as Column<never>[], rows: report.hours };
    case "waits":
      return { columns: WAIT_COLUMNS as Column<never>[], rows: report.waits };
  }
}

/**
 * A spreadsheet program runs a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula (OWASP, "CSV injection"): such a cell gets a leading apostrophe, shown as text.
 */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; lines end CRLF. */
export function csvField(text: string): string {
  const safe = safeCell(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(columns: readonly Column<never>[], rows: readonly unknown[]): string {
  const lines = [columns.map((c) => csvField(headerText(c as Column<unknown>))).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(cellText(c as Column<unknown>, row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
