// The database, always PostgreSQL through `pg`: the server named by DATABASE_URL, or else the
// embedded server in DATA_DIR (db/embedded.ts), started here and stopped by close(). Repositories see
// only this interface.
import { createHash } from "node:crypto";
import pg from "pg";
import { hasPgliteDatabase, startEmbeddedPostgres, type EmbeddedLog, type EmbeddedPostgres } from "./embedded.js";

export { DataDirLockedError, EmbeddedPostgresError } from "./embedded.js";

export interface Queryable {
  /**
   * With `options.timeoutMs`, this statement's answer is waited for that long instead of
   * DATABASE_TIMEOUT_MS: for the few reads that are slow by nature (a report over months).
   */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
  /** Runs a script of one or more statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs a script of one or more statements without parameters; returns the last statement's rows. */
  script<Row = Record<string, unknown>>(text: string): Promise<Row[]>;
}

export interface Database extends Queryable {
  /** `embedded`: the server in DATA_DIR; `external`: the one DATABASE_URL names. */
  readonly engine: "embedded" | "external";
  /** The connection string (it holds the password: never log it), for pg-boss's own connections. */
  readonly url: string;
  /** The Postgres schema the tables live in, when not the default one (tests use one each). */
  readonly schema: string | undefined;
  /**
   * Runs `work` in one transaction on one connection; rolls back if it throws. With `timeoutMs`, gives
   * up after that long with DatabaseUnavailableError, and the transaction is then never committed.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface QueryOptions {
  timeoutMs?: number | undefined;
}

export interface TransactionOptions {
  timeoutMs?: number | undefined;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, the embedded server in `dataDir`. */
  url?: string | undefined;
  /** DATA_DIR: where the embedded server keeps its database (required without `url`). */
  dataDir?: string | undefined;
  /**
   * Embedded: use the server that another process (a running call centre) owns in `dataDir`, instead
   * of failing with DataDirLockedError. For the CLI, which runs beside the call centre.
   */
  shareEmbedded?: boolean;
  /** Embedded: where the server's messages go. */
  log?: EmbeddedLog;
  /** Embedded: called if the server stops without being asked to. */
  onEmbeddedExit?: (reason: string) => void;
  /** Postgres schema to use (created if missing); lets tests share one server without sharing tables. */
  schema?: string | undefined;
  /** Pool size for Postgres. */
  maxConnections?: number;
  /**
   * Postgres: how long to wait for a connection, or for a query's answer, before giving up with
   * DatabaseUnavailableError. Keeps a webhook inside Twilio's 15 s when the server is down or unreachable.
   */
  timeoutMs?: number;
  /**
   * Postgres: run statements with parameters as named prepared statements (default true). False
   * behind a pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
   */
  preparedStatements?: boolean;
}

/** The database could not be reached, or did not answer in time. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

// SQLSTATE classes and codes that mean "the server is not there for us", not "this statement is wrong":
// connection exceptions, shutdown or start-up, too many connections.
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-4]|53300)/;
const UNAVAILABLE_NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection refused/i;

/**
 * Whether `error` says the database is unreachable or not answering (as opposed to a bad query).
 * Only the database's own failures count: this module turns those into DatabaseUnavailableError where
 * the driver reports them (classify). A network error from anywhere else (a client that hung up
 * mid-request, ECONNRESET; Twilio's API refusing a connection) is not a database outage.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return error instanceof DatabaseUnavailableError;
}

/** Whether an error from the Postgres driver is a connection-level failure (not a bad statement). */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NETWORK.has(code))) return true;
  if (error instanceof AggregateError && error.errors.some(isConnectionFailure)) return true;
  return UNAVAILABLE_MESSAGE.test(error.message);
}

/** Rethrows connection-level failures as DatabaseUnavailableError; other errors pass unchanged. */
function classify(error: unknown): never {
  if (isConnectionFailure(error) && !(error instanceof DatabaseUnavailableError)) {
    throw new DatabaseUnavailableError(`database unavailable: ${(error as Error).message}`, { cause: error });
  }
  throw error;
}

export const DEFAULT_DATABASE_TIMEOUT_MS = 5_000;

/**
 * Runs a transaction against a deadline. `run` gets a check to call before each statement: once the
 * deadline has passed it throws, so that a late transaction rolls back instead of committing work
 * whose caller has already been given up on.
 */
