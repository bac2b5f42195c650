// A node:test reporter for scripts/run-tests.mjs: the time each test file's top-level tests took,
// summed, as one JSON object { file: ms } (Node 20's TAP output does not say which file a test is in).
export default async function* fileDurations(source) {
  const totals = {};
  for await (const event of source) {
    if ((event.type === "test:pass" || event.type === "test:fail") && event.data.nesting === 0 && event.data.file) {
      totals[event.data.file] = (totals[event.data.file] ?? 0) + (event.data.details?.duration_ms ?? 0);
    }
  }
  yield JSON.stringify(totals);
}
