// A queue department's wallboard `thresholds` (docs/flow-file.md, docs/wallboard.md): parsed with
// their default, and each mistake reported at its file:line:column like the rest of the flow file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlow } from "../../src/flows/load-flow.js";
import { problems, editOnce } from "./flow-problems.js";
import { isQueueDepartment } from "../../src/flows/flow-schema.js";
import { shippedFlow } from "../helpers.js";

// Line numbers matter: the tests below expect problems at exact positions of this text.
const FLOW = `company: Acme
greeting: Hello.
start: billing
agents:
  ava: { name: Ava, phone: "+61491570110", departments: [billing] }
nodes:
  billing:
    type: department
    name: Billing
    queue:
      whenNobody: hangup
      thresholds:
        serviceLevelBelow: 80
        longestWaitOver: 120
        waitingOver: 10
        abandonmentOver: 12.5
        alert: sms
`;


const edit = (from: string, to: string): string => editOnce(FLOW, from, to);

const thresholdsOf = (yaml: string) => {
  const node = parseFlow(yaml).nodes.billing;
  assert.ok(isQueueDepartment(node));
  return node.queue.thresholds;
};

test("thresholds parse; alert defaults to none; any one limit is enough; without the block there are none", () => {
  assert.deepEqual(thresholdsOf(FLOW), { serviceLevelBelow: 80, longestWaitOver: 120, waitingOver: 10, abandonmentOver: 12.5, alert: "sms" });
  assert.deepEqual(
    thresholdsOf(edit("        serviceLevelBelow: 80\n        longestWaitOver: 120\n        waitingOver: 10\n        abandonmentOver: 12.5\n        alert: sms\n", "        longestWaitOver: 90\n")),
    { longestWaitOver: 90, alert: "none" },
  );
  assert.equal(thresholdsOf(FLOW.slice(0, FLOW.indexOf("      thresholds:"))), undefined);
});

test("the shipped flows give Billing sensible thresholds with SMS alerts", () => {
  const billing = shippedFlow().nodes.billing;
  assert.ok(isQueueDepartment(billing));
  assert.deepEqual(billing.queue.thresholds, { serviceLevelBelow: 80, longestWaitOver: 120, waitingOver: 10, abandonmentOver: 10, alert: "sms" });
});

for (const [name, yaml, expected] of [
  ["an unknown threshold", edit("waitingOver: 10", "waitingMore: 10"), 'flow.yaml:13:9: nodes.billing.queue.thresholds: Unrecognized key: "waitingMore"'],
  ["a service level over 100 %", edit("serviceLevelBelow: 80", "serviceLevelBelow: 120"), "flow.yaml:13:28: nodes.billing.queue.thresholds.serviceLevelBelow: Too big: expected number to be <=100"],
  ["a service level target of 0", edit("serviceLevelBelow: 80", "serviceLevelBelow: 0"), "flow.yaml:13:28: nodes.billing.queue.thresholds.serviceLevelBelow: Too small: expected number to be >0"],
  ["a longest wait in minutes", edit("longestWaitOver: 120", 'longestWaitOver: "2m"'), "flow.yaml:14:26: nodes.billing.queue.thresholds.longestWaitOver: Invalid input: expected number, received string"],
  ["a longest wait that is not whole seconds", edit("longestWaitOver: 120", "longestWaitOver: 1.5"), "flow.yaml:14:26: nodes.billing.queue.thresholds.longestWaitOver: Invalid input: expected int, received number"],
  ["a negative number of callers", edit("waitingOver: 10", "waitingOver: -1"), "flow.yaml:15:22: nodes.billing.queue.thresholds.waitingOver: Too small: expected number to be >=0"],
  ["an abandonment limit of 100 %", edit("abandonmentOver: 12.5", "abandonmentOver: 100"), "flow.yaml:16:26: nodes.billing.queue.thresholds.abandonmentOver: Too big: expected number to be <100"],
  ["an unknown alert channel", edit("alert: sms", "alert: email"), 'flow.yaml:17:16: nodes.billing.queue.thresholds.alert: Invalid option: expected one of "sms"|"none"'],
  [
    "an alert without any limit",
    edit("        serviceLevelBelow: 80\n        longestWaitOver: 120\n        waitingOver: 10\n        abandonmentOver: 12.5\n", ""),
    "flow.yaml:13:9: nodes.billing.queue.thresholds: thresholds need at least one of serviceLevelBelow, longestWaitOver, waitingOver or abandonmentOver",
  ],
] as const) {
  test(`thresholds: ${name} is reported where it is`, () => {
    assert.deepEqual(problems(yaml), [expected]);
  });
}
