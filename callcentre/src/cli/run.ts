// Runs one command line in-process and returns its exit code: 0 on success, 1 on any error (printed
// once on stderr), commander's own code for usage errors and --help. No process.exit here.
import { CommanderError } from "commander";
import type { Config } from "../config.js";
import type { CliDeps } from "./context.js";
import { describeError } from "./errors.js";
import { buildProgram, type ExtraCommand } from "./program.js";

/** Shorter strings are not masked: they would blank out ordinary text. */
const MIN_SECRET_LENGTH = 8;

export async function runCli(argv: string[], deps: CliDeps, extraCommands: ExtraCommand[] = []): Promise<number> {
  let loaded: Config | undefined;
  const config = () => (loaded ??= typeof deps.config === "function" ? deps.config() : deps.config);
  const program = buildProgram({ ...deps, config }, extraCommands);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    // Commander has already printed its message (or the help).
    if (error instanceof CommanderError) return error.exitCode;
    const env = deps.env ?? process.env;
    const secrets = [loaded?.twilio.authToken, env.TWILIO_AUTH_TOKEN, env.NGROK_AUTHTOKEN].filter(
      (secret): secret is string => typeof secret === "string" && secret.length >= MIN_SECRET_LENGTH,
    );
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    deps.stderr(`${describeError(error, { verbose, apiBaseUrl: loaded?.twilioApiBaseUrl, secrets })}\n`);
    return 1;
  }
}
