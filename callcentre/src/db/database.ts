// One Postgres dialect, two engines: embedded PGlite (the default) or a real server through `pg`
// when DATABASE_URL is set. Repositories see only this interface, so the SQL is the same for both.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of one or more statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: "pglite" | "postgres";
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; when absent PGlite keeps everything in memory. */
  dataDir?: string | undefined;
  /** Postgres schema to use (created if missing); lets tests share one server without sharing tables. */
  schema?: string | undefined;
  /** Pool size for Postgres. */
  maxConnections?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let db: PGlite;
  if (dataDir) {
    const dir = join(dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
    db = new PGlite(dir);
  } else {
    db = new PGlite();
  }
  await db.waitReady;
  return {
    engine: "pglite",
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, params as unknown[])).rows;
    },
    async exec(script) {
      await db.exec(script);
    },
    transaction(work) {
      return db.transaction((tx) =>
        work({
          async query<Row>(text: string, params: readonly unknown[] = []) {
            return (await tx.query<Row>(text, params as unknown[])).rows;
          },
          async exec(script) {
            await tx.exec(script);
          },
        }),
      );
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const schema = options.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", () => undefined);
  if (schema) await pool.query(`create schema if not exists ${schema}`);
  else await pool.query("select 1");
  const run = async <Row>(client: pg.Pool | pg.PoolClient, text: string, params: readonly unknown[] = []) =>
    (await client.query(text, params as unknown[])).rows as Row[];
  return {
    engine: "postgres",
    query: (text, params) => run(pool, text, params),
    async exec(script) {
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await work({
          query: (text, params) => run(client, text, params),
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query("commit");
        return result;
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
