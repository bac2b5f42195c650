// The official twilio client, pointed at real Twilio or at a Twilio-compatible carrier.
// twilio-node has no base-URL option; a request client that rewrites the API prefix is the
// documented way (docs/twilio-contract.md §9).
import twilio from "twilio";
import type { TwilioCredentials } from "./config.js";

const TWILIO_API = /^https:\/\/api\.twilio\.com/;

/** A 429 is retried with exponential backoff (twilio-node's own), up to this many times. */
const RETRY = { autoRetry: true, maxRetries: 3 } as const;

class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeout: number | undefined,
  ) {
    // twilio-node reads autoRetry from the request client it is given, not from the client options.
    super({ ...(timeout ? { timeout } : {}), ...RETRY });
  }

  override request<TData>(opts: Parameters<twilio.RequestClient["request"]>[0] & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(TWILIO_API, this.baseUrl) });
  }
}

export type TwilioClient = ReturnType<typeof twilio>;

/** `timeoutMs`: how long one request may take (twilio-node's default is 30 s). */
export function createTwilioClient(credentials: TwilioCredentials, apiBaseUrl: string, options: { timeoutMs?: number } = {}): TwilioClient {
  const rebased = apiBaseUrl.replace(/\/+$/, "") !== "https://api.twilio.com";
  return twilio(credentials.accountSid, credentials.authToken, {
    ...(rebased ? { httpClient: new RebasedRequestClient(apiBaseUrl.replace(/\/+$/, ""), options.timeoutMs) } : { timeout: options.timeoutMs }),
    ...RETRY,
  });
}
