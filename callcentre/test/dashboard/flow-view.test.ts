import { test } from "node:test";
import assert from "node:assert/strict";
import { flowPage } from "../../src/dashboard/views/flow-view.js";
import { parseFlow } from "../../src/flows/load-flow.js";

test("the departments table: a ring group's agents and ringing, a queue department's agents from the top-level list", () => {
  const flow = parseFlow(`company: Acme
greeting: Hello.
start: billing
agents:
  ava: { name: Ava, phone: "+61491570110", departments: [billing] }
  ben: { name: Ben, client: ben, departments: [{ department: billing, level: overflow }] }
nodes:
  billing:
    type: department
    name: Billing
    ringTimeout: 15
    queue: { whenNobody: vm }
  sales:
    type: department
    name: Sales
    ring: sequential
    agents: [{ name: Sam, number: "+61491570120" }]
    onNoAnswer: hangup
  vm: { type: voicemail, prompt: Speak., department: billing, transcribe: false }
`);
  const page = flowPage({ company: "Acme", csrfToken: "t" }, flow, { file: "flow.yaml", problems: [], changed: false }).toString();
  assert.match(
    page,
    /<tr><td>Billing <code>billing<\/code><\/td><td>Ava \(first-line\), Ben \(overflow\)<\/td>\n<td>queue, one agent at a time, 15 s<\/td><td>nobody signed in: [^<]+<\/td><\/tr>/,
  );
  assert.match(
    page,
    /<tr><td>Sales <code>sales<\/code><\/td><td>Sam \+61491570120<\/td>\n<td>sequential, 20 s<\/td><td>goodbye, hang up<\/td><\/tr>/,
  );
});
