// `callcentre accounts list|add|set|password|remove`: the owners' and supervisors' accounts (docs/dashboard.md,
// "Accounts and roles"), as on the dashboard's Accounts page. A password is read from stdin when piped
// (at least 12 characters), else generated and printed once. They open the database themselves (the
// embedded one through a running call centre's server, if there is one), as `callcentre agents` does.
import type { Command } from "commander";
import type { Database } from "../db/database.js";
import { generatePassword, hashPassword, passwordProblem } from "../plugins/app/agent-passwords.js";
import { AccountsRepository } from "../repositories/accounts-repository.js";
import { AgentsRepository } from "../repositories/agents-repository.js";
import { AccountClient, AccountId, AccountName, AccountPhone, AccountRoleField } from "../routes/dashboard/accounts-params.js";
import type { CliContext } from "./context.js";
import { withCliDatabase } from "./database.js";
import { CliError } from "./errors.js";
import { table } from "./format.js";
import type { AgentsCommandsOptions } from "./agents-commands.js";

export type AccountsCommandsOptions = AgentsCommandsOptions & {
  /** The clock (tests); the system's otherwise. */
  now?: () => Date;
};

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
  return text;
}

/** A value checked by the dashboard's own rule, or a CliError naming the option. */
function checked<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new CliError(`${what}: ${result.error.issues.map((i) => i.message).join("; ")}`);
  return result.data;
}

