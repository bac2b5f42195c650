// The database the CLI's commands work on: DATABASE_URL, or the embedded one (through a running call
// centre's server, if there is one; else started for the command), migrated before use.
import type { Config } from "../config.js";
import { openDatabase, type Database } from "../db/database.js";
import { migrate } from "../db/migrate.js";

/** Opens and migrates the configured database; the caller closes it. */
export async function openCliDatabase(config: Config): Promise<Database> {
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    shareEmbedded: true,
    timeoutMs: config.databaseTimeoutMs,
    preparedStatements: config.databasePreparedStatements,
  });
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Runs `work` on the configured database, closed afterwards whatever happens. */
export async function withCliDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openCliDatabase(config);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
