import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFlowFile, parseFlow } from "../../src/flows/load-flow.js";
import { problems } from "./flow-problems.js";
import { DEFAULT_FLOW_FILE } from "../../src/config.js";
import { BUSINESS_HOURS_FLOW_FILE } from "../helpers.js";

const MINIMAL = `company: Acme
greeting: Hello.
start: main
nodes:
  main:
    type: menu
    prompt: Press 1.
    options:
      - { key: "1", label: One, goto: bye }
  bye:
    type: hangup
`;


test("the shipped default flow is valid, uses every node type, and is open at all hours", () => {
  const flow = loadFlowFile(DEFAULT_FLOW_FILE);
  const types = new Set(Object.values(flow.nodes).map((node) => node.type));
  assert.deepEqual([...types].sort(), ["callback", "department", "menu", "message", "redirect", "voicemail"]);
  assert.equal(flow.hours, undefined, "a first call reaches the menu at any hour");
  assert.equal(flow.timezone, "Australia/Sydney");
  assert.ok(flow.blocklist.numbers.length);
});

test("business-hours.yaml is the shipped flow plus business hours and the voicemail they lead to", () => {
  const withHours = loadFlowFile(BUSINESS_HOURS_FLOW_FILE);
  assert.equal(withHours.hours?.timezone, "Australia/Sydney", "read in the flow's zone");
  assert.ok(withHours.hours?.holidays.length);
  assert.equal(withHours.hours?.closed.then, "after-hours-voicemail");
  const { hours: _hours, nodes, ...rest } = withHours;
  const { "after-hours-voicemail": _voicemail, ...otherNodes } = nodes;
  const { hours: _none, nodes: shippedNodes, ...shipped } = loadFlowFile(DEFAULT_FLOW_FILE);
  assert.deepEqual(rest, shipped);
  assert.deepEqual(otherNodes, { ...shippedNodes });
});

test("the centre's time zone: the flow's, else that of its hours, else UTC; hours without one take the flow's", () => {
  const base = `company: Acme\ngreeting: Hello.\nstart: bye\nnodes:\n  bye: { type: hangup }\n`;
  const hours = (zone: string) => `hours:\n  ${zone}weekly: {}\n  closed: { prompt: Closed. }\n`;
  assert.equal(parseFlow(base).timezone, "UTC");
  assert.equal(parseFlow(`${base}timezone: Europe/Paris\n`).timezone, "Europe/Paris");
  const fromHours = parseFlow(`${base}${hours("timezone: Asia/Tokyo\n  ")}`);
  assert.deepEqual([fromHours.timezone, fromHours.hours?.timezone], ["Asia/Tokyo", "Asia/Tokyo"]);
  const fromFlow = parseFlow(`${base}timezone: Europe/Paris\n${hours("")}`);
  assert.deepEqual([fromFlow.timezone, fromFlow.hours?.timezone], ["Europe/Paris", "Europe/Paris"]);
  assert.deepEqual(problems(`${base}${hours("")}`), ["flow.yaml:7:3: hours.timezone: missing: the zone of these hours, here or as the flow's timezone (e.g. Australia/Sydney)"]);
  assert.match(problems(`${base}timezone: Sydney\n`)[0] ?? "", /^flow\.yaml:6:11: timezone: must be an IANA time zone/);
});

test("defaults are filled in", () => {
  const flow = parseFlow(MINIMAL);
  assert.equal(flow.voice, "Polly.Joanna");
  assert.equal(flow.language, "en-US");
  assert.deepEqual(flow.goodbye, [{ kind: "say", say: "Thank you for calling. Goodbye." }]);
  const menu = flow.nodes.main;
  assert.equal(menu?.type, "menu");
  if (menu?.type !== "menu") return;
  assert.equal(menu.input, "dtmf speech");
  assert.equal(menu.timeout, 5);
  assert.equal(menu.retries, 2);
  assert.equal(menu.onFailure, "hangup");
  assert.deepEqual(flow.blocklist, { reason: "rejected", numbers: [], anonymous: false });
});

