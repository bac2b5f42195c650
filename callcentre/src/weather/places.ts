// Resolving what a person texted ("Sydney", "Springfield, Illinois", "London, CA") into one place,
// a short list to choose from, or a reason to ask again.
import { toGsm7, truncate } from "./gsm7.js";
import type { OpenMeteo, Place } from "./open-meteo.js";
import { COUNTRY_ALIASES, REGION_ABBREVIATIONS } from "./region-abbreviations.js";

export type Resolution =
  | { kind: "found"; place: Place }
  | { kind: "ambiguous"; options: Place[] }
  | { kind: "not-found"; query: string }
  | { kind: "invalid"; reason: string };

const MAX_QUERY_LENGTH = 60;
const SEARCH_COUNT = 10;
/** How many times larger the first result must be than any result elsewhere to be taken unasked. */
const DOMINANCE = 5;
const MAX_OPTIONS = 3;

/** For comparing names: no diacritics, lower case, "U.S.A." → "usa", other punctuation → a space. */
export function foldName(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/\./g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Resolves a texted place name. Text after a comma narrows the search: each qualifier must match the
 * country (ISO code, name or a common alias), the first-level region's name, or its postal
 * abbreviation, in that order of preference ("London, CA" is London, Ontario; "Portland, OR" is in
 * Oregon). Open-Meteo could filter too, but it prefers a region abbreviation over a country code, so
 * the part before the comma is searched (10 results) and filtered here. Errors from the search
 * (WeatherUnavailableError) propagate.
 */
export async function resolvePlace(weather: Pick<OpenMeteo, "searchPlaces">, query: string): Promise<Resolution> {
  const text = query.normalize("NFC").trim().replace(/\s+/g, " ");
  const [name = "", ...qualifiers] = text.split(",").map((part) => part.trim());
  const reason = invalidReason(text, name);
  if (reason) return { kind: "invalid", reason };

  let candidates = await weather.searchPlaces(name, { count: SEARCH_COUNT });
  for (const qualifier of qualifiers) {
    if (qualifier) candidates = matchQualifier(candidates, qualifier);
  }
  const [first, ...rest] = candidates;
  if (!first) return { kind: "not-found", query: text };
  const options = distinctOptions(candidates);
  if (options.length === 1 || isClearWinner(first, rest)) return { kind: "found", place: first };
  return { kind: "ambiguous", options };
}

/** The reason a query cannot be a place name, worded for the person who sent it; undefined if it can. */
function invalidReason(text: string, name: string): string | undefined {
  if (!text) return "No place name was given.";
  if (Array.from(text).length > MAX_QUERY_LENGTH) {
    return `The place name is too long (at most ${MAX_QUERY_LENGTH} characters).`;
  }
  if (!name) return "No place name was given before the comma.";
  if (Array.from(name).length < 2) return "The place name is too short (at least 2 characters).";
  if (!/[\p{L}\p{N}]/u.test(name)) return "The place name has no letters or digits.";
  return undefined;
}

function matchQualifier(places: Place[], qualifier: string): Place[] {
  const folded = foldName(qualifier);
  const code = folded.replace(/ /g, "").toUpperCase();
  const alias = COUNTRY_ALIASES[folded];
  const tiers: ((place: Place) => boolean)[] = [
    (place) =>
      place.countryCode?.toUpperCase() === code ||
      place.countryCode === alias ||
      (place.country !== undefined && foldName(place.country) === folded),
    (place) => place.admin1 !== undefined && foldName(place.admin1) === folded,
    (place) => {
      const region = place.countryCode ? REGION_ABBREVIATIONS[place.countryCode]?.[code] : undefined;
      return region !== undefined && place.admin1 !== undefined && foldName(region) === foldName(place.admin1);
    },
  ];
  for (const tier of tiers) {
    const matches = places.filter(tier);
    if (matches.length > 0) return matches;
  }
  return [];
}

const regionOf = (place: Place) => `${place.countryCode ?? place.country ?? ""}|${place.admin1 ?? ""}`;

/**
 * Whether the first result (Open-Meteo ranks by population) is taken without asking. It is when no
 * other result could reasonably be meant:
 * - every other result lies in the same country and first-level region (or there is none);
 * - its population is at least 5 times the largest among results elsewhere ("Sydney": Sydney NSW,
 *   4.6 million, not Sydney, Nova Scotia, 30 thousand; "London": London, England); or
 * - it has a population and no result elsewhere has one.
 * Otherwise ("Springfield": Missouri 170k, Massachusetts 155k, Illinois 117k) the person chooses.
 */
function isClearWinner(first: Place, rest: Place[]): boolean {
  const elsewhere = rest.filter((place) => regionOf(place) !== regionOf(first));
  if (elsewhere.length === 0) return true;
  if (!first.population) return false;
  const rival = Math.max(...elsewhere.map((place) => place.population ?? 0));
  return rival === 0 || first.population >= DOMINANCE * rival;
}

/** The first 3 results that read differently when listed. */
function distinctOptions(places: Place[]): Place[] {
  const seen = new Set<string>();
  const options: Place[] = [];
  for (const place of places) {
    const description = describePlace(place);
    if (seen.has(description)) continue;
    seen.add(description);
    options.push(place);
    if (options.length === MAX_OPTIONS) break;
  }
  return options;
}

/**
 * "Springfield, Illinois, US", in GSM-7; the region is left out when it repeats the name ("Zürich, CH").
 * `limits` shorten the name and the region and country, for lists that must fit one SMS.
 */
export function describePlace(place: Place, limits: { name?: number; region?: number } = {}): string {
  const { name = Number.POSITIVE_INFINITY, region = Number.POSITIVE_INFINITY } = limits;
  const part = (text: string, max: number) => shorten(toGsm7(text), max);
  const parts = [part(place.name, name)];
  if (place.admin1 && foldName(place.admin1) !== foldName(place.name)) parts.push(part(place.admin1, region));
  const country = place.countryCode ?? place.country;
  if (country) parts.push(part(country, region));
  return parts.filter(Boolean).join(", ");
}

/** At most `max` characters, cut after a whole word when that keeps at least half of them. */
function shorten(text: string, max: number): string {
  const cut = truncate(text, max);
  if (cut === text) return text;
  const boundary = Math.max(cut.lastIndexOf(" "), cut.lastIndexOf("-"));
  return boundary >= max / 2 ? cut.slice(0, boundary) : cut;
}
