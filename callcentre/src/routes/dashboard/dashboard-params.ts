// The dashboard's query, path and form parameters, checked once here: anything else is a 400 that
// says which field is wrong.
import { z } from "zod";
import { STORED_CALL_STATUSES } from "../../repositories/calls-repository.js";
import { sid } from "../twilio/webhook-params.js";

const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <S extends z.ZodType>(schema: S) => z.preprocess(blank, schema.optional());

export const LocalDay = z.iso.date("must be a date, YYYY-MM-DD");
export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +61491570156");

export const CallsQuery = z.strictObject({
  from: optional(LocalDay),
  to: optional(LocalDay),
  number: optional(
    z
      .string()
      .max(32)
      .transform((value) => value.replace(/[\s()-]/g, ""))
      .pipe(z.string().regex(/^\+?\d{1,16}$/, "must be digits, optionally starting with +")),
  ),
  status: optional(z.enum(STORED_CALL_STATUSES)),
  department: optional(z.string().max(100)),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(100_000).default(1)),
  done: z.string().max(40).optional(),
  error: z.string().max(40).optional(),
  code: z.string().max(10).optional(),
});

export const Notice = z.object({ done: z.string().max(40).optional(), error: z.string().max(40).optional(), code: z.string().max(10).optional() });

export const VoicemailQuery = Notice.extend({ status: z.enum(["new", "handled"]).default("new") }).strict();
export const CallbacksQuery = z.strictObject({ status: z.enum(["pending", "done"]).default("pending") });
export const MetricsQuery = z.strictObject({ date: optional(LocalDay) });
export const CallSidParam = z.strictObject({ sid: sid("CA") });
export const CallbackParam = z.strictObject({ callSid: sid("CA") });
export const RecordingParam = z.strictObject({ sid: sid("RE") });
/** A survey, by its line entry's id. */
export const SurveyParam = z.strictObject({ entryId: z.coerce.number().int().positive().max(2 ** 53) });
export const NumberParam = z.strictObject({ number: E164 });
export const MessageIdParam = z.strictObject({ id: z.coerce.number().int().positive().max(2 ** 53) });

/** Fields every action form carries: the CSRF token and where to go back to. */
const ActionFields = { _csrf: z.string().optional(), redirect: z.string().max(2000).optional() };

export const HandledBody = z.strictObject({
  ...ActionFields,
  handled: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).default(true),
});
export const ReplyBody = z.strictObject({
  ...ActionFields,
  body: z
    .string()
    .transform((text) => text.replace(/\r\n/g, "\n").trim())
    .pipe(z.string().min(1, "must not be empty").max(1600, "must be at most 1,600 characters (Twilio's limit)")),
});
export const ActionBody = z.strictObject(ActionFields);
/** `user`: the sign-in name (an account's or an agent's id; blank for "owner"); `agent`, its older name. */
export const LoginBody = z.strictObject({ user: z.string().max(100).optional(), agent: z.string().max(100).optional(), password: z.string().max(1024), next: z.string().max(2000).optional() });
export const AgentIdParam = z.strictObject({ id: z.string().min(1).max(100) });
