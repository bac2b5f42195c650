// The one client through which the carrier calls applications, for calls and messages alike: it
// signs with the account's auth token (http.ts), carries the cookies of the call or conversation
// (cookies.ts), and records each request on the call's timeline when there is a call.
import type { Clock } from "../clock.js";
import type { Timeline } from "../timeline.js";
import { callCookies } from "./cookies.js";
import { sendWebhook, type WebhookRequest, type WebhookResponse } from "./http.js";

/** A call as the client needs it: a cookie jar is kept per call object, and a timeline to record on. */
export interface WebhookSubject {
  readonly timeline: Timeline;
}

export class WebhookClient {
  constructor(
    /** The account's auth token now (read at each request: it signs every request). */
    private readonly authToken: () => string,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends a signed request. With `call`, the call's cookies go with it (unless the request brings
   * its own jar, as a conversation does) and the timeline records it as a "webhook" event.
   */
  async send(request: WebhookRequest, purpose: string, call?: WebhookSubject): Promise<WebhookResponse> {
    const cookies = request.cookies ?? (call ? callCookies(call, this.clock) : undefined);
    // Tracked by the clock, so that a manual advance waits for it (clock.ts).
    const response = await this.clock.track(sendWebhook(this.authToken(), { ...request, cookies }));
    call?.timeline.add("webhook", {
      purpose,
      method: request.method,
      url: request.url,
      status: response.status,
      durationMs: response.durationMs,
      ...(response.redirects.length > 0 ? { redirects: response.redirects } : {}),
      ...(response.errorCode ? { errorCode: response.errorCode, error: response.error } : {}),
    });
    return response;
  }
}
