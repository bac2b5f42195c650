// Requests to the application, made as Twilio makes them: form-encoded POST (or GET with the
// parameters in the query), signed, with Twilio's User-Agent, and a 15 s limit in all.
//
// Requests go through undici's request() on a shared keep-alive pool, which does less work per
// request than fetch(): no WHATWG Request/Response/AbortSignal objects per webhook (fetch was most
// of the carrier's CPU with a thousand calls at once). Redirects are followed as fetch follows them.
import { Agent, interceptors, request as undiciRequest, type Dispatcher } from "undici";
import { signedUrl, twilioSignature, type FormParams } from "./signature.js";

export const WEBHOOK_TIMEOUT_MS = 15_000;
export const USER_AGENT = "TwilioProxy/1.1";

export interface WebhookRequest {
  url: string;
  method: "GET" | "POST";
  params: FormParams;
  /** Voice requests over HTTPS are signed without the port; SMS keep it (§7.2). */
  kind: "voice" | "sms" | "callback";
}

export interface WebhookResponse {
  ok: boolean;
  status: number;
  contentType: string;
  body: string;
  /** Twilio's error code when the request failed (11200 family). */
  errorCode?: number;
  error?: string;
  durationMs: number;
}

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

/** Keep-alive connections to the applications, shared by every call; 3xx answers are followed. */
const dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 4_000 }).compose(interceptors.redirect({ maxRedirections: 20 }));

/** The system error behind a failed request: on the error itself or, wrapped, on its cause. */
function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === "string" ? e.code : e.cause?.code;
  return typeof code === "string" ? code : undefined;
}

/** Connections that could not be made or were dropped: Twilio's 11205 (HTTP connection failure). */
const CONNECTION_FAILURES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

export async function sendWebhook(authToken: string, request: WebhookRequest): Promise<WebhookResponse> {
  const started = Date.now();
  const target = request.method === "GET" ? withQuery(request.url, request.params) : request.url;
  const parsed = new URL(target);
  const toSign = signedUrl(target, { dropHttpsPort: request.kind === "voice" });
  const headers: Record<string, string> = {
    "user-agent": USER_AGENT,
    "x-twilio-signature": twilioSignature(authToken, toSign, request.method === "POST" ? request.params : {}, request.method),
    accept: "*/*",
    "cache-control": "max-age=259200",
  };
  // Credentials in the URL are not sent at first: only after a 401 that asks for them (§1).
  const basic = parsed.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString("base64")}`
    : undefined;
  parsed.username = "";
  parsed.password = "";
  let body: string | undefined;
  if (request.method === "POST") {
    headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8";
    body = formBody(request.params);
  }
  const signal = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  const send = (extra: Record<string, string> = {}) =>
    undiciRequest(parsed, { method: request.method, headers: { ...headers, ...extra }, body, signal, dispatcher });
  try {
    let res = await send();
    if (res.statusCode === 401 && basic && res.headers["www-authenticate"]) {
      await res.body.dump();
      res = await send({ authorization: basic });
    }
    const text = await res.body.text();
    const ok = res.statusCode >= 200 && res.statusCode <= 299;
    const contentType = res.headers["content-type"];
    return {
      ok,
      status: res.statusCode,
      contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? "",
      body: text,
      ...(ok ? {} : { errorCode: 11217, error: `HTTP ${res.statusCode} from ${parsed.origin}${parsed.pathname}` }),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    const code = errorCode(error);
    const timedOut = signal.aborted || (error as Error).name === "TimeoutError";
    return {
      ok: false,
      status: 0,
      contentType: "",
      body: "",
      errorCode: timedOut || (code !== undefined && CONNECTION_FAILURES.has(code)) ? 11205 : code === "ENOTFOUND" || code === "EAI_AGAIN" ? 11210 : 11200,
      error: timedOut ? "timed out after 15 s" : `${code ?? (error as Error).message}`,
      durationMs: Date.now() - started,
    };
  }
}
