// The account's own numbers: which one a command uses when none is given, and a number's resource.
import type { IncomingPhoneNumberInstance } from "twilio/lib/rest/api/v2010/account/incomingPhoneNumber.js";
import type { CliContext } from "./context.js";
import { CliError } from "./errors.js";

/** How many numbers are fetched to name them in the "several numbers" error. */
const SHOWN = 20;

/**
 * The number to use when `flag` was not given: TWILIO_PHONE_NUMBER, else the account's only
 * IncomingPhoneNumber. None or several is an error that says how to choose.
 */
export async function defaultNumber(cli: CliContext, flag: string): Promise<string> {
  const configured = cli.config().phoneNumber;
  if (configured) return configured;
  const numbers = await cli.client().incomingPhoneNumbers.list({ limit: SHOWN });
  const [only] = numbers;
  if (only && numbers.length === 1) return only.phoneNumber;
  if (numbers.length === 0) {
    throw new CliError(`the account ${cli.config().twilio.accountSid} has no phone numbers: pass ${flag} or set TWILIO_PHONE_NUMBER`);
  }
  const listed = numbers.map((n) => n.phoneNumber).join(", ");
  throw new CliError(`the account has several phone numbers (${listed}${numbers.length === SHOWN ? ", …" : ""}): pass ${flag} or set TWILIO_PHONE_NUMBER`);
}

/** The account's IncomingPhoneNumber for `phoneNumber` (the PhoneNumber filter matches partially). */
export async function findNumber(cli: CliContext, phoneNumber: string): Promise<IncomingPhoneNumberInstance> {
  const matches = await cli.client().incomingPhoneNumbers.list({ phoneNumber, limit: SHOWN });
  const found = matches.find((n) => n.phoneNumber === phoneNumber);
  if (!found) throw new CliError(`${phoneNumber} is not a number of the account ${cli.config().twilio.accountSid}`);
  return found;
}
