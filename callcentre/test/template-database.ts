// A database of its own for every test, copied from a migrated template on the run's one Postgres server.
//
// The server: DATABASE_URL, which scripts/run-tests.mjs sets for the test files (an embedded server it
// starts for the run, or the server the caller named). The template: `cc_tpl_<hash>`, where the hash
// covers callcentre/migrations/*.sql and pg-boss's version, holds the migrated tables, pg-boss's schema
// and the app's queues. The first test file to need it builds it, under an advisory lock so that files
// running in parallel (and other test runs on the same server) build it once; every test then costs one
// `CREATE DATABASE cc_t_… TEMPLATE cc_tpl_<hash>` and a drop, instead of running the migrations.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyBaseLogger } from "fastify";
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
import { Jobs } from "../src/jobs/jobs.js";

const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));
/** Held while a template is checked, built or cleaned up (another key than migrate.ts's). */
const TEMPLATE_LOCK_KEY = 727_274_090;
/** Templates of other migration sets, and test databases a killed run left, are dropped after this. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface TestDatabase {
  name: string;
  /** DATABASE_URL with this database's name as its path. */
  url: string;
  /** Drops it, ending any connection a test left open. */
  drop(): Promise<void>;
}

/** The server's URL, or an error that says how to get one. */
export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set: run tests through `npm test` or `node scripts/run-tests.mjs <folder or file>…` " +
        "(it starts an embedded Postgres server for the run), or set DATABASE_URL to a Postgres server",
    );
  }
  return url;
}

/** `url` with `name` as its database. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A hash of what a migrated database is made of: the migrations' files and pg-boss's version. */
export function templateHash(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".sql")).sort()) {
    hash.update(`${file}\0${readFileSync(join(MIGRATIONS_DIR, file), "utf8")}\0`);
  }
  const bossPackage = createRequire(import.meta.url).resolve("pg-boss/package.json");
  hash.update(`pg-boss@${(JSON.parse(readFileSync(bossPackage, "utf8")) as { version: string }).version}`);
  return hash.digest("hex").slice(0, 16);
}

export const templateName = (): string => `cc_tpl_${templateHash()}`;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quiet = {
  level: "silent",
  fatal: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
  silent: () => undefined,
  child: () => quiet,
} as unknown as FastifyBaseLogger;

/** Creates `name` and fills it as the app would at its first start: migrations, pg-boss and its queues. */
async function buildTemplate(admin: pg.Client, url: string, name: string): Promise<void> {
  await admin.query(`create database ${name}`);
  const db = await openDatabase({ url: withDatabase(url, name), maxConnections: 2 });
  try {
    await migrate(db);
    const jobs = new Jobs({ db, log: quiet });
    await jobs.start();
    await jobs.stop();
  } finally {
    await db.close();
  }
  await admin.query(`comment on database ${name} is '${JSON.stringify({ createdAt: new Date().toISOString() })}'`);
  // Marked a template last: a database by this name that is not one is a build that did not finish.
  await admin.query(`alter database ${name} with is_template true allow_connections false`);
}

/** Drops templates of other migration sets and test databases older than a day (a killed run's). */
async function dropStale(admin: pg.Client, keep: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string; datistemplate: boolean; comment: string | null }>(
    String.raw`select datname, datistemplate, shobj_description(oid, 'pg_database') as comment
       from pg_database where datname like 'cc\_tpl\_%' or datname like 'cc\_t\_%'`,
  );
  const now = Date.now();
  for (const row of rows) {
    if (row.datname === keep) continue;
    let createdAt = Number.NaN;
    if (row.datname.startsWith("cc_tpl_")) {
      try {
        createdAt = Date.parse((JSON.parse(row.comment ?? "{}") as { createdAt?: string }).createdAt ?? "");
      } catch {
        // An unreadable comment: not one of ours to judge; left alone.
      }
    } else {
      createdAt = Number.parseInt(row.datname.split("_")[2] ?? "", 36);
    }
    if (!(now - createdAt > STALE_AFTER_MS)) continue;
    if (row.datistemplate) await admin.query(`alter database ${row.datname} with is_template false`);
    await admin.query(`drop database if exists ${row.datname} with (force)`);
  }
}

const templates = new Map<string, Promise<string>>();

/** The migrated template on the server at `url`, built if this migration set has none yet. */
export function ensureTemplate(url = serverUrl()): Promise<string> {
  const server = withDatabase(url, "");
  let template = templates.get(server);
  if (!template) {
    template = withClient(url, async (admin) => {
      const name = templateName();
      const ready = async () =>
        (await admin.query<{ datistemplate: boolean }>("select datistemplate from pg_database where datname = $1", [name])).rows[0];
      if ((await ready())?.datistemplate) return name;
      await admin.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
      try {
        const found = await ready();
        if (found?.datistemplate) return name;
        if (found) await admin.query(`drop database ${name} with (force)`);
        await buildTemplate(admin, url, name);
        await dropStale(admin, name);
        return name;
      } finally {
        await admin.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]);
      }
    });
    templates.set(server, template);
    // A failed build is tried again by the next caller rather than failing every test after it.
    template.catch(() => templates.delete(server));
  }
  return template;
}

/**
 * A new database copied from the migrated template: `cc_t_<time>_<random>` (the time, base 36, lets a
 * later run drop what a killed one left).
 */
export async function createTestDatabase(url = serverUrl()): Promise<TestDatabase> {
  const template = await ensureTemplate(url);
  const name = `cc_t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withClient(url, (admin) => admin.query(`create database ${name} template ${template}`));
  return {
    name,
    url: withDatabase(url, name),
    drop: () => withClient(url, async (admin) => void (await admin.query(`drop database if exists ${name} with (force)`))),
  };
}
