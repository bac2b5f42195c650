// Input checks for the CLI, run before any request. Each problem names the option, what it must be,
// what was given and why it is wrong, so the user can fix it without reading docs.
import { z } from "zod";
import { CliError } from "./errors.js";

/** Twilio's message body limit (docs/twilio-contract.md §8.4): 1600 characters. */
export const MAX_BODY_CHARS = 1600;
export const MAX_LIST_LIMIT = 1000;

/** Why `value` is not an E.164 number (+, country code not starting with 0, 7 to 15 digits), or undefined. */
export function e164Problem(value: string): string | undefined {
  if (value === "") return "empty";
  if (/[^+\d]/.test(value)) {
    return /^[+\d\s().-]+$/.test(value)
      ? "only + and digits are allowed: remove spaces, dashes, dots and brackets"
      : "only + and digits are allowed";
  }
  if (value.startsWith("00")) return "use + instead of the 00 international prefix";
  if (value.startsWith("0")) return "missing the + and country code";
  if (!value.startsWith("+")) return /^\d+$/.test(value) ? "missing the leading +" : "must start with +";
  const digits = value.slice(1);
  if (!/^\d+$/.test(digits)) return "+ may appear only at the start";
  if (digits.startsWith("0")) return "a country code never starts with 0";
  if (digits.length < 7) return `too short: ${digits.length} digits, E.164 has 7 to 15`;
  if (digits.length > 15) return `too long: ${digits.length} digits, E.164 has at most 15`;
  return undefined;
}

/** A schema for an E.164 number given as `label` (e.g. "--to"). */
export function e164(label: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = e164Problem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `${label} must be an E.164 number such as +61491570156: got '${value}' (${problem})` });
  });
}

/** A Twilio SID with one of `prefixes` (two letters + 32 hexadecimal digits, docs/twilio-contract.md §8.2). */
export function twilioSid(label: string, prefixes: string[]) {
  const pattern = new RegExp(`^(${prefixes.join("|")})[0-9a-fA-F]{32}$`);
  return z.string().superRefine((value, ctx) => {
    if (!pattern.test(value)) {
      ctx.addIssue({ code: "custom", message: `${label} must be ${prefixes.join(" or ")} followed by 32 hexadecimal digits: got '${value}'` });
    }
  });
}

export const messageBody = z.string().superRefine((value, ctx) => {
  const length = [...value].length;
  if (length === 0) ctx.addIssue({ code: "custom", message: "--body must not be empty" });
  if (length > MAX_BODY_CHARS) {
    ctx.addIssue({ code: "custom", message: `--body must be at most ${MAX_BODY_CHARS} characters: got ${length}` });
  }
});

export const listLimit = z
  .string()
  .superRefine((value, ctx) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIST_LIMIT) {
      ctx.addIssue({ code: "custom", message: `--limit must be a whole number from 1 to ${MAX_LIST_LIMIT}: got '${value}'` });
    }
  })
  .transform(Number);

/** Parses the command's input; every problem is listed in one CliError. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new CliError(parsed.error.issues.map((issue) => issue.message));
}
