import { randomBytes } from "node:crypto";

/** A Twilio SID: two letters and 32 lower-case hex digits (docs/twilio-contract.md §8.2). */
export function newSid(prefix: "AC" | "CA" | "SM" | "MM" | "PN" | "RE" | "TR" | "QU"): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}
