// Runs the CLI in-process, as `callcentre <argv>` would, against the fake REST API: the real config
// loader on a test environment, the real (rebased) Twilio client, captured stdout and stderr.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import type { CliDeps } from "../../src/cli/context.js";
import type { ExtraCommand } from "../../src/cli/program.js";
import { runCli } from "../../src/cli/run.js";
import { ACCOUNT_SID, AUTH_TOKEN, type FakeTwilioRest } from "./fake-twilio-rest.js";

export const PUBLIC_BASE_URL = "https://callcentre.example.test";
export const OUR_NUMBER = "+61255501234";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The server's environment, pointed at the fake API; `undefined` removes a variable. */
export function cliEnv(api: FakeTwilioRest, overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: api.url,
    PUBLIC_BASE_URL,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
    DATA_DIR: mkdtempSync(join(tmpdir(), "cc-cli-")),
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export async function run(
  api: FakeTwilioRest,
  argv: string[],
  options: { env?: Record<string, string | undefined>; deps?: Partial<CliDeps>; extraCommands?: ExtraCommand[] } = {},
): Promise<CliRun> {
  const env = cliEnv(api, options.env);
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    argv,
    {
      config: () => loadConfig(env),
      env,
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      columns: 100,
      ...options.deps,
    },
    options.extraCommands,
  );
  return { code, stdout, stderr };
}

/** The requests to `resource` (e.g. "Messages.json") with `method`. */
export const requestsTo = (api: FakeTwilioRest, method: string, resource: string) =>
  api.requests.filter((r) => r.method === method && r.path.endsWith(`/${resource}`));
