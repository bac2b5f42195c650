// Twilio's voice webhook as Twilio sends it for a new inbound call: the standard parameters, form
// encoded, signed with X-Twilio-Signature (HMAC-SHA1, keyed with the auth token, over the URL and
// then every parameter name and value in sorted order, base64; docs/twilio-contract.md §7).
import { createHmac, randomBytes } from "node:crypto";

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export const newCallSid = (): string => `CA${randomBytes(16).toString("hex")}`;

/**
 * A Sydney landline for caller `i`, distinct for 8,998 callers: 02 5550 1000–9998, the range reserved
 * for fiction, without the centre's own number (1234) and the blocklisted 9999.
 */
export function callerNumber(i: number): string {
  const line = 1000 + (i % 8998);
  return `+6125550${line >= 1234 ? line + 1 : line}`;
}

export interface IncomingCall {
  accountSid: string;
  callSid: string;
  from: string;
  to: string;
}

/** The parameters of the "A call comes in" request (CallStatus=ringing), as the carrier and Twilio send them. */
export function incomingCallParams(call: IncomingCall): Record<string, string> {
  const sydney = { City: "SYDNEY", State: "NSW", Zip: "2000", Country: "AU" };
  const params: Record<string, string> = {
    AccountSid: call.accountSid,
    ApiVersion: "2010-04-01",
    CallSid: call.callSid,
    CallStatus: "ringing",
    Called: call.to,
    Caller: call.from,
    Direction: "inbound",
    From: call.from,
    To: call.to,
  };
  for (const [field, value] of Object.entries(sydney)) {
    params[`Called${field}`] = value;
    params[`Caller${field}`] = value;
    params[`From${field}`] = value;
    params[`To${field}`] = value;
  }
  return params;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** The body and headers of a signed POST of `params` to `url` (the URL Twilio was configured with). */
export function signedForm(authToken: string, url: string, params: Record<string, string>): SignedRequest {
  return {
    body: new URLSearchParams(params).toString(),
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "user-agent": "TwilioProxy/1.1",
      "x-twilio-signature": twilioSignature(authToken, url, params),
    },
  };
}
