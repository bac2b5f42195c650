// The call centre's database, read by the bench to check what was recorded. On Postgres it is the
// run's own database, readable at any time. PGlite belongs to one process: it is opened here only
// after the call centre (or the broadcast) has exited, with the same PGlite the call centre uses.
import { join } from "node:path";
import type { Scope } from "./cleanup.js";
import { createRunDatabase, type RunDatabase } from "./postgres.js";

export type Engine = "pglite" | "postgres";

export interface DatabaseTarget {
  engine: Engine;
  /** Environment for the call centre / CLI: DATABASE_URL on Postgres, nothing on PGlite (DATA_DIR). */
  env: Record<string, string>;
  /** The run's Postgres database, when engine is postgres. */
  postgres?: RunDatabase;
}

export async function databaseTarget(scope: Scope, engine: Engine, postgresUrl: string): Promise<DatabaseTarget> {
  if (engine === "pglite") return { engine, env: {} };
  const postgres = await createRunDatabase(scope, postgresUrl);
  return { engine, env: { DATABASE_URL: postgres.url }, postgres };
}

export interface Reader {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * A reader of what the call centre stored in `dataDir` (PGlite) or in the run's database. For
 * PGlite, the owning process must have exited.
 */
export async function openReader(target: DatabaseTarget, dataDir: string): Promise<Reader> {
  if (target.postgres) {
    const postgres = target.postgres;
    return { query: (text, params) => postgres.query(text, params), close: async () => undefined };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(join(dataDir, "pglite"));
  await db.waitReady;
  return {
    async query<Row>(text: string, params: unknown[] = []) {
      return (await db.query<Row>(text, params)).rows;
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
