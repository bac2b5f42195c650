// On Postgres, statements with parameters run as named prepared statements: each connection parses
// and plans one once. DATABASE_PREPARED_STATEMENTS=false (a pooler in transaction mode) turns that
// off. Read from pg_prepared_statements on the one connection of the pool.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test, type TestContext } from "node:test";
import { openDatabase } from "../../src/db/database.js";
import { dropSchema, postgresReachable } from "../helpers.js";

const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function oneConnection(t: TestContext, preparedStatements: boolean | undefined) {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const db = await openDatabase({ url: POSTGRES_URL, schema, maxConnections: 1, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
  t.after(async () => {
    await db.close();
    await dropSchema(POSTGRES_URL, schema);
  });
  const prepared = async () =>
    (await db.query<{ name: string; statement: string }>("select name, statement from pg_prepared_statements order by prepare_time")).filter((row) =>
      row.statement.includes("marker_"),
    );
  return { db, prepared };
}

test("a statement with parameters is prepared once per connection and reused", async (t) => {
  if (!(await postgresReachable(POSTGRES_URL))) return t.skip("no Postgres at DATABASE_URL or 127.0.0.1:5432");
  const { db, prepared } = await oneConnection(t, undefined);
  for (const n of [1, 2, 3]) assert.deepEqual(await db.query("select $1::int + 1 as marker_sum", [n]), [{ marker_sum: n + 1 }]);
  await db.query("select $1::text as marker_other", ["x"]);
  const statements = await prepared();
  assert.equal(statements.length, 2, "one prepared statement per text, however often it runs");
  for (const s of statements) assert.match(s.name, /^cc_[0-9a-f]{20}$/);
  // In a transaction on the same connection, the same statement is reused too.
  await db.transaction(async (tx) => tx.query("select $1::int + 1 as marker_sum", [9]));
  assert.equal((await prepared()).length, 2);
});

test("with preparedStatements false, nothing is prepared and the answers are the same", async (t) => {
  if (!(await postgresReachable(POSTGRES_URL))) return t.skip("no Postgres at DATABASE_URL or 127.0.0.1:5432");
  const { db, prepared } = await oneConnection(t, false);
  for (const n of [1, 2]) assert.deepEqual(await db.query("select $1::int + 1 as marker_sum", [n]), [{ marker_sum: n + 1 }]);
  assert.deepEqual(await prepared(), []);
});
