// Reads and validates a flow file. Every problem is reported as "file:line:column field: message".
import { readFileSync } from "node:fs";
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { FlowSchema, type Flow } from "./flow-schema.js";

export class FlowError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid flow file ${file}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "FlowError";
  }
}

export function loadFlowFile(file: string): Flow {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new FlowError(file, [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  return parseFlow(text, file);
}

export function parseFlow(text: string, file = "<flow>"): Flow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FlowError(
      file,
      doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        return `${file}:${pos.line}:${pos.col}: ${error.message.split("\n")[0]}`;
      }),
    );
  }
  const result = FlowSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new FlowError(file, result.error.issues.map((issue) => describe(issue, doc, lineCounter, file)));
  }
  return result.data;
}

function describe(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): string {
  const path = issue.path.map((part) => (typeof part === "symbol" ? String(part) : part));
  const field = path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    "",
  );
  const offset = offsetOf(doc, path);
  const where = offset === undefined ? file : `${file}:${lines.linePos(offset).line}:${lines.linePos(offset).col}`;
  // A bad record key (a node id) carries the key's own problems inside.
  const message = issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
  return `${where}: ${field || "(top level)"}: ${message}`;
}

/** Source offset of the deepest node on `path` that exists in the document. */
function offsetOf(doc: Document, path: (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isNode(item.key) ? (item.key as { value?: unknown }).value : item.key) === part);
      if (!pair) break;
      // Point at the value, or at the key when the value is empty.
      node = pair.value;
      offset = (isNode(pair.value) ? pair.value.range?.[0] : undefined) ?? (isNode(pair.key) ? pair.key.range?.[0] : offset);
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part];
      if (!isNode(node)) break;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
