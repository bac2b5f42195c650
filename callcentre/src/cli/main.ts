// The `callcentre` process: ./.env and the environment, the real Twilio client, the terminal. The exit
// code comes from runCli(); the process exits once its output is flushed, even if a native handle
// (the ngrok session) would keep it alive.
import { loadConfig, loadDotEnv } from "../config.js";
import { registerAccountsCommands } from "./accounts-commands.js";
import { registerAgentsCommands } from "./agents-commands.js";
import { registerBroadcastCommand } from "./broadcast-command.js";
import { runCli } from "./run.js";

function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

try {
  loadDotEnv();
} catch (error) {
  process.stderr.write(`Error: could not read .env (${error instanceof Error ? error.message : String(error)})\n`);
  exitAfterFlush(1);
}

if (process.exitCode === undefined) {
  const code = await runCli(process.argv.slice(2), {
    config: () => loadConfig(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    columns: process.stdout.columns,
  }, [registerBroadcastCommand(), registerAgentsCommands(), registerAccountsCommands()]);
  exitAfterFlush(code);
}
