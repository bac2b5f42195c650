// Plain-text output: the machine, the figures table, and aligned columns in general.
import type { Figure } from "./results.js";

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return "—";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

export function formatGoal(f: Figure): string {
  if (!f.goal) return "";
  return `${f.goal.op === ">=" ? "≥" : "≤"} ${formatValue(f.goal.value, f.unit)}`;
}

/** Columns padded to their widest cell; the first row is the header, underlined. */
export function renderTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  const line = (row: string[]) => row.map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - [...cell].length)).join("  ").trimEnd();
  const [header, ...body] = rows;
  if (!header) return "";
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

export function figuresTable(figures: Figure[]): string {
  return renderTable([
    ["Benchmark", "Setting", "Figure", "Value", "Goal", "Met", "Note"],
    ...figures.map((f) => [
      f.benchmark,
      f.setting,
      f.name,
      formatValue(f.value, f.unit),
      formatGoal(f),
      f.met === undefined ? "" : f.met ? "yes" : "NO",
      f.note ?? "",
    ]),
  ]);
}
