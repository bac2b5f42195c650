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
  // Years 1 to 9999 only: Date.parse also takes years Postgres cannot store (-010000-01-01T00:00:00Z).
  Timestamp: z
    .string()
    .refine((value) => {
      const year = new Date(Date.parse(value)).getUTCFullYear();
      return year >= 1 && year <= 9999;
    }, "must be an RFC 2822 date")
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

/**
 * A character no Twilio parameter carries: NUL, which Postgres cannot store in text or jsonb, and the
 * other control characters that XML 1.0 cannot carry, so that a value spoken back in TwiML can be written.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNWRITABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const UNWRITABLE_ALL = new RegExp(UNWRITABLE.source, "g");
const unwritable = (text: string) => UNWRITABLE.test(text);

/**
 * Parses a webhook body, which Twilio always sends as a form. Every parameter, known or not, is checked
 * for characters Twilio never sends, as some routes keep all the parameters as they came.
 */
export function parseParams<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== "object" || body === null) {
    throw badRequest("expected an application/x-www-form-urlencoded body");
  }
  const params: Record<string, unknown> = { ...body };
  for (const name in params) {
    const value = params[name];
    // A text message is kept whatever it holds (a GSM form feed, say): such characters become U+FFFD.
    if (name === "Body" && typeof value === "string") {
      params[name] = value.replace(UNWRITABLE_ALL, "\uFFFD");
      continue;
    }
    if (unwritable(name) || (typeof value === "string" ? unwritable(value) : Array.isArray(value) && value.some((text) => typeof text === "string" && unwritable(text)))) {
      throw badRequest(`${JSON.stringify(name)}: contains a control character, which Twilio never sends`);
    }
  }
  return parseWith(schema, params);
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

/** A waitUrl request: the caller's place in Twilio's queue (docs/twilio-contract.md §2.9). */
export const QueueWaitParams = VoiceParams.extend({
  QueueSid: sid("QU"),
  QueuePosition: integer.optional(),
  QueueTime: integer.default(0),
  AvgQueueTime: integer.optional(),
  CurrentQueueSize: integer.optional(),
});

/** A <Gather> inside a waitUrl document came back. */
export const QueueKeyParams = QueueWaitParams.partial({ QueueSid: true }).extend({
  Digits: z.string().regex(/^[0-9*#]*$/, "must be DTMF keys (0-9, * and #)").max(64).optional(),
});

/** The <Enqueue action>: why the caller left the queue. */
export const QueueActionParams = VoiceParams.extend({
  QueueResult: z.enum(["bridged", "bridging-in-process", "queue-full", "redirected", "hangup", "error", "system-error", "leave"]),
  QueueSid: sid("QU").optional(),
  QueueTime: integer.optional(),
});

/** A conference's status callback (<Conference statusCallback>). */
export const ConferenceEventParams = z.looseObject({
  AccountSid: sid("AC"),
  ConferenceSid: sid("CF"),
  FriendlyName: optionalText(),
  StatusCallbackEvent: text(64),
  CallSid: sid("CA").optional(),
  Muted: optionalText(8),
  Hold: optionalText(8),
  ReasonConferenceEnded: optionalText(),
  SequenceNumber: integer.optional(),
});

/** A conference recording's status callback: it names the conference, not a call. */
export const ConferenceRecordingParams = z.looseObject({
  AccountSid: sid("AC"),
  ConferenceSid: sid("CF").optional(),
  CallSid: sid("CA").optional(),
  RecordingSid: sid("RE"),
  RecordingUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  RecordingStatus: z.enum(["in-progress", "completed", "absent", "failed", "paused", "stopped"]),
  RecordingDuration: integer.optional(),
  RecordingChannels: integer.optional(),
});
