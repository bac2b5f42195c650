// Placeholders in spoken text: "Welcome, caller from {caller.city}." A step whose placeholders are
// not all known for this caller says its `otherwise` text instead (or is skipped if it has none).

export const PLACEHOLDERS = ["caller.city", "caller.state", "caller.country", "company"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string>>;

const PATTERN = /\{([^{}]+)\}/g;

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PATTERN)].map((match) => (match[1] ?? "").trim());
}

/** The text with its placeholders filled, or undefined when one of them has no value. */
export function fill(text: string, values: TemplateValues): string | undefined {
  let complete = true;
  const filled = text.replace(PATTERN, (_, name: string) => {
    const value = values[name.trim() as Placeholder]?.trim();
    if (!value) {
      complete = false;
      return "";
    }
    return value;
  });
  return complete ? filled : undefined;
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** Twilio sends FromCountry as an ISO 3166-1 alpha-2 code; say the country's name. */
export function countryName(code: string | undefined): string | undefined {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return undefined;
  const upper = code.toUpperCase();
  // Intl's look-up is slow for the hot path; there are at most 26 × 26 codes to remember.
  if (!countryNames.has(upper)) {
    let name: string | undefined;
    try {
      name = regionNames.of(upper);
    } catch {
      name = undefined;
    }
    countryNames.set(upper, name);
  }
  return countryNames.get(upper);
}
const countryNames = new Map<string, string | undefined>();

/** Twilio sends FromCity in capitals ("SYDNEY"); say it as a name ("Sydney"). */
export function properName(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (trimmed !== trimmed.toUpperCase()) return trimmed;
  return trimmed.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}
