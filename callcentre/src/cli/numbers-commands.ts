// `callcentre numbers list|configure`: the account's IncomingPhoneNumbers and where their calls and
// messages go (docs/twilio-contract.md §8.5). `configure --tunnel` serves the local call centre through ngrok.
import type { Command } from "commander";
import { z } from "zod";
import type { IncomingPhoneNumberInstance } from "twilio/lib/rest/api/v2010/account/incomingPhoneNumber.js";
import { defaultNumber, findNumber } from "./account-numbers.js";
import { appUrls, warnIfUnreachable } from "./app-urls.js";
import type { CliContext } from "./context.js";
import { CliError } from "./errors.js";
import { keyValueLines } from "./format.js";
import { tunnelAddress, type Tunnel } from "./tunnel.js";
import { e164, parseInput } from "./validation.js";

const ConfigureInput = z.object({ number: e164("--number").optional() });

export function registerNumbersCommands(program: Command, cli: CliContext): void {
  const numbers = program.command("numbers").description("list the account's numbers, point one at this call centre");

  numbers
    .command("list")
    .description("list the account's numbers with their webhook URLs")
    .option("--json", "print the numbers as the client returned them (a JSON array)")
    .action(async (options: { json?: boolean }) => {
      const list = await cli.client().incomingPhoneNumbers.list();
      if (options.json) {
        cli.out(JSON.stringify(list.map((n) => n.toJSON()), null, 2));
        return;
      }
      if (list.length === 0) cli.out(`No phone numbers on the account ${cli.config().twilio.accountSid}.`);
      list.forEach((n, i) => {
        if (i > 0) cli.out();
        cli.out(`${n.phoneNumber}  ${n.sid}  ${n.friendlyName}`);
        for (const line of settingLines(n)) cli.out(`  ${line}`);
      });
    });

  numbers
    .command("configure")
    .description("point a number's voice, status and SMS webhooks at this call centre (PUBLIC_BASE_URL, or --tunnel)")
    .option("--number <number>", "the number, E.164 (default: TWILIO_PHONE_NUMBER, else the account's only number)")
    .action(async (options: { number?: string }, command: Command) => {
      const input = parseInput(ConfigureInput, options);
      const tunnelWanted = command.optsWithGlobals<{ tunnel?: boolean }>().tunnel === true;
      if (tunnelWanted && !cli.env.NGROK_AUTHTOKEN) {
        throw new CliError(
          "--tunnel needs NGROK_AUTHTOKEN: set it to your ngrok authtoken (https://dashboard.ngrok.com/get-started/your-authtoken), or leave out --tunnel and set PUBLIC_BASE_URL",
        );
      }
      const config = cli.config();
      const number = await findNumber(cli, input.number ?? (await defaultNumber(cli, "--number")));
      let tunnel: Tunnel | undefined;
      if (tunnelWanted) {
        const addr = tunnelAddress(config);
        tunnel = await cli.openTunnel(addr);
        cli.out(`Tunnel: ${tunnel.url} -> ${addr}`);
        if (tunnel.url !== config.publicBaseUrl) {
          cli.warn(
            `the call centre checks signatures against PUBLIC_BASE_URL (${config.publicBaseUrl}): start it with PUBLIC_BASE_URL=${tunnel.url}, or it answers these webhooks with 403`,
          );
        }
      } else {
        warnIfUnreachable(cli, config.publicBaseUrl);
      }
      try {
        await configure(cli, number, tunnel?.url ?? config.publicBaseUrl);
        if (tunnel) {
          cli.out("The tunnel stays open until Ctrl-C.");
          await cli.untilInterrupted();
        }
      } finally {
        await tunnel?.close();
      }
    });
}

async function configure(cli: CliContext, number: IncomingPhoneNumberInstance, baseUrl: string): Promise<void> {
  const urls = appUrls(baseUrl);
  cli.out(`${number.phoneNumber} (${number.sid})`);
  cli.out("Before:");
  for (const line of settingLines(number)) cli.out(`  ${line}`);
  // By SID, not number.update(): twilio-node 6.2 builds list() instances without their SID, and their
  // update() fails with "Parameter 'sid' is not valid". The SMS status callback is not a number
  // setting: it is given per message (StatusCallback on create).
  const updated = await cli.client().incomingPhoneNumbers(number.sid).update({
    voiceUrl: urls.voiceUrl,
    voiceMethod: "POST",
    statusCallback: urls.statusCallback,
    statusCallbackMethod: "POST",
    smsUrl: urls.smsUrl,
    smsMethod: "POST",
  });
  cli.out("After:");
  for (const line of settingLines(updated)) cli.out(`  ${line}`);
  // An application SID overrides the matching URLs (docs/twilio-contract.md §8.5).
  if (updated.voiceApplicationSid) cli.warn(`voice calls go to the application ${updated.voiceApplicationSid}, not VoiceUrl: remove it from the number`);
  if (updated.smsApplicationSid) cli.warn(`messages go to the application ${updated.smsApplicationSid}, not SmsUrl: remove it from the number`);
}

function settingLines(n: IncomingPhoneNumberInstance): string[] {
  const setting = (method: string | null, url: string | null) => (url ? `${method ?? "POST"} ${url}` : "-");
  return keyValueLines([
    ["voice", setting(n.voiceMethod, n.voiceUrl)],
    ["status callback", setting(n.statusCallbackMethod, n.statusCallback)],
    ["sms", setting(n.smsMethod, n.smsUrl)],
  ]);
}
