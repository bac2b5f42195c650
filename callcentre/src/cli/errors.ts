// How the CLI reports failures: one line (or the config's list of problems) on stderr, never the auth
// token, and a stack trace only with --verbose. Twilio's REST errors keep Twilio's code and link.
import twilio from "twilio";
import { ConfigError } from "../config.js";

/** Problems the user can fix (bad input, a missing setting): each reported as `Error: <problem>`. */
export class CliError extends Error {
  readonly problems: string[];

  constructor(problems: string | string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("; "));
    this.name = "CliError";
    this.problems = list;
  }
}

/** Axios (under twilio-node) rejects with this shape when the API cannot be reached at all. */
function networkFailure(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const isAxios = (error as { isAxiosError?: unknown }).isAxiosError === true;
  return isAxios && typeof code === "string" ? error.message || code : undefined;
}

/**
 * The text printed for `error`. `apiBaseUrl` names the API that could not be reached; every string in
 * `secrets` is masked, whatever the error carried.
 */
export function describeError(error: unknown, options: { verbose: boolean; apiBaseUrl?: string; secrets: string[] }): string {
  let text: string;
  if (error instanceof CliError) {
    text = error.problems.map((problem) => `Error: ${problem}`).join("\n");
  } else if (error instanceof ConfigError) {
    text = error.message;
  } else if (error instanceof twilio.RestException) {
    const code = error.code === undefined ? "" : ` ${error.code}`;
    const more = error.moreInfo ? ` (${error.moreInfo})` : "";
    text = `Error${code}: ${error.message}${more}`;
  } else if (networkFailure(error) !== undefined) {
    const where = options.apiBaseUrl ? ` at ${options.apiBaseUrl}` : "";
    text = `Error: could not reach the Twilio API${where} (${networkFailure(error)})`;
  } else {
    text = `Error: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (options.verbose && error instanceof Error && error.stack) text += `\n${error.stack}`;
  for (const secret of options.secrets) if (secret) text = text.replaceAll(secret, "[redacted]");
  return text;
}
