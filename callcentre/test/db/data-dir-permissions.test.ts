// Everything the service writes under DATA_DIR (PGlite's database, the generated credentials and
// dashboard password, the lock file) is for its own user only: no file or directory there may be
// readable, writable or searchable by the group or by other users.
import assert from "node:assert/strict";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";

function tempDataDir(t: TestContext): string {
  const base = mkdtempSync(join(tmpdir(), "callcentre-perms-"));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return join(base, "data");
}

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): { path: string; mode: number }[] {
  const found = [{ path: dir, mode: lstatSync(dir).mode & 0o777 }];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.push({ path, mode: lstatSync(path).mode & 0o777 });
  }
  return found;
}

const openToOthers = (dir: string) => modes(dir).filter(({ mode }) => (mode & 0o077) !== 0).map(({ path, mode }) => `${mode.toString(8)} ${path}`);

/** Opens the on-disk database, migrates it and writes to it, as the service does. */
async function useDatabase(dataDir: string, whileOpen: () => void = () => undefined): Promise<void> {
  const db = await openDatabase({ dataDir });
  try {
    await migrate(db);
    await db.exec("create table if not exists permissions_probe (n int); insert into permissions_probe values (1);");
    whileOpen();
  } finally {
    await db.close();
  }
}

test("a new DATA_DIR, its credentials and its database are readable by the service's user only", async (t) => {
  const dataDir = tempDataDir(t);
  const config = loadConfig({ DATA_DIR: dataDir });
  assert.equal(config.twilio.source, "local");
  assert.equal(config.dashboard.source, "generated");
  await useDatabase(dataDir, () => {
    // While the database runs, new files follow the umask; the directories keep them private.
    assert.equal(lstatSync(dataDir).mode & 0o777, 0o700);
    assert.equal(lstatSync(join(dataDir, "pglite")).mode & 0o777, 0o700);
    assert.equal(lstatSync(join(dataDir, "pglite", "callcentre.pid")).mode & 0o777, 0o600);
  });
  assert.ok(modes(dataDir).length > 100, "PGlite's files are there");
  assert.deepEqual(openToOthers(dataDir), []);
});

test("an existing database whose files others could read is made private when it is opened", async (t) => {
  const dataDir = tempDataDir(t);
  await useDatabase(dataDir);
  // As an earlier version left it: directories 0755, files 0666.
  for (const { path } of modes(dataDir)) chmodSync(path, lstatSync(path).isDirectory() ? 0o755 : 0o666);
  const db = await openDatabase({ dataDir });
  t.after(() => db.close());
  assert.deepEqual(openToOthers(join(dataDir, "pglite")), []);
  assert.equal((await db.query<{ n: number }>("select count(*)::int as n from permissions_probe"))[0]?.n, 1, "the data is still there");
});
