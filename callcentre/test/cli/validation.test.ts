import { test } from "node:test";
import assert from "node:assert/strict";
import { e164Problem } from "../../src/cli/validation.js";

test("E.164: +, a country code not starting with 0, 7 to 15 digits", () => {
  for (const ok of ["+61491570156", "+14155550100", "+1234567", "+123456789012345"]) assert.equal(e164Problem(ok), undefined, ok);
  const cases: [string, string][] = [
    ["", "empty"],
    ["0491570156", "missing the + and country code"],
    ["0061491570156", "use + instead of the 00 international prefix"],
    ["61491570156", "missing the leading +"],
    ["+0491570156", "a country code never starts with 0"],
    ["+123456", "too short: 6 digits, E.164 has 7 to 15"],
    ["+1234567890123456", "too long: 16 digits, E.164 has at most 15"],
    ["+61 491 570 156", "only + and digits are allowed: remove spaces, dashes, dots and brackets"],
    ["+1 (415) 555-0100", "only + and digits are allowed: remove spaces, dashes, dots and brackets"],
    ["client:alice", "only + and digits are allowed"],
    ["+6149+1570156", "+ may appear only at the start"],
  ];
  for (const [value, problem] of cases) assert.equal(e164Problem(value), problem, value);
});
