// The call centre's webhook URLs as the CLI hands them to Twilio: on a number, or on a call it places.
import { SMS_INCOMING, VOICE_INCOMING, VOICE_STATUS } from "../flows/paths.js";
import type { CliContext } from "./context.js";

export interface AppUrls {
  voiceUrl: string;
  statusCallback: string;
  smsUrl: string;
}

export function appUrls(publicBaseUrl: string): AppUrls {
  const base = publicBaseUrl.replace(/\/+$/, "");
  return { voiceUrl: `${base}${VOICE_INCOMING}`, statusCallback: `${base}${VOICE_STATUS}`, smsUrl: `${base}${SMS_INCOMING}` };
}

/** True when Twilio itself could never reach `publicBaseUrl` (a loopback or wildcard host). */
export function isLocalOnly(publicBaseUrl: string): boolean {
  const host = new URL(publicBaseUrl).hostname;
  return host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "[::1]" || host === "0.0.0.0";
}

/** Real Twilio, as opposed to a local carrier. */
export const isRealTwilio = (apiBaseUrl: string) => apiBaseUrl.replace(/\/+$/, "") === "https://api.twilio.com";

/** Real Twilio cannot call back a loopback URL: say so, but let the request go (it may be intended). */
export function warnIfUnreachable(cli: CliContext, publicBaseUrl: string): void {
  if (isRealTwilio(cli.config().twilioApiBaseUrl) && isLocalOnly(publicBaseUrl)) {
    cli.warn(`PUBLIC_BASE_URL is ${publicBaseUrl}, which Twilio cannot reach: set it to a public URL, or run 'numbers configure --tunnel'`);
  }
}
