#!/usr/bin/env node
// The `callcentre` command: runs the compiled CLI, dist/cli/main.js, with plain node. `npm run build`
// (or `npm run callcentre`, which builds first when anything changed) writes it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`${fileURLToPath(entry)} is missing: run \`npm run build\` in the repository first\n`);
  process.exit(1);
}
await import(entry.href);
