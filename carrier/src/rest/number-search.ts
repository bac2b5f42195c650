// Searching the numbers the carrier can sell (AvailablePhoneNumbers): North American local numbers in
// any geographic area code, and toll-free numbers in the 8XX codes, that are not on the account yet.
// The carrier has every number, so a search builds numbers that fit the request rather than reading
// an inventory: the same request gives the same numbers, minus those bought since.
import { geoOf, isCentralOfficeCode, isGeographicAreaCode, TOLL_FREE_AREA_CODES } from "../numbering.js";
import { RestError } from "./errors.js";

export type NumberType = "local" | "toll-free";

/** Twilio's keypad: a letter in `Contains` stands for the digit on its key (Twilio: "STORM" is 78676). */
const KEYPAD: Record<string, string> = Object.fromEntries(
  (["2abc", "3def", "4ghi", "5jkl", "6mno", "7pqrs", "8tuv", "9wxyz"] as const).flatMap((key) => [...key.slice(1)].map((letter) => [letter, key[0] as string])),
);

/** A parsed `Contains`: digits and single-digit wildcards (`*`), `%` runs, and its `+`/`$` anchors. */
export interface ContainsPattern {
  /** A digit, "*" (any one digit) or "%" (any run of digits, possibly empty). */
  tokens: string[];
  anchoredStart: boolean;
  anchoredEnd: boolean;
}

/**
 * Twilio's `Contains` syntax (the AvailablePhoneNumber Local resource): 2 to 16 characters, digits and
 * latin letters (a letter is its keypad digit), `*` for any one digit, `%` for any run of digits, a
 * leading `+` to match from the start of the number and a trailing `$` to match at its end. Twilio
 * asks for at least two non-meta characters. Classic patterns such as `+1510555****` work as well:
 * a leading `+1` anchors at the country code.
 */
export function parseContains(value: string): ContainsPattern {
  const invalid = (why: string) => new RestError(20001, `Contains '${value}' is not a valid pattern: ${why}`);
  if (value.length < 2 || value.length > 16) throw invalid("it must be 2 to 16 characters long");
  if (!/^\+?[0-9A-Za-z*%]+\$?$/.test(value)) throw invalid("use digits, letters, * and %, with + only first and $ only last");
  const anchoredStart = value.startsWith("+");
  const anchoredEnd = value.endsWith("$");
  const body = value.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
  const tokens = [...body.toLowerCase()].map((ch) => KEYPAD[ch] ?? ch);
  if (tokens.filter((t) => /\d/.test(t)).length < 2) throw invalid("it needs at least two digits or letters");
  return { tokens, anchoredStart, anchoredEnd };
}

export interface SearchRequest {
  type: NumberType;
  areaCode?: string | undefined;
  contains?: ContainsPattern | undefined;
  inRegion?: string | undefined;
  inPostalCode?: string | undefined;
  /** How many numbers to return at most. */
  limit: number;
  /** Whether an E.164 number is already taken (on the account). */
  isTaken: (e164: string) => boolean;
}

/** Local area codes offered first (those the numbering table knows the place of), then every other. */
const PREFERRED_LOCAL = ["415", "212", "312"];
/** The subscriber part of the first number offered in an area code: 555-0100, reserved for fiction. */
const DEFAULT_SUBSCRIBER = "5550100";
const NATIONAL_LENGTH = 10;
/** Candidates tried per area code and placement of the pattern before moving on. */
const TRIES_PER_PLACEMENT = 2_000;

let geographicCodes: string[] | undefined;
function allGeographicCodes(): string[] {
  geographicCodes ??= Array.from({ length: 800 }, (_, i) => String(200 + i)).filter(isGeographicAreaCode);
  return geographicCodes;
}

function areaCodesFor(request: SearchRequest): string[] {
  const pool = request.type === "toll-free" ? [...TOLL_FREE_AREA_CODES] : [...PREFERRED_LOCAL, ...allGeographicCodes().filter((c) => !PREFERRED_LOCAL.includes(c))];
  if (request.areaCode !== undefined) return pool.includes(request.areaCode) ? [request.areaCode] : [];
  if (request.type === "local") {
    // InRegion and InPostalCode narrow the search to area codes the numbering table places there;
    // where it knows none, every area code is offered and the number reports the place asked for.
    const placed = pool.filter((code) => {
      const geo = geoOf(`+1${code}`);
      return (request.inRegion && geo.state === request.inRegion.toUpperCase()) || (request.inPostalCode && geo.zip === request.inPostalCode);
    });
    if (placed.length > 0) return placed;
    // Elsewhere, only area codes it places nowhere, so a number does not contradict the place asked.
    if (request.inRegion || request.inPostalCode) return pool.filter((code) => geoOf(`+1${code}`).state === "");
  }
  return pool;
}

