// Where the browser tests find Chromium: CHROMIUM_PATH, else the usual places on Linux. With none,
// a browser test fails and says what to install; it never skips quietly.
import { accessSync, constants } from "node:fs";

/** The usual places, in the order they are tried after CHROMIUM_PATH. */
export const CHROMIUM_LOCATIONS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/opt/google/chrome/chrome",
];

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Chromium (or Chrome) executable for playwright-core's `executablePath`. CHROMIUM_PATH, when set,
 * is the only one tried: a wrong path is an error, not a reason to pick another browser.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env, locations: readonly string[] = CHROMIUM_LOCATIONS): string {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (executable(configured)) return configured;
    throw new Error(`CHROMIUM_PATH is ${configured}, which is not an executable file: set it to Chromium's or Chrome's executable`);
  }
  const found = locations.find(executable);
  if (found) return found;
  throw new Error(
    `no Chromium found (looked in ${locations.join(", ")}): install it (Debian/Ubuntu: apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or Chrome executable`,
  );
}
