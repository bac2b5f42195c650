#!/usr/bin/env node
// The `callcentre` command: runs the TypeScript CLI through tsx, with no build step. The entry is
// imported after register(), so tsx is in place to load it.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
