// `callcentre agents list|password`: the flow's agents as the call centre keeps them (state, whether
// they can sign in), and setting an agent's desk password (docs/desk.md). They open the database
// themselves (the embedded one through a running call centre's server, if there is one); the agents
// are those the call centre has read from its flow file.
import type { Command } from "commander";
import type { Database } from "../db/database.js";
import { generatePassword, hashPassword, passwordProblem } from "../plugins/app/agent-passwords.js";
import { AgentsRepository } from "../repositories/agents-repository.js";
import { DeskRepository } from "../repositories/desk-repository.js";
import type { CliContext } from "./context.js";
import { withCliDatabase } from "./database.js";
import { CliError } from "./errors.js";
import { table } from "./format.js";

export interface AgentsCommandsOptions {
  /** Whether stdin is a terminal: then a password is generated instead of read. */
  stdinIsTTY?: boolean;
  /** All of stdin (a piped password). */
  readStdin?: () => Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
  return text;
}

export function registerAgentsCommands(options: AgentsCommandsOptions = {}) {
  return (program: Command, cli: CliContext): void => {
    const withDatabase = <T>(work: (db: Database) => Promise<T>): Promise<T> => withCliDatabase(cli.config(), work);

    const agents = program.command("agents").description("the agents who work the departments' lines at the desk: list them, set their passwords");

    agents
      .command("list")
      .description("list the agents: id, name, departments, state, whether they have a password")
      .action(async () => {
        await withDatabase(async (db) => {
          const [rows, passwords] = await Promise.all([new AgentsRepository(db).list(), new DeskRepository(db).passwordsSet()]);
          if (rows.length === 0) {
            cli.out("No agents: the flow file names none, or the call centre has not started with it yet.");
            return;
          }
          const headers = ["ID", "NAME", "DEPARTMENTS", "STATE", "PASSWORD"];
          const lines = rows.map((a) => [
            a.id,
            a.name,
            a.departments.map((d) => (d.level === "overflow" ? `${d.department} (overflow)` : d.department)).join(", ") || "-",
            a.reason ? `${a.state} (${a.reason})` : a.state,
            passwords.get(a.id) ? "set" : "not set",
          ]);
          for (const line of table(headers, lines, cli.columns)) cli.out(line);
        });
      });

    agents
      .command("password")
      .description("set an agent's desk password: read from stdin when piped (at least 12 characters), else (or with --generate) generated and printed once")
      .argument("<id>", "the agent's id (their key in the flow file)")
      .option("--generate", "generate the password (and print it once) even when stdin is not a terminal")
      .action(async (id: string, flags: { generate?: boolean }) => {
        const tty = flags.generate === true || (options.stdinIsTTY ?? process.stdin.isTTY === true);
        // Read before the database is opened: a bad password costs nothing.
        let password: string;
        if (tty) password = generatePassword();
        else {
          // The password is what was piped, without the line break that ends it.
          password = (await (options.readStdin ?? (() => readAll(process.stdin)))()).replace(/\r?\n$/, "");
          const problem = passwordProblem(password);
          if (problem) throw new CliError(`${problem}; nothing was changed`);
        }
        await withDatabase(async (db) => {
          const repository = new AgentsRepository(db);
          const agent = await repository.get(id);
          if (!agent?.inFlow) throw new CliError(`no agent '${id}': 'callcentre agents list' shows the agents`);
          await repository.setPasswordHash(id, await hashPassword(password));
          if (tty) {
            cli.out(`New password for ${id} (${agent.name}), shown only this once:`);
            cli.out(password);
          } else {
            cli.out(`Password set for ${id} (${agent.name}).`);
          }
          cli.out("Any session they had has ended; they sign in at /login with their agent id.");
        });
      });
  };
}
