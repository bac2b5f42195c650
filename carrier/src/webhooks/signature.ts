// X-Twilio-Signature exactly as Twilio computes it (docs/twilio-contract.md §7): HMAC-SHA1 over the URL
// followed by the sorted POST parameters, keyed with the auth token, base64.
import { createHmac } from "node:crypto";

export type FormParams = Record<string, string | string[]>;

/** The URL Twilio signs: credentials removed; for voice over HTTPS the port is dropped too. */
export function signedUrl(url: string, { dropHttpsPort }: { dropHttpsPort: boolean }): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  if (dropHttpsPort && parsed.protocol === "https:") parsed.port = "";
  return parsed.toString();
}

export function twilioSignature(authToken: string, url: string, params: FormParams, method: "GET" | "POST"): string {
  let data = url;
  if (method === "POST") {
    for (const name of Object.keys(params).sort()) {
      const value = params[name];
      const values = Array.isArray(value) ? [...new Set(value)].sort() : [value ?? ""];
      for (const v of values) data += name + v;
    }
  }
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf-8")).digest("base64");
}
