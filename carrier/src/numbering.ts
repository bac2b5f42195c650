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
