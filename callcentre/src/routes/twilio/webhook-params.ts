// Twilio's webhook parameters, named as Twilio names them, defined once. Objects are loose: Twilio
// adds parameters without notice, and every one of them is part of the signature.
import { z } from "zod";
import { badRequest } from "../../lib/http-errors.js";
import { CALL_STATUSES, type CallReport } from "../../repositories/calls-repository.js";

export const sid = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix} SID (${prefix} and 32 hexadecimal digits)`);
const text = (max = 256) => z.string().max(max);
const optionalText = (max = 256) => text(max).optional();
const integer = z.string().regex(/^\d{1,9}$/, "must be a whole number").transform(Number);

export const VoiceParams = z.looseObject({
  CallSid: sid("CA"),
  AccountSid: sid("AC"),
  From: text(),
  To: text(),
  CallStatus: z.enum(CALL_STATUSES),
  Direction: text(32).default("inbound"),
  ApiVersion: optionalText(),
  CallerName: optionalText(),
  FromCity: optionalText(),
  FromState: optionalText(),
  FromZip: optionalText(),
  FromCountry: optionalText(),
  ToCity: optionalText(),
  ToState: optionalText(),
  ToZip: optionalText(),
  ToCountry: optionalText(),
});
export type VoiceParams = z.output<typeof VoiceParams>;

export const GatherParams = VoiceParams.extend({
  Digits: z.string().regex(/^[0-9*#]*$/, "must be DTMF keys (0-9, * and #)").max(64).optional(),
  SpeechResult: optionalText(4096),
  Confidence: z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, "must be a number from 0 to 1").transform(Number).optional(),
});

export const DialParams = VoiceParams.extend({
  DialCallStatus: z.enum(["completed", "answered", "busy", "no-answer", "failed", "canceled"]),
  DialCallSid: sid("CA").optional(),
  DialCallDuration: integer.optional(),
});

export const RecordParams = VoiceParams.extend({
  RecordingUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  RecordingDuration: integer,
  RecordingSid: sid("RE").optional(),
  Digits: optionalText(16),
});

export const StatusCallbackParams = VoiceParams.extend({
  CallDuration: integer.optional(),
  SequenceNumber: integer.optional(),
  Timestamp: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), "must be an RFC 2822 date")
    .transform((value) => new Date(value))
    .optional(),
});

/** Recording status callbacks carry no From/To: only the account, call and recording. */
export const RecordingStatusParams = z.looseObject({
  AccountSid: sid("AC"),
  CallSid: sid("CA"),
  RecordingSid: sid("RE"),
  RecordingUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  RecordingStatus: z.enum(["in-progress", "completed", "absent", "failed"]),
  RecordingDuration: integer.optional(),
});

export const TranscriptionParams = z.looseObject({
  AccountSid: sid("AC"),
  CallSid: sid("CA"),
  RecordingSid: sid("RE"),
  RecordingUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  TranscriptionSid: sid("TR").optional(),
  TranscriptionStatus: z.enum(["completed", "failed"]),
  TranscriptionText: optionalText(100_000),
});

/** Parses request input (body, query or path parameters), or throws a 400 that says what is wrong. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw badRequest(result.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "));
  }
  return result.data;
}

/** Parses a webhook body, which Twilio always sends as a form. */
export function parseParams<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== "object" || body === null) {
    throw badRequest("expected an application/x-www-form-urlencoded body");
  }
  return parseWith(schema, body);
}

export function callReport(params: VoiceParams): CallReport {
  return {
    sid: params.CallSid,
    accountSid: params.AccountSid,
    from: params.From,
    to: params.To,
    direction: params.Direction,
    status: params.CallStatus,
    callerName: params.CallerName,
    fromCity: params.FromCity,
    fromState: params.FromState,
    fromZip: params.FromZip,
    fromCountry: params.FromCountry,
    toCity: params.ToCity,
    toState: params.ToState,
    toZip: params.ToZip,
    toCountry: params.ToCountry,
  };
}

/** A status callback for an agent's leg of a <Dial> (<Number statusCallback>): the parent is the caller. */
export const AgentLegParams = z.looseObject({
  AccountSid: sid("AC"),
  CallSid: sid("CA"),
  ParentCallSid: sid("CA"),
  CallStatus: z.enum(CALL_STATUSES),
});
