// The call centre's database. "postgres": the run's own database on a Postgres server
// (--postgres-url), given to the call centre as DATABASE_URL and readable by the bench at any time.
// "embedded": the default a user gets, the call centre started with no DATABASE_URL and a temporary
// DATA_DIR, so that it runs its own database server there; its connection is the call centre's own.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { Scope } from "./cleanup.js";
import { createRunDatabase, type RunDatabase } from "./postgres.js";

export type Engine = "embedded" | "postgres";
export const ENGINES: readonly Engine[] = ["embedded", "postgres"];

export interface DatabaseTarget {
  engine: Engine;
  /** Environment for the call centre / CLI: DATABASE_URL on Postgres, nothing when embedded (DATA_DIR). */
  env: Record<string, string>;
  /** The run's Postgres database, when engine is postgres. */
  postgres?: RunDatabase;
}

export async function databaseTarget(scope: Scope, engine: Engine, postgresUrl: string): Promise<DatabaseTarget> {
  if (engine === "embedded") return { engine, env: {} };
  const postgres = await createRunDatabase(scope, postgresUrl);
  return { engine, env: { DATABASE_URL: postgres.url }, postgres };
}

export interface Reader {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** Why the bench cannot read an embedded database without its DATA_DIR (for reports that skip the check). */
export const EMBEDDED_UNREADABLE =
  "the embedded database is reached through the call centre's DATA_DIR, which this benchmark does not give: run with --database postgres to check what was stored";

/**
 * A reader of what the call centre stored in the run's database. Embedded: the running call centre's
 * own server, found as the call centre's CLI finds it, from DATA_DIR (docs: README "What DATA_DIR
 * holds"): the port in PostgreSQL's postmaster.pid, the generated password in postgres-password.
 */
export function openReader(target: DatabaseTarget, dataDir?: string): Reader {
  const postgres = target.postgres;
  if (postgres) return { query: (text, params) => postgres.query(text, params), close: async () => undefined };
  if (!dataDir) throw new Error(`${target.engine}: ${EMBEDDED_UNREADABLE}`);
  const port = readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[3]?.trim();
  const password = readFileSync(join(dataDir, "postgres-password"), "utf8").trim();
  const pool = new pg.Pool({ host: "127.0.0.1", port: Number(port), user: "postgres", password, database: "postgres", max: 2 });
  pool.on("error", () => undefined);
  return { query: async (text, params) => (await pool.query(text, params)).rows, close: () => pool.end() };
}
