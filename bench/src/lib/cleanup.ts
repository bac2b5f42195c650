// What a benchmark must undo however it ends: children, databases, temporary directories. A Scope
// runs its steps in reverse order of registration when the benchmark finishes (or fails); on Ctrl-C,
// main.ts closes every scope still open.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Step = { label: string; run: () => Promise<void> | void };

const open = new Set<Scope>();
let keepFiles = false;

/** --keep: leave data directories (the embedded database, profiles) behind for inspection. */
export function keepTemporaryFiles(keep: boolean): void {
  keepFiles = keep;
}

export class Scope {
  private readonly steps: Step[] = [];

  constructor(readonly log: (line: string) => void) {
    open.add(this);
  }

  defer(label: string, run: () => Promise<void> | void): void {
    this.steps.push({ label, run });
  }

  /** A fresh temporary directory, removed when the scope closes unless --keep. */
  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `bench-${prefix}-`));
    this.defer(`remove ${dir}`, () => {
      if (keepFiles) this.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    });
    return dir;
  }

  /** Runs every step, last first; a failing step is reported and the others still run. */
  async close(): Promise<void> {
    open.delete(this);
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.run();
      } catch (error) {
        this.log(`cleanup: ${step.label} failed: ${(error as Error).message}`);
      }
    }
  }
}

/** Runs `work` in a scope that is closed afterwards, whatever happens. */
export async function withScope<T>(log: (line: string) => void, work: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope(log);
  try {
    return await work(scope);
  } finally {
    await scope.close();
  }
}

export async function closeAllScopes(): Promise<void> {
  for (const scope of [...open].reverse()) await scope.close();
}
