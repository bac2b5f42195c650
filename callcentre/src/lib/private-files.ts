// Files only the service's own user may read. The database (PGlite's files), the generated
// credentials and the dashboard password live under DATA_DIR; PGlite unpacks its initial files
// with mode 0666 and writes new ones by the umask (0644), so the directories are what keeps them
// private, and the modes are tightened as well.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Creates `dir` (and any missing parent) readable by its owner only; an existing `dir` is made so too. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Removes the group's and others' permissions from `dir` and everything under it (symbolic links are
 * left alone). A `dir` that does not exist is left so.
 */
export function tightenTree(dir: string): void {
  try {
    tighten(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function tighten(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tighten(path);
    if (entry.isSymbolicLink()) continue;
    const mode = lstatSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, mode & 0o700);
  }
  const mode = lstatSync(dir).mode & 0o777;
  if (mode & 0o077) chmodSync(dir, mode & 0o700);
}
