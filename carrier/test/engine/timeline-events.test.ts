// The browser pages take timeline event names from public/timeline-events.js: it must name exactly
// the events of the carrier's typed map (src/timeline.ts), and the pages must not spell one out
// themselves in a `case`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { TIMELINE_EVENTS } from "../../src/timeline.js";

const PUBLIC = new URL("../../public/", import.meta.url);

test("public/timeline-events.js names exactly the events of the typed map", async () => {
  const shared = (await import(new URL("timeline-events.js", PUBLIC).href)) as { EVENT: Record<string, string> };
  assert.deepEqual(Object.values(shared.EVENT).sort(), Object.keys(TIMELINE_EVENTS).sort());
  assert.ok(Object.isFrozen(shared.EVENT));
});

for (const page of ["softphone.js", "calls.js"]) {
  test(`${page} imports the shared names and spells no event name in a case`, async () => {
    const source = await readFile(new URL(page, PUBLIC), "utf8");
    assert.match(source, /import \{ EVENT \} from "\.\/timeline-events\.js";/);
    const spelled = [...source.matchAll(/case "([^"]+)":/g)].map((m) => m[1]).filter((name) => name !== undefined && name in TIMELINE_EVENTS);
    assert.deepEqual(spelled, []);
  });
}
