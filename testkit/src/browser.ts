// Chromium for the browser tests (playwright-core driving the machine's Chromium: never a downloaded
// build), started with the flags every test uses, and a page's script errors collected so that a test
// can say there were none.
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath } from "./chromium.js";

/** Headless, and nothing that reaches the network by itself (updates, sync, QUIC probes). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/**
 * Starts Chromium with CHROMIUM_ARGS and `extraArgs` (e.g. "--autoplay-policy=no-user-gesture-required");
 * with `t` (a node:test context), it is closed when the test ends.
 */
export async function launchChromium(t?: { after(fn: () => Promise<void>): void }, extraArgs: readonly string[] = []): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...extraArgs] });
  t?.after(() => browser.close());
  return browser;
}

/** Collects the page's uncaught errors and console errors into `problems` (a test asserts it stays empty). */
export function collectPageErrors(page: Page, problems: string[] = []): string[] {
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  return problems;
}