export function registerAccountsCommands(options: AccountsCommandsOptions = {}) {
  return (program: Command, cli: CliContext): void => {
    const now = options.now ?? (() => new Date());
    const withDatabase = <T>(work: (db: Database) => Promise<T>): Promise<T> => withCliDatabase(cli.config(), work);

    /** The password to set: piped (checked), or generated (to print once). */
    const passwordFor = async (generate: boolean | undefined): Promise<{ password: string; generated: boolean }> => {
      if (generate === true || (options.stdinIsTTY ?? process.stdin.isTTY === true)) return { password: generatePassword(), generated: true };
      // The password is what was piped, without the line break that ends it.
      const password = (await (options.readStdin ?? (() => readAll(process.stdin)))()).replace(/\r?\n$/, "");
      const problem = passwordProblem(password);
      if (problem) throw new CliError(`${problem}; nothing was changed`);
      return { password, generated: false };
    };

    const accounts = program.command("accounts").description("the owners' and supervisors' accounts: list, add, set a password, remove");

    accounts
      .command("list")
      .description("list the accounts: id, name, role, phone, client, on duty")
      .action(async () => {
        await withDatabase(async (db) => {
          const rows = await new AccountsRepository(db).list();
          if (rows.length === 0) {
            cli.out("No accounts: the call centre makes the owner's when it first starts.");
            return;
          }
          const lines = rows.map((a) => [a.id, a.name, a.role, a.phone ?? "-", a.client ?? "-", a.onDuty ? "yes" : "no"]);
          for (const line of table(["ID", "NAME", "ROLE", "PHONE", "CLIENT", "ON DUTY"], lines, cli.columns)) cli.out(line);
        });
      });

    accounts
      .command("add")
      .description("add an account; its password is read from stdin when piped (at least 12 characters), else (or with --generate) generated and printed once")
      .argument("<id>", "the sign-in name: a-z, 0-9, '.', '_', '-'")
      .requiredOption("--name <name>", "the person's name")
      .option("--role <role>", "owner or supervisor", "supervisor")
      .option("--phone <e164>", "where their monitoring calls ring and on-duty alerts go (E.164)")
      .option("--client <identity>", "or a Client identity for monitoring calls")
      .option("--on-duty", "on duty: gets the wallboard's threshold alerts")
      .option("--generate", "generate the password (and print it once) even when stdin is not a terminal")
      .action(async (rawId: string, flags: { name: string; role: string; phone?: string; client?: string; onDuty?: boolean; generate?: boolean }) => {
        // Checked, and the password read, before the database is opened: a mistake costs nothing.
        const account = {
          id: checked(AccountId, rawId, "id"),
          name: checked(AccountName, flags.name, "--name"),
          role: checked(AccountRoleField, flags.role, "--role"),
          phone: checked(AccountPhone, flags.phone ?? null, "--phone"),
          client: checked(AccountClient, flags.client ?? null, "--client"),
          onDuty: flags.onDuty === true,
        };
        const { password, generated } = await passwordFor(flags.generate);
        await withDatabase(async (db) => {
          if (await new AgentsRepository(db).get(account.id)) throw new CliError(`'${account.id}' is an agent's id: choose another sign-in name`);
          const made = await new AccountsRepository(db).create(account, await hashPassword(password), now());
          if (made === "exists") throw new CliError(`there is already an account '${account.id}'; nothing was changed`);
          cli.out(`Account ${made.id} (${made.name}, ${made.role}) added.`);
          if (generated) {
            cli.out("Its password, shown only this once:");
            cli.out(password);
          }
          cli.out(`They sign in at /login with '${made.id}' and the password.`);
        });
      });

    accounts
      .command("set")
      .description("change an account's name, role, phone, client or whether it is on duty (the wallboard's alerts); the last owner stays an owner")
      .argument("<id>", "the account's id")
      .option("--name <name>", "the person's name")
      .option("--role <role>", "owner or supervisor")
      .option("--phone <e164>", "where their monitoring calls ring and on-duty alerts go (E.164), or 'none'")
      .option("--client <identity>", "a Client identity for monitoring calls, or 'none'")
      .option("--on-duty", "on duty: gets the wallboard's threshold alerts")
      .option("--off-duty", "off duty: gets no alerts")
      .action(async (id: string, flags: { name?: string; role?: string; phone?: string; client?: string; onDuty?: boolean; offDuty?: boolean }) => {
        if (flags.onDuty && flags.offDuty) throw new CliError("--on-duty and --off-duty together: choose one");
        const orNone = (value: string) => (value === "none" ? null : value);
        const changes = {
          ...(flags.name !== undefined ? { name: checked(AccountName, flags.name, "--name") } : {}),
          ...(flags.role !== undefined ? { role: checked(AccountRoleField, flags.role, "--role") } : {}),
          ...(flags.phone !== undefined ? { phone: checked(AccountPhone, orNone(flags.phone), "--phone") } : {}),
          ...(flags.client !== undefined ? { client: checked(AccountClient, orNone(flags.client), "--client") } : {}),
          ...(flags.onDuty || flags.offDuty ? { onDuty: flags.onDuty === true } : {}),
        };
        if (Object.keys(changes).length === 0) throw new CliError("nothing to change: give --name, --role, --phone, --client, --on-duty or --off-duty");
        await withDatabase(async (db) => {
          const result = await new AccountsRepository(db).update(id, changes, now());
          if (result === "not-found") throw new CliError(`no account '${id}': 'callcentre accounts list' shows the accounts`);
          if (result === "last-owner") throw new CliError(`'${id}' is the last owner: make another account an owner first; nothing was changed`);
          const where = [result.phone, result.client ? `client:${result.client}` : null].filter((v) => v !== null).join(", ") || "no phone";
          cli.out(`Account ${result.id} (${result.name}, ${result.role}, ${where}, ${result.onDuty ? "on duty" : "off duty"}) changed.`);
        });
      });

    accounts
      .command("password")
      .description("set an account's password: read from stdin when piped (at least 12 characters), else (or with --generate) generated and printed once")
      .argument("<id>", "the account's id")
      .option("--generate", "generate the password (and print it once) even when stdin is not a terminal")
      .action(async (id: string, flags: { generate?: boolean }) => {
        const { password, generated } = await passwordFor(flags.generate);
        await withDatabase(async (db) => {
          const repository = new AccountsRepository(db);
          const account = await repository.find(id);
          if (!account) throw new CliError(`no account '${id}': 'callcentre accounts list' shows the accounts`);
          await repository.setPasswordHash(id, await hashPassword(password), now());
          if (generated) {
            cli.out(`New password for ${id} (${account.name}), shown only this once:`);
            cli.out(password);
          } else {
            cli.out(`Password set for ${id} (${account.name}).`);
          }
          cli.out("Any session they had has ended.");
        });
      });

    accounts
      .command("remove")
      .description("remove an account (its sessions end); the last owner cannot be removed")
      .argument("<id>", "the account's id")
      .action(async (id: string) => {
        await withDatabase(async (db) => {
          const result = await new AccountsRepository(db).delete(id);
          if (result === "not-found") throw new CliError(`no account '${id}': 'callcentre accounts list' shows the accounts`);
          if (result === "last-owner") throw new CliError(`'${id}' is the last owner: make another account an owner first; nothing was changed`);
          cli.out(`Account ${id} (${result.name}) removed; any session it had has ended.`);
        });
      });
  };
}
