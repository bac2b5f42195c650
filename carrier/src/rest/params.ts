// Reading Twilio's PascalCase form parameters (POST bodies) and query filters, with Twilio's
// validation codes. A repeated key (StatusCallbackEvent, MediaUrl) arrives as an array.
import { RestError, badRequest } from "./errors.js";

export type Method = "GET" | "POST";
type Raw = Record<string, unknown>;

export class Params {
  private readonly raw: Raw;

  constructor(body: unknown) {
    this.raw = body && typeof body === "object" ? (body as Raw) : {};
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  /** Every value of a parameter, in order (a single value gives a one-element list). */
  all(name: string): string[] {
    const value = this.raw[name];
    if (value === undefined || value === null) return [];
    return (Array.isArray(value) ? value : [value]).map(String);
  }

  /** The first value of a parameter; undefined when it was not sent. */
  str(name: string): string | undefined {
    return this.all(name)[0];
  }

  /** GET or POST (case-insensitive); undefined when not sent or empty. */
  method(name: string, code: number): Method | undefined {
    const value = this.str(name);
    if (value === undefined || value === "") return undefined;
    const upper = value.toUpperCase();
    if (upper !== "GET" && upper !== "POST") throw new RestError(code, `${name} must be GET or POST, not '${value}'`);
    return upper;
  }

  /**
   * An absolute http(s) URL. Undefined when not sent; "" when sent empty (an update that clears the
   * setting).
   */
  url(name: string, code: number): string | undefined {
    const value = this.str(name);
    if (value === undefined || value === "") return value;
    if (!isHttpUrl(value)) throw new RestError(code, `${name} is not a valid URL: ${value}`);
    return value;
  }

  /** `true`/`false` (Twilio's booleans); undefined when not sent. */
  bool(name: string): boolean | undefined {
    const value = this.str(name);
    if (value === undefined || value === "") return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw new RestError(20001, `${name} must be true or false, not '${value}'`);
  }

  /**
   * The webhook settings a number or an application create or update sends: each URL parameter
   * (21402 when invalid; an empty one clears it, Twilio's way to unset) and each method (21403).
   */
  webhookSettings<U extends string, M extends string>(
    urls: readonly (readonly [string, U])[],
    methods: readonly (readonly [string, M])[],
  ): Partial<Record<U, string | null> & Record<M, Method>> {
    const settings: Partial<Record<string, string | null>> = {};
    for (const [param, field] of urls) {
      const url = this.url(param, 21402);
      if (url !== undefined) settings[field] = url === "" ? null : url;
    }
    for (const [param, field] of methods) {
      const method = this.method(param, 21403);
      if (method) settings[field] = method;
    }
    return settings as Partial<Record<U, string | null> & Record<M, Method>>;
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Query parameters of a request URL, in the order sent (keys such as `DateSent>` included). */
export function queryOf(url: string): URLSearchParams {
  const q = url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
}

const DAY_MS = 86_400_000;

function parseFilterDate(name: string, value: string): { day: boolean; at: number } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const at = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(at)) return { day: true, at };
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return { day: false, at };
  }
  throw badRequest(`${name} must be a date, YYYY-MM-DD (GMT), not '${value}'`);
}

/**
 * The date filters of a list (DateSent, DateSent<, DateSent>; StartTime…; DateCreated…), Twilio-style:
 * `X=YYYY-MM-DD` that GMT day; `X<` on or before (a date: up to the end of that day); `X>` on or
 * after. The official clients send ISO date-times; those compare as instants (`X=` takes their day).
 * An item without the date (a message not yet sent) does not match any date filter.
 */
export function dateFilter(query: URLSearchParams, name: string): (value: Date | null | undefined) => boolean {
  const checks: ((t: number) => boolean)[] = [];
  const exact = query.get(name);
  const before = query.get(`${name}<`);
  const after = query.get(`${name}>`);
  if (exact) {
    const { at } = parseFilterDate(name, exact);
    const day = at - (at % DAY_MS);
    checks.push((t) => t >= day && t < day + DAY_MS);
  }
  if (before) {
    const { day, at } = parseFilterDate(`${name}<`, before);
    checks.push(day ? (t) => t < at + DAY_MS : (t) => t <= at);
  }
  if (after) {
    const { at } = parseFilterDate(`${name}>`, after);
    checks.push((t) => t >= at);
  }
  if (checks.length === 0) return () => true;
  return (value) => value != null && checks.every((check) => check(value.getTime()));
}
