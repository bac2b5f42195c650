import { test } from "node:test";
import assert from "node:assert/strict";
import { startProgram } from "../src/program.js";

const env = { PATH: process.env.PATH, PORT: "0" };

test("startProgram resolves with the URL the program reports, on the port the system picked", async (t) => {
  const program = await startProgram("testkit/test/programs/listens-on-port-zero.ts", { env, t });
  assert.match(program.url, /^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  assert.equal(await (await fetch(program.url)).text(), "hello");
  assert.equal(program.output(), "listening\n");
  await program.stop();
  assert.equal(await program.exited(), 0);
});

test("two programs on port 0 get two ports", async (t) => {
  const [a, b] = await Promise.all([1, 2].map(() => startProgram("testkit/test/programs/listens-on-port-zero.ts", { env, t })));
  assert.notEqual(a?.url, b?.url);
});

test("a program that exits before it is ready rejects with its exit code and output", async () => {
  await assert.rejects(
    startProgram("testkit/test/programs/fails-to-start.ts", { env }),
    /testkit\/test\/programs\/fails-to-start\.ts exited \(1\) before it was ready:\nPORT eighty is not a number\n/,
  );
});
