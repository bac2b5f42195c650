// `callcentre call <to>`: an outbound call that runs the flow, as an inbound one does: Twilio requests
// the call centre's voice webhook once the callee answers (docs/twilio-contract.md §8.3).
import type { Command } from "commander";
import { z } from "zod";
import { VOICE_INCOMING, VOICE_STATUS } from "../flows/paths.js";
import { defaultNumber } from "./account-numbers.js";
import { appUrls, warnIfUnreachable } from "./app-urls.js";
import type { CliContext } from "./context.js";
import { e164, parseInput } from "./validation.js";

/** Every progress event, so the call's row follows it as it rings and is answered (docs/twilio-contract.md §4.2). */
const STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"];

const CallInput = z.object({ to: e164("<to>"), from: e164("--from").optional() });

export function registerCallCommand(program: Command, cli: CliContext): void {
  program
    .command("call")
    .description("place a call that runs the flow when answered; prints the call SID")
    .argument("<to>", "number to call, E.164 (e.g. +61491570156)")
    .option("--from <number>", "caller ID, E.164 (default: TWILIO_PHONE_NUMBER, else the account's only number)")
    .addHelpText("after", `\nThe call requests PUBLIC_BASE_URL${VOICE_INCOMING} when answered, and reports its progress to\nPUBLIC_BASE_URL${VOICE_STATUS} (${STATUS_EVENTS.join(", ")}).`)
    .action(async (to: string, options: { from?: string }) => {
      const input = parseInput(CallInput, { to, from: options.from });
      const config = cli.config();
      warnIfUnreachable(cli, config.publicBaseUrl);
      const from = input.from ?? (await defaultNumber(cli, "--from"));
      const urls = appUrls(config.publicBaseUrl);
      const call = await cli.client().calls.create({
        to: input.to,
        from,
        url: urls.voiceUrl,
        method: "POST",
        statusCallback: urls.statusCallback,
        statusCallbackMethod: "POST",
        statusCallbackEvent: STATUS_EVENTS,
      });
      cli.out(call.sid);
    });
}
