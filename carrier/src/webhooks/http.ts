// Requests to the application, made as Twilio makes them: form-encoded POST (or GET with the
// parameters in the query), signed, with Twilio's User-Agent, and a 15 s limit in all.
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
  try {
    const signal = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
    let res = await fetch(parsed, { method: request.method, headers, body, redirect: "follow", signal });
    if (res.status === 401 && basic && res.headers.get("www-authenticate")) {
      await res.arrayBuffer();
      res = await fetch(parsed, { method: request.method, headers: { ...headers, authorization: basic }, body, redirect: "follow", signal });
    }
    const text = await res.text();
    return {
      ok: res.ok,
      status: res.status,
      contentType: res.headers.get("content-type") ?? "",
      body: text,
      ...(res.ok ? {} : { errorCode: 11217, error: `HTTP ${res.status} from ${parsed.origin}${parsed.pathname}` }),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const timedOut = (error as Error).name === "TimeoutError";
    return {
      ok: false,
      status: 0,
      contentType: "",
      body: "",
      errorCode: timedOut || cause === "ECONNREFUSED" || cause === "ECONNRESET" ? 11205 : cause === "ENOTFOUND" ? 11210 : 11200,
      error: timedOut ? "timed out after 15 s" : `${cause ?? (error as Error).message}`,
      durationMs: Date.now() - started,
    };
  }
}
