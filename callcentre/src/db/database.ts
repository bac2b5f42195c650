// One Postgres dialect, two engines: embedded PGlite (the default) or a real server through `pg`
// when DATABASE_URL is set. Repositories see only this interface, so the SQL is the same for both.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of one or more statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs a script of one or more statements without parameters; returns the last statement's rows. */
  script<Row = Record<string, unknown>>(text: string): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly engine: "pglite" | "postgres";
  /** The Postgres schema the tables live in, when not the default one (tests use one each). */
  readonly schema: string | undefined;
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

/**
 * PGlite is a database inside one process: a second process opening the same directory would corrupt
 * it. A pid file guards it; a stale one (its process is gone) is taken over.
 */
function lockDataDir(dir: string): () => void {
  const file = join(dir, "callcentre.pid");
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `the embedded database in ${dir} is in use by another process (pid ${pid}), most likely the running call centre. ` +
            "Stop it first, or set DATABASE_URL so that several processes share a Postgres database.",
        );
      }
      rmSync(file, { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let db: PGlite;
  let unlock = () => undefined as void;
  if (dataDir) {
    const dir = join(dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
    unlock = lockDataDir(dir);
    db = new PGlite(dir);
  } else {
    db = new PGlite();
  }
  await db.waitReady;
  const lastRows = <Row>(results: { rows: unknown[] }[]) => (results.at(-1)?.rows ?? []) as Row[];
  return {
    engine: "pglite",
    schema: undefined,
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, params as unknown[])).rows;
    },
    async exec(script) {
      await db.exec(script);
    },
    async script<Row>(text: string) {
      return lastRows<Row>(await db.exec(text));
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
          async script<Row>(text: string) {
            return lastRows<Row>(await tx.exec(text));
          },
        }),
      );
    },
    async close() {
      if (!db.closed) await db.close();
      unlock();
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
  // A script of several statements answers with one result per statement.
  const runScript = async <Row>(client: pg.Pool | pg.PoolClient, text: string) => {
    const result = (await client.query(text)) as pg.QueryResult | pg.QueryResult[];
    return ((Array.isArray(result) ? result.at(-1)?.rows : result.rows) ?? []) as Row[];
  };
  return {
    engine: "postgres",
    schema,
    query: (text, params) => run(pool, text, params),
    async exec(script) {
      await pool.query(script);
    },
    script: (text) => runScript(pool, text),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await work({
          query: (text, params) => run(client, text, params),
          exec: async (script) => {
            await client.query(script);
          },
          script: (text) => runScript(client, text),
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
