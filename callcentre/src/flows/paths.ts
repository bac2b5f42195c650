// The call centre's Twilio-facing paths, defined once. Users paste the first two into Twilio's console;
// the rest are generated into TwiML as the flow proceeds.

export const VOICE_INCOMING = "/twilio/voice/incoming";
export const VOICE_STATUS = "/twilio/voice/status";
export const RECORDING_STATUS = "/twilio/voice/recording-status";
export const SMS_INCOMING = "/twilio/sms/incoming";
export const SMS_STATUS = "/twilio/sms/status";

const seg = encodeURIComponent;

export const voicePaths = {
  node: (node: string) => `/twilio/voice/node/${seg(node)}`,
  /** The Url of a call placed back to a customer from the dashboard: who is calling, then `node`. */
  callBack: (node: string) => `/twilio/voice/call-back/${seg(node)}`,
  menu: (node: string, attempt: number) => `/twilio/voice/menu/${seg(node)}?attempt=${attempt}`,
  dial: (node: string, agent?: number) => `/twilio/voice/dial/${seg(node)}${agent === undefined ? "" : `?agent=${agent}`}`,
  agentAnswered: (node: string, agent: number) => `/twilio/voice/dial/${seg(node)}/answered?agent=${agent}`,
  voicemailRecorded: (node: string) => `/twilio/voice/voicemail/${seg(node)}/recorded`,
  transcription: (node: string) => `/twilio/voice/voicemail/${seg(node)}/transcription`,
  /** The safe flow's <Dial action>: answered without the database. */
  fallbackDialled: "/twilio/voice/fallback/dialled",
};

/** Absolute URL for a path or URL written in the flow: "/audio/x.wav" is served by this service. */
export function absoluteUrl(baseUrl: string, pathOrUrl: string): string {
  const key = `${baseUrl}\n${pathOrUrl}`;
  let url = absoluteUrls.get(key);
  if (url === undefined) {
    url = new URL(pathOrUrl, `${baseUrl}/`).toString();
    // The flow's URLs are few; a bound keeps odd ones (a query per attempt) from growing the map.
    if (absoluteUrls.size >= 1000) absoluteUrls.clear();
    absoluteUrls.set(key, url);
  }
  return url;
}

/** absoluteUrl's answers: parsing a URL per verb was 2 % of a webhook's CPU. */
const absoluteUrls = new Map<string, string>();
