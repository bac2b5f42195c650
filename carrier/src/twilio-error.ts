// A Twilio error or warning, in one shape: its code (https://www.twilio.com/docs/errors/{code}), a
// message, and for a REST answer the HTTP status. Timeline events carry `code` and `message` as
// they are here; the REST layer turns the shape into Twilio's error body (rest/errors.ts).

export interface TwilioError {
  code: number;
  message: string;
  /** The HTTP status of a REST answer; absent on call events. */
  status: number;
}

/** A problem on a call, as the timeline records it ("error", "warning", "twiml.warning"). */
export interface TwilioNotice {
  code: number;
  message: string;
}

/** 12200, Twilio's schema warning: TwiML the carrier reads but does not act on, or a verb not allowed where it stands. */
export function schemaWarning(message: string): TwilioNotice & { code: 12200 } {
  return { code: 12200, message };
}
