// A flow file for scenarios with many agents and queue departments (e2e/test/acd-scale-out.test.ts,
// and the bench's `acd`): the shipped flow's settings, open at all hours, with a main menu whose key N
// leads to the N-th queue department, and the given agents. Callers hear a short greeting, the menu,
// and the department's prompt; nobody signed in hangs up (the scenarios sign agents in first).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface QueueDepartmentSpec {
  /** The node id: lower-case letters, digits and dashes. */
  id: string;
  name: string;
  ringTimeout: number;
  /** The queue block's wrapUp (0: until the agent says ready) and maxNoAnswer. */
  wrapUp: number;
  maxNoAnswer: number;
}

export interface AgentSpec {
  id: string;
  name: string;
  phone: string;
  /** Departments served: first-line, then overflow. */
  firstLine: string[];
  overflow?: string[];
}

/** Writes the flow into `dir` and returns its path. At most 9 departments (one key each). */
export function queueFlowFile(dir: string, departments: QueueDepartmentSpec[], agents: AgentSpec[]): string {
  if (departments.length > 9) throw new RangeError("one menu key per department: 9 at most");
  const doc = parseDocument(readFileSync(join(ROOT, "callcentre/flows/default.yaml"), "utf8"));
  doc.delete("hours");
  doc.set("greeting", "Thank you for calling.");
  doc.set("start", "main-menu");
  doc.set(
    "agents",
    Object.fromEntries(
      agents.map((a) => [
        a.id,
        { name: a.name, phone: a.phone, departments: [...a.firstLine, ...(a.overflow ?? []).map((department) => ({ department, level: "overflow" }))] },
      ]),
    ),
  );
  const nodes: Record<string, unknown> = {
    "main-menu": {
      type: "menu",
      prompt: "Choose a department.",
      options: departments.map((d, i) => ({ key: String(i + 1), label: d.name, goto: d.id })),
      input: "dtmf",
      timeout: 10,
      retries: 2,
      onFailure: "hangup",
    },
  };
  for (const d of departments) {
    nodes[d.id] = {
      type: "department",
      name: d.name,
      prompt: `Please hold for ${d.name}.`,
      ringTimeout: d.ringTimeout,
      callerId: "+61255501234",
      queue: { whenNobody: "hangup", maxWait: 86_400, maxSize: 1000, wrapUp: d.wrapUp, maxNoAnswer: d.maxNoAnswer },
    };
  }
  doc.set("nodes", nodes);
  const file = join(dir, "queue-flow.yaml");
  writeFileSync(file, doc.toString());
  return file;
}
