// How an error appears in the logs. Installed as pino's `err` and `error` serializer (app.ts,
// loggerOptions), so every `log.x({ err })` in the service goes through it, whoever threw.
//
// Errors carry more than their message. twilio-node's transport (axios) attaches the whole request to
// a network error: `config.headers.Authorization` (Basic base64(AccountSid:AuthToken)), `config.data`
// (the form: To, From, Body), `request._header` (the raw request, Authorization included) and the
// response. pino's standard serializer copies every enumerable property, so all of that reached the
// log, on every retry. This one keeps an allow-list of fields that say what went wrong and where, and
// masks the phone numbers in the text it keeps.
import { maskPhonesIn } from "./phone.js";

export interface SerializedError {
  type: string;
  message: string;
  stack: string;
  [field: string]: unknown;
}

/** Primitive fields worth keeping, by who sets them. Anything else an error carries is dropped. */
const KEPT_FIELDS = [
  // Node's system errors (ECONNREFUSED 127.0.0.1:443) and undici's.
  "code",
  "errno",
  "syscall",
  "address",
  "port",
  // HTTP: axios (status), Fastify and our HttpError (statusCode); Twilio's RestException (status,
  // code, moreInfo: the error's documentation URL).
  "status",
  "statusCode",
  "moreInfo",
  // Postgres (pg): where the statement failed. `detail` and `hint` may quote values: masked below.
  "severity",
  "table",
  "column",
  "constraint",
  "schema",
  "routine",
] as const;
const MASKED_TEXT_FIELDS = ["detail", "hint"] as const;

/** How deep causes are followed, and how many of an AggregateError's errors are kept. */
const MAX_DEPTH = 3;
const MAX_ERRORS = 5;

/**
 * Text from an error, made safe to log: credentials in URLs (`https://AC…:token@host`) and
 * Authorization values (`Basic …`, `Bearer …`) are removed, and phone numbers are masked.
 */
export function scrubText(text: string): string {
  return maskPhonesIn(
    text
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1")
      .replace(/\b(Basic|Bearer|Digest)\s+[A-Za-z0-9+/=._~-]{8,}/g, "$1 [redacted]"),
  );
}

/** A request URL to log: scheme, host and path, no credentials, numbers masked (query included). */
function scrubUrl(url: unknown, base: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  let full = url;
  if (typeof base === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(url)) full = `${base.replace(/\/+$/, "")}/${url.replace(/^\/+/, "")}`;
  if (URL.canParse(full)) {
    const parsed = new URL(full);
    parsed.username = "";
    parsed.password = "";
    full = parsed.toString();
  }
  return scrubText(full);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The request behind an axios error (twilio-node's transport): method and URL only. */
function requestOf(error: Record<string, unknown>): { method?: string; url?: string } {
  const config = error.config;
  if (!isRecord(config)) return {};
  const method = typeof config.method === "string" ? config.method.toUpperCase() : undefined;
  const url = scrubUrl(config.url, config.baseURL);
  return { ...(method ? { method } : {}), ...(url ? { url } : {}) };
}

/** The HTTP status an axios error's response carried (when `status` itself is not set). */
function responseStatus(error: Record<string, unknown>): number | undefined {
  const response = error.response;
  return isRecord(response) && typeof response.status === "number" ? response.status : undefined;
}

function serialize(value: unknown, depth: number, seen: WeakSet<object>): SerializedError {
  if (!isRecord(value)) return { type: typeof value, message: scrubText(String(value)), stack: "" };
  if (seen.has(value)) return { type: "Circular", message: "[circular]", stack: "" };
  seen.add(value);
  const error = value as Record<string, unknown> & Partial<Error>;
  const type = value instanceof Error ? value.constructor.name : "Object";
  const out: SerializedError = {
    type,
    message: scrubText(typeof error.message === "string" ? error.message : ""),
    stack: typeof error.stack === "string" ? scrubText(error.stack) : "",
  };
  if (typeof error.name === "string" && error.name !== type && error.name !== "Error") out.name = error.name;
  for (const field of KEPT_FIELDS) {
    const kept = error[field];
    if (typeof kept === "string") out[field] = scrubText(kept);
    else if (typeof kept === "number" || typeof kept === "boolean") out[field] = kept;
  }
  for (const field of MASKED_TEXT_FIELDS) {
    if (typeof error[field] === "string") out[field] = scrubText(error[field]);
  }
  if (out.status === undefined && responseStatus(error) !== undefined) out.status = responseStatus(error);
  Object.assign(out, requestOf(error));
  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) out.cause = serialize(error.cause, depth + 1, seen);
    if (Array.isArray(error.errors)) out.errors = error.errors.slice(0, MAX_ERRORS).map((inner) => serialize(inner, depth + 1, seen));
  }
  return out;
}

/**
 * The log form of any error (or whatever was thrown): type, message, the fields in KEPT_FIELDS, the
 * request's method and URL, the stack, and the same for its cause. Never headers, auth, bodies, the
 * request or the response objects.
 */
export function serializeError(error: unknown): SerializedError {
  return serialize(error, 0, new WeakSet());
}

/** Shorter strings are not scrubbed from log lines: they would blank out ordinary text. */
const MIN_SECRET_LENGTH = 8;

/**
 * A last line of defence, run on every log line as it is written: removes each secret, as it is and
 * as it would appear inside a JSON string, wherever it turns up.
 */
export function secretScrubber(secrets: readonly (string | undefined)[]): (line: string) => string {
  const forms = [
    ...new Set(
      secrets
        .filter((secret): secret is string => typeof secret === "string" && secret.length >= MIN_SECRET_LENGTH)
        .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]),
    ),
  ].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (line) => line;
  return (line) => {
    let scrubbed = line;
    for (const form of forms) if (scrubbed.includes(form)) scrubbed = scrubbed.replaceAll(form, "[redacted]");
    return scrubbed;
  };
}
