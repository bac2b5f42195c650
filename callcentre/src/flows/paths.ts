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
  // A department's line (flows/queue-flow.ts, routes/twilio/queue-routes.ts).
  /** A caller reaches a department that queues: in line, or on to where nobody signed in or a full line says. */
  queue: (node: string) => `/twilio/voice/queue/${seg(node)}`,
  queueWait: (node: string) => `/twilio/voice/queue/${seg(node)}/wait`,
  queueMenu: (node: string) => `/twilio/voice/queue/${seg(node)}/key`,
  queueLeft: (node: string) => `/twilio/voice/queue/${seg(node)}/left`,
  /** The agent's call for an offer: its Url (the whisper), the whisper's key, and its status callback. */
  offer: (offer: number) => `/twilio/voice/offer/${offer}`,
  offerAccept: (offer: number) => `/twilio/voice/offer/${offer}/key`,
  offerStatus: (offer: number) => `/twilio/voice/offer/${offer}/status`,
  /** A caller taken out of the line (REST), or the customer of a call back who answered: into the conversation. */
  connect: (entry: number) => `/twilio/voice/entry/${entry}/connect`,
  /** A caller transferred (cold) from the conversation back into a line. */
  requeue: (entry: number) => `/twilio/voice/entry/${entry}/requeue`,
  callbackStatus: (entry: number) => `/twilio/voice/entry/${entry}/callback-status`,
  /** The <Dial action> of the caller's and the agent's conference. */
  callerLeft: (entry: number) => `/twilio/voice/entry/${entry}/caller-left`,
  agentLeft: (entry: number) => `/twilio/voice/entry/${entry}/agent-left`,
  conferenceEvents: (entry: number) => `/twilio/voice/entry/${entry}/conference`,
  conferenceRecording: (entry: number) => `/twilio/voice/entry/${entry}/recording`,
  surveyScore: (entry: number) => `/twilio/voice/entry/${entry}/survey`,
  surveyComment: (entry: number) => `/twilio/voice/entry/${entry}/survey-comment`,
  /** The status callback of a supervisor's call monitoring a conversation (acd/monitoring.ts). */
  monitorStatus: (monitor: number) => `/twilio/voice/monitor/${monitor}/status`,
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
