import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlow } from "../../src/flows/load-flow.js";
import { matchOption, words } from "../../src/flows/menu-match.js";

const flow = parseFlow(`company: X
greeting: Hi.
start: m
nodes:
  m:
    type: menu
    prompt: Choose.
    options:
      - { key: "1", keywords: [billing, pay], label: Billing, goto: hangup }
      - { key: "2", keywords: [power cut, outage], label: Faults, goto: hangup }
      - { key: "#", keywords: [operator], label: Operator, goto: hangup }
      - { keywords: [complaint], label: Complaints, goto: hangup }
`);
const menu = flow.nodes.m;
if (menu?.type !== "menu") throw new Error("fixture");

test("input is matched to an option by key, keyword phrase or spoken key", () => {
  const cases: [string, { digits?: string; speech?: string }, string | undefined][] = [
    ["a key", { digits: "2" }, "Faults"],
    ["the hash key as an option", { digits: "#" }, "Operator"],
    ["a key that is no option", { digits: "9" }, undefined],
    ["several keys count by the first", { digits: "21" }, "Faults"],
    ["a keyword, any case and punctuation", { speech: "Billing, please!" }, "Billing"],
    ["a two-word keyword", { speech: "there's a power cut on my street" }, "Faults"],
    ["a keyword's words apart do not match", { speech: "the power is fine but the cut is not" }, undefined],
    ["part of a word does not match", { speech: "paying" }, undefined],
    ["the earliest keyword wins", { speech: "outage, not billing" }, "Faults"],
    ["an option without a key, by speech", { speech: "I have a complaint" }, "Complaints"],
    ["a spoken digit", { speech: "one" }, "Billing"],
    ["a spoken digit in a phrase", { speech: "option 2 please" }, "Faults"],
    ["digits win over speech", { digits: "1", speech: "outage" }, "Billing"],
    ["nothing", {}, undefined],
    ["accents are folded", { speech: "BÍLLING" }, "Billing"],
  ];
  for (const [why, input, label] of cases) assert.equal(matchOption(menu, input)?.label, label, why);
});

test("words() splits speech into lower-case words", () => {
  assert.deepEqual(words("  Hello, WORLD! It's 9 o'clock…"), ["hello", "world", "it", "s", "9", "o", "clock"]);
});
