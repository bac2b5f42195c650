import { test } from "node:test";
import assert from "node:assert/strict";
import { waitFor } from "../src/wait-for.js";

test("waitFor resolves once the condition holds, sync or async", async () => {
  let calls = 0;
  await waitFor(() => ++calls === 3, "the third call");
  assert.equal(calls, 3);
  await waitFor(async () => true, "an async condition");
});

test("waitFor fails after the timeout, saying what it waited for", async () => {
  await assert.rejects(waitFor(() => false, "the impossible", 50), /^Error: timed out waiting for the impossible$/);
});
