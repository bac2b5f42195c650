// Runs `tsc -b tsconfig.build.json` (npm run build) when the compiled programs are missing or older
// than any of their sources, before `npm start` and the other commands that run dist/. Plain
// JavaScript, so that it runs before anything is built. When nothing changed it only reads file times:
// `tsc -b` would find the same, but loading TypeScript to do so costs about half a second of CPU on
// every start.
//
// tsc -b writes a project's .tsbuildinfo last, and touches it when it finds an input newer but
// nothing to emit, so "every input older than the build info" is what tsc -b calls up to date.
// Folders count as inputs too: deleting or renaming a source file changes its folder's time.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The projects of tsconfig.build.json: their inputs, and the build info tsc -b writes for each. */
const PROJECTS = [
  { inputs: ["callcentre/src", "tsconfig.base.json"], buildInfo: "callcentre/dist/tsconfig.tsbuildinfo" },
  { inputs: ["carrier/src", "tsconfig.base.json"], buildInfo: "carrier/dist/tsconfig.tsbuildinfo" },
  { inputs: ["scripts/start.ts", "scripts/tsconfig.json", "tsconfig.base.json"], buildInfo: "scripts/dist/.tsbuildinfo" },
];

/** The newest modification time of a file, or of a folder and everything below it. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function builtAt(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const stale = PROJECTS.some(({ inputs, buildInfo }) => {
  const built = builtAt(join(ROOT, buildInfo));
  return inputs.some((input) => newest(join(ROOT, input)) > built);
});

if (stale) {
  let tsc;
  try {
    tsc = createRequire(join(ROOT, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    console.error("The build in dist/ is missing or out of date, and TypeScript is not installed: run `npm install`, then try again");
    process.exit(1);
  }
  console.log("Compiling the TypeScript into dist/ (npm run build)…");
  const result = spawnSync(process.execPath, [tsc, "-b", join(ROOT, "tsconfig.build.json")], { stdio: "inherit" });
  // A build with errors still writes its build info (tsc -b records the errors there): without it,
  // the next start would take the failed build for an up-to-date one and run what it left in dist/.
  if (result.status !== 0) for (const { buildInfo } of PROJECTS) rmSync(join(ROOT, buildInfo), { force: true });
  process.exit(result.status ?? 1);
}
