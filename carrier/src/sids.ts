import { randomBytes, randomInt } from "node:crypto";

/** The SID prefixes the carrier mints (Twilio's: AP application, SK API key, PN number…). */
export type SidPrefix = "AC" | "AP" | "CA" | "SM" | "MM" | "PN" | "RE" | "SK" | "TR" | "QU" | "CF";

/** A Twilio SID: two letters and 32 lower-case hex digits (docs/twilio-contract.md §8.2). */
export function newSid(prefix: SidPrefix): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An API key secret as Twilio issues them: 32 letters and digits. */
export function newKeySecret(): string {
  let secret = "";
  for (let i = 0; i < 32; i++) secret += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return secret;
}
