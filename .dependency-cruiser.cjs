// The boundaries between the workspaces, checked by `npm run check:boundaries` (part of `npm test`):
// - the call centre and the carrier are two programs with one contract (Twilio's API): neither imports
//   the other;
// - e2e and bench start the programs as processes and import neither's src (the one exception:
//   e2e/test/centre-in-process.ts runs the call centre in the test process, for a clock the test moves,
//   and hands e2e the call centre's migrated template database, callcentre/test/template-database.ts);
// - nothing imports the call centre's or the carrier's tests (bench reuses e2e's process helpers): what
//   tests share is in testkit, which imports no workspace;
// - no import cycles, type-only imports counted (tsPreCompilationDeps).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "callcentre-not-carrier",
      comment: "The call centre talks to the carrier only as it talks to Twilio: over HTTP.",
      severity: "error",
      from: { path: "^callcentre/" },
      to: { path: "^carrier/" },
    },
    {
      name: "carrier-not-callcentre",
      comment: "The carrier knows nothing of the call centre: it is a Twilio stand-in.",
      severity: "error",
      from: { path: "^carrier/" },
      to: { path: "^callcentre/" },
    },
    {
      name: "e2e-and-bench-not-src",
      comment: "e2e and bench start the programs as processes. Only e2e/test/centre-in-process.ts runs the call centre in process.",
      severity: "error",
      from: { path: "^(e2e|bench)/", pathNot: "^e2e/test/centre-in-process\\.ts$" },
      to: { path: "^(callcentre|carrier)/src/" },
    },
    {
      name: "centre-in-process-only-callcentre-src",
      comment: "The exception is for the call centre's source alone.",
      severity: "error",
      from: { path: "^e2e/test/centre-in-process\\.ts$" },
      to: { path: "^carrier/src/" },
    },
    {
      name: "no-other-workspaces-tests",
      comment: "A workspace's tests are its own; what several workspaces share lives in testkit. The named exception, e2e/test/centre-in-process.ts, takes the call centre's migrated template database (its own migrations and pg-boss's schema) from callcentre/test/template-database.ts.",
      severity: "error",
      from: { path: "^([^/]+)/", pathNot: "^e2e/test/centre-in-process\\.ts$" },
      to: { path: "^(callcentre|carrier)/test/", pathNot: "^$1/" },
    },
    {
      name: "testkit-imports-no-workspace",
      comment: "testkit is shared by all: it depends on none of them.",
      severity: "error",
      from: { path: "^testkit/" },
      to: { path: "^(callcentre|carrier|e2e|bench|scripts)/" },
    },
    {
      name: "no-circular",
      comment: "An import cycle, type-only imports included: split the shared part into a module of its own.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing (a typo, or a moved file).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|test-artifacts|dist)/" },
    // Type-only imports are dependencies too: a cycle through `import type` is still a cycle.
    tsPreCompilationDeps: true,
    // Workspaces are reached through node_modules symlinks: follow them to the real files.
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
