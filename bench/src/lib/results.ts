// A benchmark's output: figures, each with its goal (if it has one) and whether the goal is met, and
// notes (verifications, profiles) printed under the table.

export interface Goal {
  op: ">=" | "<=";
  value: number;
}

export interface Figure {
  benchmark: string;
  /** What the figure was measured with: "embedded", "postgres, N=1000"… */
  setting: string;
  name: string;
  value: number | null;
  unit: string;
  goal?: Goal;
  /** Undefined when there is no goal. A figure from a run that failed its checks is never met. */
  met?: boolean;
  /** Why the value is not a figure (errors in the run), or a remark shown beside it. */
  note?: string;
}

export interface BenchmarkResult {
  benchmark: string;
  figures: Figure[];
  /** Lines printed after the table: verifications, curves, profiles. */
  notes: string[];
  /** Problems that make the run a failure (lost calls, non-2xx answers, duplicates…). */
  failures: string[];
}

export function figure(
  benchmark: string,
  setting: string,
  name: string,
  value: number | null,
  unit: string,
  goal?: Goal,
  note?: string,
): Figure {
  const met = goal && value !== null ? (goal.op === ">=" ? value >= goal.value : value <= goal.value) : goal ? false : undefined;
  return { benchmark, setting, name, value, unit, ...(goal ? { goal } : {}), ...(met === undefined ? {} : { met }), ...(note ? { note } : {}) };
}

/** Marks every figure of a failed run as not met, with the reason. */
export function failFigures(figures: Figure[], reason: string): void {
  for (const f of figures) {
    if (f.goal) f.met = false;
    f.note = f.note ? `${f.note}; ${reason}` : reason;
  }
}

export function newResult(benchmark: string): BenchmarkResult {
  return { benchmark, figures: [], notes: [], failures: [] };
}
