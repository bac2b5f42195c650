// Credentials in webhook URLs (`https://user:password@host/…`, which Twilio supports) are used by the
// engine when it fetches, and shown nowhere: every view of the control API, the timelines and the
// event streams shows `https://***@host/…` instead.

/** A URL's user information: after `scheme://`, up to the `@` before the host. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

export function redactUrl(text: string): string {
  return text.replace(USERINFO, "$1***@");
}

/** A copy of `value` with the credentials of every URL in its strings (nested too) replaced. */
export function redactCredentials<T>(value: T): T {
  if (typeof value === "string") return redactUrl(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactCredentials(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactCredentials(item)])) as T;
  }
  return value;
}
