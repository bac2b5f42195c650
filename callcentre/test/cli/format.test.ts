import { test } from "node:test";
import assert from "node:assert/strict";
import { fitText, formatDate, keyValueLines, table } from "../../src/cli/format.js";

test("format: dates, aligned key: value lines, text cut to fit, tables", () => {
  assert.equal(formatDate(new Date("2026-11-24T01:00:00.123Z")), "2026-11-24T01:00:00Z");
  assert.equal(formatDate(null), "-");
  assert.deepEqual(keyValueLines([["a", "1"], ["long key", "x\ny"]]), ["a:        1", "long key: x", "          y"]);
  assert.equal(fitText("two\nlines  here", 20), "two lines here");
  assert.equal(fitText("abcdefghij", 5), "abcd…");
  assert.deepEqual(table(["A", "BODY"], [["xyz", "0123456789abcdef"]], 15), ["A    BODY", "xyz  012345678…"]);
});
