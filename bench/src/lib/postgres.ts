// A Postgres database of the run's own: created empty (the call centre migrates it), dropped with
// everything in it when the scope closes. No other database on the server is touched.
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Scope } from "./cleanup.js";

export const DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface RunDatabase {
  name: string;
  /** The URL the call centre gets as DATABASE_URL. */
  url: string;
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createRunDatabase(scope: Scope, adminUrl: string): Promise<RunDatabase> {
  const name = `bench_${randomBytes(5).toString("hex")}`;
  await admin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  pool.on("error", () => undefined);
  // Registered after the pool so that it runs first: the pool ends, then the database goes.
  scope.defer(`drop database ${name}`, () => admin(adminUrl, `drop database if exists ${name} with (force)`));
  scope.defer(`close pool of ${name}`, () => pool.end());
  return {
    name,
    url: url.toString(),
    async query<Row>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as Row[];
    },
  };
}

/** "15.20" from the server at `url`, or the error, for the machine line. */
export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("show server_version");
    return rows[0]?.server_version ?? "unknown";
  } catch (error) {
    return `unreachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