test("an unknown goto names the file, line, field and the known nodes", () => {
  assert.deepEqual(problems(MINIMAL.replace("goto: bye", "goto: byee")), [
    'flow.yaml:9:39: nodes.main.options[0].goto: unknown node "byee"; known nodes: main, bye, or "hangup"',
  ]);
});

test("each problem is reported at its own line", () => {
  const yaml = `company: Acme
greeting: Hello {caller.planet}.
start: nowhere
hours:
  timezone: Mars/Olympus
  weekly:
    monday: ["17:00-09:00"]
  closed: { prompt: Closed. }
nodes:
  vm:
    type: voicemail
    prompt: Speak.
    maxLength: 300
    colour: blue
`;
  const found = problems(yaml);
  const expect = [
    /^flow\.yaml:2:\d+: greeting\[0\]: unknown placeholder \{caller\.planet\}/,
    /^flow\.yaml:5:\d+: hours\.timezone: must be an IANA time zone/,
    /^flow\.yaml:7:\d+: hours\.weekly\.monday\[0\]: a period must end after it starts/,
    /^flow\.yaml:11:\d+: nodes\.vm: Unrecognized key: "colour"/,
  ];
  for (const pattern of expect) assert.ok(found.some((p) => pattern.test(p)), `${pattern} in\n${found.join("\n")}`);
});

test("cross-field rules: transcription length, duplicate keys, on-call agent", () => {
  const found = problems(`company: Acme
greeting: Hi.
start: main
nodes:
  main:
    type: menu
    prompt: Choose.
    options:
      - { key: "1", label: A, goto: vm }
      - { key: "1", label: B, goto: sales }
  sales:
    type: department
    name: Sales
    agents: [{ name: Ann, number: "+15005550006" }]
    onCall: Zed
    onNoAnswer: vm
  vm:
    type: voicemail
    prompt: Speak.
    maxLength: 300
`);
  assert.ok(found.some((p) => /^flow\.yaml:10:\d+: nodes\.main\.options\[1\]\.key: key 1 is used twice$/.test(p)), found.join("\n"));
  assert.ok(found.some((p) => /^flow\.yaml:15:\d+: nodes\.sales\.onCall: names no agent/.test(p)), found.join("\n"));
  assert.ok(found.some((p) => /^flow\.yaml:20:\d+: nodes\.vm\.maxLength: must be at most 120 seconds when transcribe/.test(p)), found.join("\n"));
});

test("YAML syntax errors and unreadable files are reported with their position", () => {
  const found = problems("company: Acme\ngreeting: [unclosed\n");
  assert.match(found[0] ?? "", /^flow\.yaml:\d+:\d+: /);
  assert.throws(() => loadFlowFile("/nonexistent/flow.yaml"), /\/nonexistent\/flow\.yaml: cannot be read \(ENOENT\)/);
});

test("a node type that does not exist is rejected", () => {
  const found = problems(MINIMAL.replace("type: hangup", "type: teleport"));
  assert.ok(found.some((p) => /^flow\.yaml:11:\d+: nodes\.bye\.type: /.test(p)), found.join("\n"));
});

test("reserved and contradictory settings are refused", () => {
  const found = problems(`company: Acme
greeting: Hi.
start: main
hours:
  timezone: UTC
  weekly: {}
  holidays:
    - { date: "2026-12-25", name: A }
    - { date: "2026-12-25", name: B }
  closed: { prompt: Closed. }
nodes:
  main: { type: redirect, to: main, method: GET }
`);
  assert.ok(found.some((p) => /^flow\.yaml:9:\d+: hours\.holidays\[1\]\.date: 2026-12-25 is listed twice$/.test(p)), found.join("\n"));
  assert.ok(found.some((p) => /^flow\.yaml:12:\d+: nodes\.main\.method: a redirect to a node of this flow is always POST$/.test(p)), found.join("\n"));
  const reserved = problems(MINIMAL.replace("  bye:\n", "  hangup:\n").replace("goto: bye", "goto: hangup"));
  assert.deepEqual(reserved, ['flow.yaml:11:5: nodes.hangup: "hangup" is reserved: as a target it means say goodbye and hang up']);
});
