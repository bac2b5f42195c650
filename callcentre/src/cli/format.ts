// Plain-text output for people: aligned "key: value" lines and fixed-width tables. Machine-readable
// output is --json or a bare SID, never these.

/** A date as UTC ISO 8601 to the second ("2026-11-24T01:00:00Z"), or "-" when absent. */
export function formatDate(date: Date | null | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return "-";
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "-" for an absent value, so every line and column has something in it. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === "" ? "-" : String(value);
}

/** Lines of "key: value" with the values aligned; a multi-line value stays aligned on every line. */
export function keyValueLines(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([key]) => key.length)) + 2;
  return pairs.flatMap(([key, value]) => value.split(/\r?\n/).map((line, i) => `${(i === 0 ? `${key}:` : "").padEnd(width)}${line}`.trimEnd()));
}

/** `text` on one line (line breaks and runs of whitespace become one space), at most `max` characters. */
export function fitText(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  if (chars.length <= max) return chars.join("");
  return max <= 1 ? "…".slice(0, max) : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * Columns separated by two spaces, under a header row. The last column takes what `width` leaves,
 * truncated to fit (never below 10 characters); the others are as wide as their widest cell.
 */
export function table(headers: string[], rows: string[][], width: number): string[] {
  const fixed = headers.slice(0, -1).map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const lastWidth = Math.max(10, width - fixed.reduce((sum, w) => sum + w + 2, 0));
  const line = (cells: string[]) =>
    [...fixed.map((w, i) => (cells[i] ?? "").padEnd(w)), fitText(cells[fixed.length] ?? "", lastWidth)].join("  ").trimEnd();
  return [line(headers), ...rows.map(line)];
}