async function withDeadline<T>(timeoutMs: number | undefined, run: (check: () => void) => Promise<T>): Promise<T> {
  if (timeoutMs === undefined) return run(() => undefined);
  let expired = false;
  const late = () => new DatabaseUnavailableError(`database unavailable: no answer within ${timeoutMs} ms`);
  const work = run(() => {
    if (expired) throw late();
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(late());
    }, timeoutMs);
  });
  // The work goes on after the deadline only to roll back; its outcome is no longer anyone's.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, "external", options);
  if (!options.dataDir) throw new Error("openDatabase: a url or a dataDir is needed");
  if (hasPgliteDatabase(options.dataDir)) {
    options.log?.("warn", `${options.dataDir}/pglite holds a database of an earlier version (PGlite), which is no longer read; the database is now in ${options.dataDir}/postgres`);
  }
  const server = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    share: options.shareEmbedded ?? false,
    ...(options.log ? { log: options.log } : {}),
    ...(options.onEmbeddedExit ? { onUnexpectedExit: options.onEmbeddedExit } : {}),
  });
  try {
    return await openPostgres(server.url, "embedded", options, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Named statements by text: each connection parses and plans one the first time it runs it. */
const statementNames = new Map<string, string>();
/** Beyond this many distinct texts (a query built from user input?), statements run unnamed. */
const MAX_PREPARED = 256;

/**
 * A query with parameters runs as a named prepared statement: Postgres parses and plans it once per
 * connection instead of on every call (the voice turn's statement is a few CTEs long). Scripts and
 * statements without parameters (DDL, `begin`) run as they are.
 */
function preparedQuery(text: string, params: readonly unknown[], prepare: boolean): pg.QueryConfig {
  if (params.length === 0) return { text };
  if (!prepare) return { text, values: params as unknown[] };
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `cc_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name === undefined ? { text, values: params as unknown[] } : { name, text, values: params as unknown[] };
}

/** The statement with its own client-side deadline (pg's `query_timeout`), when one is given. */
function withTimeout(config: pg.QueryConfig, options: QueryOptions | undefined): pg.QueryConfig {
  return options?.timeoutMs === undefined ? config : ({ ...config, query_timeout: options.timeoutMs } as pg.QueryConfig);
}

async function openPostgres(url: string, engine: Database["engine"], options: DatabaseOptions, server?: EmbeddedPostgres): Promise<Database> {
  const schema = options.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  const prepare = options.preparedStatements ?? true;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // A server that is down refuses at once; one that is unreachable (or overloaded) is given up on.
    connectionTimeoutMillis: timeoutMs,
    // Client-side: an answer that does not come is an error, and pool.query discards that connection.
    query_timeout: timeoutMs,
    keepAlive: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", () => undefined);
  if (schema) await pool.query(`create schema if not exists ${schema}`).catch(classify);
  else await pool.query("select 1").catch(classify);
  const run = async <Row>(client: pg.Pool | pg.PoolClient, text: string, params: readonly unknown[] = [], options?: QueryOptions) =>
    ((await client.query(withTimeout(preparedQuery(text, params, prepare), options)).catch(classify)) as pg.QueryResult).rows as Row[];
  // A script of several statements answers with one result per statement.
  const runScript = async <Row>(client: pg.Pool | pg.PoolClient, text: string) => {
    const result = (await client.query(text).catch(classify)) as pg.QueryResult | pg.QueryResult[];
    return ((Array.isArray(result) ? result.at(-1)?.rows : result.rows) ?? []) as Row[];
  };
  return {
    engine,
    url,
    schema,
    query: (text, params, options) => run(pool, text, params, options),
    async exec(script) {
      await runScript(pool, script);
    },
    script: (text) => runScript(pool, text),
    transaction: (work, options) => withDeadline(options?.timeoutMs, async (check) => {
      const client = await pool.connect().catch(classify);
      let broken: Error | undefined;
      // A checked-out client whose connection drops emits "error"; unheard, that would end the process.
      // The query in flight fails on its own, and the client is dropped on release.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      try {
        check();
        await run(client, "begin");
        const result = await work({
          query: (text, params, options) => {
            check();
            return run(client, text, params, options);
          },
          exec: async (script) => {
            check();
            await run(client, script);
          },
          script: (text) => {
            check();
            return runScript(client, text);
          },
        });
        check();
        await run(client, "commit");
        return result;
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          // The connection is in an unknown state (a timed-out query may still be running): drop it
          // rather than wait for a rollback that may never be answered. The server rolls back itself.
          broken = error as Error;
        } else {
          await client.query("rollback").catch((rollbackError: unknown) => {
            broken = rollbackError as Error;
          });
        }
        throw error;
      } finally {
        // With an error, the pool closes the connection instead of reusing it.
        client.off("error", onError);
        client.release(broken);
      }
    }),
    async close() {
      if (!pool.ended) await pool.end();
      await server?.stop();
    },
  };
}
