// Waiting on a condition instead of sleeping a fixed time: the test goes on as soon as the condition
// holds, and says what it waited for when it never does.
import { setTimeout as delay } from "node:timers/promises";

/** Waits until `check` holds, polling every 10 ms; fails after `timeoutMs` with "timed out waiting for <what>". */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}
