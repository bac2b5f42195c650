// A small numbering table: the best-effort geography Twilio sends as FromCity, FromState, FromZip and
// FromCountry (and the To* equivalents). Longest matching prefix wins.

export interface Geo {
  city: string;
  state: string;
  zip: string;
  country: string;
}

const TABLE: [prefix: string, geo: Geo][] = [
  ["+1212", { city: "NEW YORK", state: "NY", zip: "10001", country: "US" }],
  ["+1415", { city: "SAN FRANCISCO", state: "CA", zip: "94105", country: "US" }],
  ["+1312", { city: "CHICAGO", state: "IL", zip: "60601", country: "US" }],
  ["+1500", { city: "", state: "", zip: "", country: "US" }],
  ["+1", { city: "", state: "", zip: "", country: "US" }],
  ["+4420", { city: "LONDON", state: "", zip: "", country: "GB" }],
  ["+44", { city: "", state: "", zip: "", country: "GB" }],
  ["+612", { city: "SYDNEY", state: "NSW", zip: "2000", country: "AU" }],
  ["+613", { city: "MELBOURNE", state: "VIC", zip: "3000", country: "AU" }],
  ["+617", { city: "BRISBANE", state: "QLD", zip: "4000", country: "AU" }],
  ["+614", { city: "", state: "", zip: "", country: "AU" }],
  ["+61", { city: "", state: "", zip: "", country: "AU" }],
  ["+49", { city: "", state: "", zip: "", country: "DE" }],
  ["+33", { city: "", state: "", zip: "", country: "FR" }],
];

const UNKNOWN: Geo = { city: "", state: "", zip: "", country: "" };

export function geoOf(number: string): Geo {
  let best: [string, Geo] | undefined;
  for (const entry of TABLE) {
    if (number.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1] ?? UNKNOWN;
}

/** E.164: "+", a non-zero digit, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** North American toll-free area codes in service (the NANPA's 8XX codes). */
export const TOLL_FREE_AREA_CODES = ["800", "833", "844", "855", "866", "877", "888"] as const;

/**
 * A North American geographic area code a number could have: NXX with N 2–9, not N11 (service codes),
 * not N9X (reserved for expansion), not 37X or 96X (reserved), not 555 (directory) and not an 8XX
 * toll-free or toll-free-reserved code.
 */
export function isGeographicAreaCode(code: string): boolean {
  if (!/^[2-9][0-8]\d$/.test(code)) return false;
  if (code[1] === "1" && code[2] === "1") return false;
  if (code.startsWith("37") || code.startsWith("96") || code === "555") return false;
  // 800, 822, 833 … 888 and 880–889: toll-free codes, in service or reserved.
  return !(code[0] === "8" && code[1] === code[2]) && !code.startsWith("88");
}

/** A North American central office code (the 3 digits after the area code): NXX, not N11. */
export function isCentralOfficeCode(code: string): boolean {
  return /^[2-9]\d{2}$/.test(code) && !(code[1] === "1" && code[2] === "1");
}

/** Whether an E.164 number is a North American toll-free one (+1 8XX in service). */
export function isTollFree(e164: string): boolean {
  return (TOLL_FREE_AREA_CODES as readonly string[]).includes(/^\+1(\d{3})\d{7}$/.exec(e164)?.[1] ?? "");
}