/** The fixed-length templates a pattern can take: each `%` expanded to 0…n wildcards. */
function expand(tokens: string[], maxLength: number): string[][] {
  const at = tokens.indexOf("%");
  if (at < 0) return tokens.length <= maxLength ? [tokens] : [];
  const results: string[][] = [];
  for (let run = 0; tokens.length - 1 + run <= maxLength; run++) {
    results.push(...expand([...tokens.slice(0, at), ...Array<string>(run).fill("*"), ...tokens.slice(at + 1)], maxLength));
  }
  return results;
}

/** Where the pattern's digits fall in a 10-digit national number: one slot array per placement. */
function placements(pattern: ContainsPattern | undefined): (string | null)[][] {
  if (!pattern) return [Array<string | null>(NATIONAL_LENGTH).fill(null)];
  let tokens = pattern.tokens;
  // "+1…" anchors at the country code: the rest anchors at the national number's start.
  if (pattern.anchoredStart && tokens[0] === "1") tokens = tokens.slice(1);
  const slots: (string | null)[][] = [];
  for (const template of expand(tokens, NATIONAL_LENGTH)) {
    const last = NATIONAL_LENGTH - template.length;
    for (let offset = 0; offset <= last; offset++) {
      if ((pattern.anchoredStart && offset !== 0) || (pattern.anchoredEnd && offset !== last)) continue;
      const placed = Array<string | null>(NATIONAL_LENGTH).fill(null);
      template.forEach((token, i) => (placed[offset + i] = token === "*" ? null : token));
      slots.push(placed);
    }
  }
  return slots;
}

/**
 * The k-th number of a placement in an area code: the free digits count up from 555-0100 (the
 * rightmost first), so different k give different numbers. Undefined when the area code clashes
 * with the placement's fixed digits.
 */
function candidate(areaCode: string, placed: (string | null)[], k: number): string | undefined {
  const digits = [...placed];
  for (let i = 0; i < 3; i++) {
    const fixed = digits[i];
    if (fixed != null && fixed !== areaCode[i]) return undefined;
    digits[i] = areaCode[i] ?? null;
  }
  let rest = k;
  for (let i = NATIONAL_LENGTH - 1; i >= 3; i--) {
    if (digits[i] != null) continue;
    const base = Number(DEFAULT_SUBSCRIBER[i - 3]);
    digits[i] = String((base + (rest % 10)) % 10);
    rest = Math.floor(rest / 10);
  }
  if (rest > 0) return undefined;
  return digits.join("");
}

function freeSlots(placed: (string | null)[]): number {
  return placed.slice(3).filter((d) => d == null).length;
}

/** Numbers (E.164) that fit the request, not taken, at most `limit`, in a stable order. */
export function searchNumbers(request: SearchRequest): string[] {
  const found = new Set<string>();
  const layouts = placements(request.contains);
  for (const areaCode of areaCodesFor(request)) {
    for (const placed of layouts) {
      const tries = Math.min(TRIES_PER_PLACEMENT, 10 ** freeSlots(placed));
      for (let k = 0; k < tries; k++) {
        if (found.size >= request.limit) return [...found];
        const national = candidate(areaCode, placed, k);
        if (national === undefined) break;
        if (!isCentralOfficeCode(national.slice(3, 6))) continue;
        const e164 = `+1${national}`;
        if (!request.isTaken(e164)) found.add(e164);
      }
    }
  }
  return [...found];
}

/** The place of a number for the search's answer: the numbering table's, else the request's. */
export function placeOf(e164: string, request: Pick<SearchRequest, "type" | "inRegion" | "inPostalCode">): { locality: string | null; region: string | null; postalCode: string | null } {
  const geo = geoOf(e164);
  if (request.type === "toll-free") return { locality: null, region: null, postalCode: null };
  const locality = geo.city ? geo.city.toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase()) : null;
  return { locality, region: geo.state || request.inRegion?.toUpperCase() || null, postalCode: geo.zip || request.inPostalCode || null };
}
