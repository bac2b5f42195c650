// Files only the service's own user may read. The embedded database, the generated credentials and
// the dashboard password live under DATA_DIR, which is created readable by its owner only. PostgreSQL
// keeps its own directory (DATA_DIR/postgres) at 0700 and its files at 0600 (initdb's default).
import { chmodSync, mkdirSync } from "node:fs";

/** Creates `dir` (and any missing parent) readable by its owner only; an existing `dir` is made so too. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
