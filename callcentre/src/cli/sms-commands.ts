// `callcentre sms send|get|list`: Twilio's Messages resource (docs/twilio-contract.md §8.4).
import type { Command } from "commander";
import { z } from "zod";
import type { MessageInstance } from "twilio/lib/rest/api/v2010/account/message.js";
import { segmentInfo } from "../weather/gsm7.js";
import { defaultNumber } from "./account-numbers.js";
import type { CliContext } from "./context.js";
import { formatDate, keyValueLines, orDash, table } from "./format.js";
import { e164, listLimit, messageBody, parseInput, twilioSid, MAX_BODY_CHARS, MAX_LIST_LIMIT } from "./validation.js";

const SendInput = z.object({ to: e164("--to"), from: e164("--from").optional(), body: messageBody });
const GetInput = z.object({ sid: twilioSid("the message SID", ["SM", "MM"]) });
const ListInput = z.object({ to: e164("--to").optional(), from: e164("--from").optional(), limit: listLimit.default(20) });

export function registerSmsCommands(program: Command, cli: CliContext): void {
  const sms = program.command("sms").description("send, show and list SMS messages");

  sms
    .command("send")
    .description("send an SMS; prints the message SID")
    .requiredOption("--to <number>", "recipient, E.164 (e.g. +61491570156)")
    .option("--from <number>", "sender, E.164 (default: TWILIO_PHONE_NUMBER, else the account's only number)")
    .requiredOption("--body <text>", `message text, 1 to ${MAX_BODY_CHARS} characters`)
    .action(async (options: Record<string, unknown>) => {
      const input = parseInput(SendInput, options);
      const segments = segmentInfo(input.body);
      if (segments.segments > 1) {
        const perSegment = segments.encoding === "GSM-7" ? 153 : 67;
        cli.warn(
          `the body is ${segments.units} ${segments.encoding} units, sent as ${segments.segments} segments of up to ${perSegment} (each billed as one SMS)`,
        );
      }
      const from = input.from ?? (await defaultNumber(cli, "--from"));
      const message = await cli.client().messages.create({ to: input.to, from, body: input.body });
      cli.out(message.sid);
    });

  sms
    .command("get")
    .description("show one message")
    .argument("<sid>", "message SID (SM… or MM…)")
    .option("--json", "print the message as the client returned it (JSON)")
    .action(async (sid: string, options: { json?: boolean }) => {
      const input = parseInput(GetInput, { sid });
      const message = await cli.client().messages(input.sid).fetch();
      if (options.json) {
        cli.out(JSON.stringify(message.toJSON(), null, 2));
        return;
      }
      for (const line of messageLines(message)) cli.out(line);
    });

  sms
    .command("list")
    .description("list messages, newest first")
    .option("--to <number>", "only messages to this number (E.164)")
    .option("--from <number>", "only messages from this number (E.164)")
    .option("--limit <n>", `how many messages, 1 to ${MAX_LIST_LIMIT} (default: 20)`)
    .option("--json", "print the messages as the client returned them (a JSON array)")
    .action(async (options: Record<string, unknown>) => {
      const input = parseInput(ListInput, options);
      const messages = await cli.client().messages.list({
        ...(input.to ? { to: input.to } : {}),
        ...(input.from ? { from: input.from } : {}),
        limit: input.limit,
      });
      if (options.json) {
        cli.out(JSON.stringify(messages.map((m) => m.toJSON()), null, 2));
        return;
      }
      if (messages.length === 0) {
        cli.out("No messages.");
        return;
      }
      const headers = ["DATE SENT", "DIRECTION", "STATUS", "FROM", "TO", "BODY"];
      const rows = messages.map((m) => [formatDate(m.dateSent), m.direction, m.status, m.from, m.to, m.body ?? ""]);
      for (const line of table(headers, rows, cli.columns)) cli.out(line);
    });
}

function messageLines(m: MessageInstance): string[] {
  return keyValueLines([
    ["sid", m.sid],
    ["status", m.status],
    ["direction", m.direction],
    ["from", orDash(m.from)],
    ["to", orDash(m.to)],
    ["date sent", formatDate(m.dateSent)],
    ["segments", orDash(m.numSegments)],
    ["error code", orDash(m.errorCode)],
    ["error message", orDash(m.errorMessage)],
    ["body", m.body ?? ""],
  ]);
}
