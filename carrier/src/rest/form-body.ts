// application/x-www-form-urlencoded bodies on the REST API, read strictly. @fastify/formbody (the
// app's parser) keeps a value whose percent-encoding is malformed undecoded, "%25" and all, so a
// message would go out with its escapes in it. Here a malformed escape, or one that is not UTF-8, is
// refused with Twilio's error body (400, 20001) before the route runs. A repeated key (MediaUrl,
// StatusCallbackEvent) becomes an array, as with formbody and multipart bodies.
import type { FastifyInstance } from "fastify";
import { badRequest } from "./errors.js";

const FORM = "application/x-www-form-urlencoded";

function decode(part: string): string {
  return decodeURIComponent(part.replace(/\+/g, " "));
}

/** The body's fields; throws Twilio's 20001 on a malformed percent-encoding. */
export function parseForm(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? "" : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decode(rawKey);
      value = decode(rawValue);
    } catch {
      throw badRequest(`The request body is not valid form encoding: '${rawKey}' has a malformed percent-encoding`);
    }
    const existing = fields[key];
    fields[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return fields;
}

export function registerFormBody(app: FastifyInstance): void {
  // This plugin's own parser: the app's formbody stays for the other routes.
  if (app.hasContentTypeParser(FORM)) app.removeContentTypeParser(FORM);
  app.addContentTypeParser(FORM, { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
