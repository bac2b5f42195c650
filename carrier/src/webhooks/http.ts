// Requests to the application, made as Twilio makes them: form-encoded POST (or GET with the
// parameters in the query), signed, with Twilio's User-Agent, and a 15 s limit in all. Bodies are
// read as streams with a byte limit, never buffered whole: a TwiML or messaging document over 64 kB
// is Twilio's 11750, and <Play> media is counted, not kept.
//
// Requests go through undici's request() on a shared keep-alive pool, which does less work per
// request than fetch(): no WHATWG Request/Response/AbortSignal objects per webhook (fetch was most
// of the carrier's CPU with a thousand calls at once).
//
// 3xx answers are followed here, hop by hop, as a browser follows them (Twilio's requests behave
// like a browser's: docs/twilio-contract.md §1): 301/302/303 become a GET without the parameters
// (so an action's Digits are not resent), 307/308 repeat the method and body. Each hop is signed for
// its own URL and carries the cookies of its own URL, and the hops are returned for the timeline.
import { Agent, request as undiciRequest, type Dispatcher } from "undici";
import { DOCUMENT_TOO_LARGE, MAX_DOCUMENT_BYTES, MAX_MEDIA_BYTES } from "../limits.js";
import type { WebhookCookies } from "./cookies.js";
import { signedUrl, twilioSignature, type FormParams } from "./signature.js";

export const WEBHOOK_TIMEOUT_MS = 15_000;
export const USER_AGENT = "TwilioProxy/1.1";
/** Bytes of a media file kept to read its header (a WAV's "data" chunk comes within them). */
const MEDIA_HEAD_BYTES = 64 * 1024;

export interface WebhookRequest {
  url: string;
  method: "GET" | "POST";
  params: FormParams;
  /** Voice requests over HTTPS are signed without the port; SMS keep it (docs/twilio-contract.md §7.2). */
  kind: "voice" | "sms" | "callback";
  /** The call's or conversation's cookie jar: sent with the request, filled from its answer. */
  cookies?: WebhookCookies | undefined;
}

export interface WebhookResponse {
  ok: boolean;
  status: number;
  contentType: string;
  body: string;
  /** Twilio's error code when the request failed (11200 family, 11750). */
  errorCode?: number;
  error?: string;
  durationMs: number;
  /** The 3xx answers followed before this one, in order; `location` is absolute. */
  redirects: Redirect[];
}

export interface Redirect {
  status: number;
  location: string;
}

/** Hops followed before a request fails (a loop, most likely): as many as browsers follow. */
export const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function withQuery(url: string, params: FormParams): string {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) parsed.searchParams.append(name, v);
  }
  return parsed.toString();
}

function formBody(params: FormParams): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return body.toString();
}

/** Keep-alive connections to the applications, shared by every call. */
const dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 4_000 });

/** The system error behind a failed request: on the error itself or, wrapped, on its cause. */
function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === "string" ? e.code : e.cause?.code;
  return typeof code === "string" ? code : undefined;
}

/** Connections that could not be made or were dropped: Twilio's 11205 (HTTP connection failure). */
const CONNECTION_FAILURES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

