// A statement's answer is waited for DATABASE_TIMEOUT_MS (`timeoutMs`), then it is given up on as the
// database being unavailable; a read that is slow by nature (a report over months) gives its own
// deadline (`query(text, params, { timeoutMs })`), in a transaction too. The slow statement is Postgres's
// own pg_sleep: the behaviour under test is how long the call centre waits for an answer.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test, type TestContext } from "node:test";
import { isDatabaseUnavailable, openDatabase } from "../../src/db/database.js";
import { dropSchema, postgresReachable } from "../helpers.js";

const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function database(t: TestContext, timeoutMs: number) {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const db = await openDatabase({ url: POSTGRES_URL, schema, timeoutMs });
  t.after(async () => {
    await db.close();
    await dropSchema(POSTGRES_URL, schema);
  });
  return db;
}

const refusedAsUnavailable = (error: unknown) => {
  assert.ok(isDatabaseUnavailable(error), `unavailable, not ${String(error)}`);
  return true;
};

test("a statement slower than DATABASE_TIMEOUT_MS is given up on; one given a longer deadline is answered", async (t) => {
  if (!(await postgresReachable(POSTGRES_URL))) return t.skip("no Postgres at DATABASE_URL or 127.0.0.1:5432");
  const db = await database(t, 300);
  await assert.rejects(db.query("select pg_sleep(1.2) as slept"), refusedAsUnavailable);
  assert.deepEqual(await db.query("select pg_sleep(1.2)::text as slept", [], { timeoutMs: 10_000 }), [{ slept: "" }]);
  const inTransaction = await db.transaction((tx) => tx.query<{ n: number }>("select pg_sleep(1.2), $1::int as n", [7], { timeoutMs: 10_000 }));
  assert.deepEqual(inTransaction.map((r) => r.n), [7]);
  // The pool's deadline still holds for the next statement that gives none.
  await assert.rejects(db.query("select pg_sleep(1.2) as slept"), refusedAsUnavailable);
});

test("a deadline shorter than DATABASE_TIMEOUT_MS holds for its statement alone", async (t) => {
  if (!(await postgresReachable(POSTGRES_URL))) return t.skip("no Postgres at DATABASE_URL or 127.0.0.1:5432");
  const db = await database(t, 10_000);
  await assert.rejects(db.query("select pg_sleep(1.2) as slept", [], { timeoutMs: 200 }), refusedAsUnavailable);
  assert.deepEqual(await db.query("select 1 as one"), [{ one: 1 }]);
});
