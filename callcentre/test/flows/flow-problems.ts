// What the flow tests share: the problems a flow file is refused with, and a flow with one edit.
import assert from "node:assert/strict";
import { FlowError, parseFlow } from "../../src/flows/load-flow.js";

/** The problems (file:line:column and what is wrong) `yaml` is refused with; fails if it is accepted. */
export function problems(yaml: string): string[] {
  try {
    parseFlow(yaml, "flow.yaml");
  } catch (error) {
    assert.ok(error instanceof FlowError, String(error));
    return error.problems;
  }
  assert.fail("the flow was accepted");
}

/** `yaml` with the text `from` (which must occur once) replaced by `to`. */
export function editOnce(yaml: string, from: string, to: string): string {
  assert.equal(yaml.split(from).length, 2, `${JSON.stringify(from)} occurs once`);
  return yaml.replace(from, to);
}
