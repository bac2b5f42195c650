// The `callcentre` command line: Twilio's REST API as commands, against real Twilio or the local
// carrier, with the server's configuration. buildProgram() only assembles commands; run.ts parses
// and reports errors, main.ts is the process.
import { Command } from "commander";
import { registerCallCommand } from "./call-command.js";
import { createContext, type CliContext, type CliDeps } from "./context.js";
import { CliError } from "./errors.js";
import { registerNumbersCommands } from "./numbers-commands.js";
import { registerSmsCommands } from "./sms-commands.js";

/** Adds a command (e.g. `broadcast`) with `program.command(...)`, which inherits output and exit handling. */
export type ExtraCommand = (program: Command, cli: CliContext) => void;

/** The only command that uses --tunnel: it is rejected elsewhere rather than silently ignored. */
const TUNNEL_COMMAND = "numbers configure";

const ENVIRONMENT_HELP = `
Configuration comes from the environment or ./.env, as for the server:
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN  the account (both unset: DATA_DIR/credentials.json)
  TWILIO_API_BASE_URL  https://api.twilio.com (default), or a local carrier
  PUBLIC_BASE_URL      where Twilio reaches the call centre: webhook URLs start with it
  TWILIO_PHONE_NUMBER  the default --from and --number
  NGROK_AUTHTOKEN      needed by --tunnel`;

export function buildProgram(deps: CliDeps, extraCommands: ExtraCommand[] = []): Command {
  const cli = createContext(deps);
  const program = new Command("callcentre")
    .description("Twilio's REST API for the call centre: send and list SMS, place calls, point numbers at this app")
    .option("--verbose", "print stack traces with errors")
    .option("--tunnel", `with '${TUNNEL_COMMAND}': serve PORT through an ngrok tunnel (needs NGROK_AUTHTOKEN) and stay up until Ctrl-C`)
    // Set before the subcommands are added: commands made with .command() inherit both.
    .exitOverride()
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr })
    .addHelpText("after", ENVIRONMENT_HELP);

  program.hook("preAction", (_root, action) => {
    if (program.opts<{ tunnel?: boolean }>().tunnel && commandPath(action) !== TUNNEL_COMMAND) {
      throw new CliError(`--tunnel is only used by '${TUNNEL_COMMAND}'`);
    }
  });

  registerSmsCommands(program, cli);
  registerCallCommand(program, cli);
  registerNumbersCommands(program, cli);
  for (const add of extraCommands) add(program, cli);
  return program;
}

/** "numbers configure" for that subcommand: its names below the root. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}
