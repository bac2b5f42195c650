// Starting calls: a handset calling one of the carrier's numbers (inbound), and a REST-created call
// ringing a handset (outbound-api) that runs its Url or Twiml once answered.
import { E164 } from "../numbering.js";
import { CLIENT_ADDRESS, isClientAddress } from "../store.js";
import type { TwilioError } from "../twilio-error.js";
import type { Call, StatusCallbackConfig } from "./call.js";
import type { Engine } from "./engine.js";
import { ring } from "./handsets.js";
import { clientCallParams } from "./twilio-params.js";

export function placeInbound(engine: Engine, from: string, to: string): { call: Call } | { error: TwilioError } {
  const number = engine.store.numberByPhone(to);
  if (!number) return { error: { code: 20404, message: `${to} is not a number of this carrier; create it with POST IncomingPhoneNumbers.json`, status: 404 } };
  // The number's own URLs, or its voice application's (VoiceApplicationSid).
  const route = engine.store.voiceRoute(number);
  if (!route.url) return { error: { code: 21211, message: `${to} has no VoiceUrl`, status: 400 } };
  const call = engine.newCall({
    from,
    to,
    direction: "inbound",
    app: { url: route.url, method: route.method, fallbackUrl: route.fallbackUrl ?? undefined, fallbackMethod: route.fallbackMethod },
    statusCallback: route.statusCallback ? { url: route.statusCallback, method: route.statusCallbackMethod, events: new Set(["completed"]) } : undefined,
    phoneNumberSid: number.sid,
  });
  call.timeline.add("status", { status: "ringing" });
  void engine.run(call, { url: route.url, method: route.method });
  return { call };
}

export interface ClientCallRequest {
  /** The client placing the call (`client:<identity>`). */
  from: string;
  /** What the client dialled: a number, another client, any text the app understands. */
  to: string;
  /** The TwiML app (Applications resource); without it, the account's only application. */
  applicationSid?: string | undefined;
  /** The Voice SDK's `params`: custom parameters sent with the first request. */
  parameters: Record<string, string>;
}

/**
 * A call placed from a browser client: Twilio requests the VoiceUrl of the TwiML app the client's
 * access token names, with From=client:<identity>, the ApplicationSid and the custom parameters.
 * The carrier has no access tokens, so the caller names the application (or the account has one).
 */
export function placeFromClient(engine: Engine, request: ClientCallRequest): { call: Call } | { error: TwilioError } {
  const apps = [...engine.store.applications.values()];
  const application = request.applicationSid ? engine.store.applications.get(request.applicationSid) : apps.length === 1 ? apps[0] : undefined;
  if (!application) {
    const message = request.applicationSid
      ? `${request.applicationSid} is not an application of this account`
      : `the account has ${apps.length} applications: name one with applicationSid`;
    return { error: { code: 21218, message, status: request.applicationSid ? 404 : 400 } };
  }
  if (!application.voiceUrl) return { error: { code: 21218, message: `application ${application.sid} has no VoiceUrl`, status: 400 } };
  const call = engine.newCall({
    from: request.from,
    to: request.to,
    direction: "inbound",
    app: { url: application.voiceUrl, method: application.voiceMethod, fallbackUrl: application.voiceFallbackUrl ?? undefined, fallbackMethod: application.voiceFallbackMethod },
    statusCallback: application.statusCallback
      ? { url: application.statusCallback, method: application.statusCallbackMethod, events: new Set(["completed"]) }
      : undefined,
    customParameters: Object.keys(request.parameters).length > 0 ? request.parameters : undefined,
  });
  call.timeline.add("status", { status: "ringing" });
  void engine.run(call, { url: application.voiceUrl, method: application.voiceMethod, params: clientCallParams(application.sid, request.parameters) });
  return { call };
}

export interface OutboundRequest {
  to: string;
  from: string;
  url?: string | undefined;
  method: "GET" | "POST";
  twiml?: string | undefined;
  fallbackUrl?: string | undefined;
  fallbackMethod: "GET" | "POST";
  statusCallback?: StatusCallbackConfig | undefined;
  timeoutSeconds: number;
}

export function placeOutbound(engine: Engine, request: OutboundRequest): { call: Call } | { error: TwilioError } {
  if (!request.to) return { error: { code: 21201, message: "No 'To' number is specified", status: 400 } };
  if (!E164.test(request.to) && !CLIENT_ADDRESS.test(request.to)) {
    return { error: { code: 21211, message: `The 'To' number ${request.to} is not a valid phone number or client:<identity>.`, status: 400 } };
  }
  if (!request.from) return { error: { code: 21213, message: "No 'From' number is specified", status: 400 } };
  // From is one of the carrier's numbers or a verified caller ID (OutgoingCallerIds), as on Twilio; or,
  // calling a client, a client identifier (Twilio: "If the To parameter is a phone number, From must
  // also be a phone number").
  const fromNumber = engine.store.numberByPhone(request.from);
  if (isClientAddress(request.from)) {
    if (!CLIENT_ADDRESS.test(request.from)) return { error: { code: 21212, message: `The 'From' ${request.from} is not a valid client:<identity>.`, status: 400 } };
    if (!isClientAddress(request.to)) {
      return { error: { code: 21212, message: `From ${request.from} may call only a client; to call ${request.to}, From must be a phone number.`, status: 400 } };
    }
  } else if (!fromNumber && !engine.store.callerIdByPhone(request.from)) {
    return { error: { code: 21210, message: `The source phone number provided, ${request.from}, is not yet verified for your account.`, status: 400 } };
  }
  if (!request.url && request.twiml === undefined) return { error: { code: 21205, message: "Url parameter is required.", status: 400 } };
  const call = engine.newCall({
    from: request.from,
    to: request.to,
    direction: "outbound-api",
    app: { url: request.url, method: request.method, twiml: request.twiml, fallbackUrl: request.fallbackUrl, fallbackMethod: request.fallbackMethod },
    statusCallback: request.statusCallback,
    phoneNumberSid: fromNumber?.sid,
  });
  call.timeline.add("status", { status: "queued" });
  setImmediate(() => {
    void (async () => {
      const result = await ring(engine, call, request.timeoutSeconds * 1000, call.ended.signal);
      if (result !== "answered") return;
      await engine.run(call, request.url ? { url: request.url, method: request.method } : { twiml: request.twiml, method: "POST" });
    })();
  });
  return { call };
}

/** The caller (or the handset a call rings on) hangs up. */
export function hangupByHandset(engine: Engine, call: Call): boolean {
  if (call.isEnded) return false;
  call.timeline.add("hangup", { by: "handset" });
  engine.end(call, call.answeredAt ? "completed" : "canceled");
  return true;
}