function header(res: Dispatcher.ResponseData, name: string): string {
  const value = res.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function setCookies(res: Dispatcher.ResponseData): string[] {
  const value = res.headers["set-cookie"];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Handshakes that failed (Twilio's 11220, "SSL/TLS handshake error"): a certificate Node does not
 * trust, or a server that does not speak TLS. OpenSSL's own errors come as ERR_SSL_*, Node's as
 * ERR_TLS_*; certificate checks report X.509's names.
 */
const TLS_FAILURES = new Set([
  "EPROTO",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REVOKED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REJECTED",
]);

function isTlsFailure(code: string): boolean {
  return TLS_FAILURES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
}

/** More than MAX_REDIRECTS hops: Twilio's generic 11200 (HTTP retrieval failure). */
class TooManyRedirects extends Error {}

/** A failed request as Twilio classifies it: 11205 (connection, timeout), 11210 (DNS), 11220 (TLS), 11200. */
function failure(error: unknown, signal: AbortSignal): { errorCode: number; error: string } {
  if (error instanceof TooManyRedirects) return { errorCode: 11200, error: error.message };
  const code = errorCode(error);
  const timedOut = signal.aborted || (error as Error).name === "TimeoutError";
  return {
    errorCode:
      timedOut || (code !== undefined && CONNECTION_FAILURES.has(code))
        ? 11205
        : code === "ENOTFOUND" || code === "EAI_AGAIN"
          ? 11210
          : code !== undefined && isTlsFailure(code)
            ? 11220
            : 11200,
    error: timedOut ? "timed out after 15 s" : `${code ?? (error as Error).message}`,
  };
}

/**
 * Requests `url` as Twilio does. Credentials in the URL are not sent at first: only after a 401
 * that asks for them (docs/twilio-contract.md §1). The URL's credentials never leave this function in any other form.
 */
async function requestAs(
  url: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string | undefined; signal: AbortSignal },
): Promise<Dispatcher.ResponseData> {
  const parsed = new URL(url);
  const basic = parsed.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString("base64")}`
    : undefined;
  parsed.username = "";
  parsed.password = "";
  const send = (extra: Record<string, string> = {}) =>
    undiciRequest(parsed, { method: init.method, headers: { ...init.headers, ...extra }, body: init.body, signal: init.signal, dispatcher });
  const res = await send();
  if (res.statusCode !== 401 || !basic || !res.headers["www-authenticate"]) return res;
  await res.body.dump();
  return send({ authorization: basic });
}

/**
 * Reads a body up to `limit` bytes. Past it (or when Content-Length already says so) the body is
 * dropped with its connection and undefined is returned; `keep` bytes at most are kept either way.
 */
async function readBody(res: Dispatcher.ResponseData, limit: number, keep = limit): Promise<{ bytes: Buffer; size: number } | undefined> {
  const declared = Number(header(res, "content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    res.body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      return undefined;
    }
    if (kept < keep) {
      const part = chunk.subarray(0, keep - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  return { bytes: Buffer.concat(chunks, kept), size };
}

/** One request of a chain of redirects. */
interface Hop {
  url: string;
  method: "GET" | "POST";
  /** The form parameters of a POST (its body, and part of its signature). */
  params?: FormParams | undefined;
}

/**
 * Requests `first` and follows its 3xx answers, hop by hop. `headersFor` gives each hop's own
 * headers (its signature); the cookie jar, when there is one, is read and filled at every hop.
 * `redirects` is filled as the hops are followed, so a request that fails part-way still shows
 * them. The final answer's body is left to the caller; the hops' bodies are dropped.
 */
async function follow(
  first: Hop,
  headersFor: (hop: Hop) => Record<string, string>,
  signal: AbortSignal,
  redirects: Redirect[],
  cookies?: WebhookCookies,
): Promise<{ res: Dispatcher.ResponseData; url: string }> {
  for (let hop = first; ; ) {
    const headers = headersFor(hop);
    const cookie = await cookies?.header(hop.url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (hop.method === "POST") {
      headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8";
      body = formBody(hop.params ?? {});
    }
    const res = await requestAs(hop.url, { method: hop.method, headers, body, signal });
    // Any answer may set cookies, a redirect or an error included, as it may in a browser.
    await cookies?.remember(hop.url, setCookies(res));
    const location = header(res, "location");
    if (!REDIRECT_STATUSES.has(res.statusCode) || !location) return { res, url: hop.url };
    await res.body.dump();
    if (redirects.length === MAX_REDIRECTS) throw new TooManyRedirects(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, hop.url).toString();
    redirects.push({ status: res.statusCode, location: next });
    // 307 and 308 repeat the request as it was; 301, 302 and 303 turn it into a plain GET.
    hop = res.statusCode === 307 || res.statusCode === 308 ? { ...hop, url: next } : { url: next, method: "GET" };
  }
}

export async function sendWebhook(authToken: string, request: WebhookRequest): Promise<WebhookResponse> {
  const started = Date.now();
  const target = request.method === "GET" ? withQuery(request.url, request.params) : request.url;
  // Every hop is signed for its own URL (and, for a POST, its parameters), as the app it reaches checks it.
  const headersFor = (hop: Hop): Record<string, string> => ({
    "user-agent": USER_AGENT,
    "x-twilio-signature": twilioSignature(authToken, signedUrl(hop.url, { dropHttpsPort: request.kind === "voice" }), hop.params ?? {}, hop.method),
    accept: "*/*",
    "cache-control": "max-age=259200",
  });
  const signal = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  const redirects: Redirect[] = [];
  try {
    const first: Hop = { url: target, method: request.method, params: request.method === "POST" ? request.params : undefined };
    const answer = await follow(first, headersFor, signal, redirects, request.cookies);
    const { res } = answer;
    const where = `${new URL(answer.url).origin}${new URL(answer.url).pathname}`;
    const answered = { status: res.statusCode, contentType: header(res, "content-type"), redirects };
    if (res.statusCode < 200 || res.statusCode > 299) {
      // The body of a failed answer is never used; dump() drops the connection past 128 kB.
      await res.body.dump();
      return { ok: false, ...answered, body: "", errorCode: 11217, error: `HTTP ${res.statusCode} from ${where}`, durationMs: Date.now() - started };
    }
    const read = await readBody(res, MAX_DOCUMENT_BYTES);
    if (!read) {
      const error = `the response from ${where} is larger than ${MAX_DOCUMENT_BYTES / 1024} kB`;
      return { ok: false, ...answered, body: "", errorCode: DOCUMENT_TOO_LARGE, error, durationMs: Date.now() - started };
    }
    return { ok: true, ...answered, body: read.bytes.toString("utf8"), durationMs: Date.now() - started };
  } catch (error) {
    return { ok: false, status: 0, contentType: "", body: "", redirects, ...failure(error, signal), durationMs: Date.now() - started };
  }
}

export type MediaResponse =
  | { ok: true; contentType: string; /** The first bytes, for the file's header. */ head: Uint8Array; size: number }
  | { ok: false; errorCode: number; error: string };

/** Fetches `<Play>` media: GET, no parameters, at most MAX_MEDIA_BYTES within the 15 s limit. */
export async function fetchMedia(url: string): Promise<MediaResponse> {
  const signal = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  try {
    const { res } = await follow({ url, method: "GET" }, () => ({ "user-agent": USER_AGENT, accept: "*/*" }), signal, []);
    if (res.statusCode < 200 || res.statusCode > 299) {
      await res.body.dump();
      return { ok: false, errorCode: 11200, error: `HTTP ${res.statusCode}` };
    }
    const read = await readBody(res, MAX_MEDIA_BYTES, MEDIA_HEAD_BYTES);
    if (!read) return { ok: false, errorCode: 11200, error: `the media is larger than ${MAX_MEDIA_BYTES / 1024 / 1024} MiB` };
    return { ok: true, contentType: header(res, "content-type"), head: read.bytes, size: read.size };
  } catch (error) {
    return { ok: false, ...failure(error, signal) };
  }
}
