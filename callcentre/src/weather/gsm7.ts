// The GSM-7 alphabet (3GPP TS 23.038) and SMS segment counting, plus a transliterator that keeps
// outgoing texts inside GSM-7: one character outside it switches a whole SMS to UCS-2 (70 characters).

// The basic set: 127 characters (the 128th code is the escape to the extension table).
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
// The extension table: each character is sent as escape + code, so it costs two septets.
const EXTENSION = "\f^{}\\[~]|€";

const basicSet = new Set(BASIC);
const extensionSet = new Set(EXTENSION);

const isGsm7Char = (char: string) => basicSet.has(char) || extensionSet.has(char);

export function isGsm7(text: string): boolean {
  for (const char of text) if (!isGsm7Char(char)) return false;
  return true;
}

export interface SegmentInfo {
  encoding: "GSM-7" | "UCS-2";
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/**
 * How a text travels as SMS: a single message holds 160 GSM-7 septets or 70 UCS-2 units; once it is
 * concatenated each segment holds 153 or 67 (the rest is the user data header). Like handsets and
 * Twilio, an escape pair or a surrogate pair is never split across segments. An empty text is 1 segment.
 */
export function segmentInfo(text: string): SegmentInfo {
  const gsm = isGsm7(text);
  const unitsOf = gsm
    ? (char: string) => (extensionSet.has(char) ? 2 : 1)
    : (char: string) => char.length; // 2 for a character outside the BMP (a surrogate pair)
  const [single, perSegment] = gsm ? [160, 153] : [70, 67];
  let units = 0;
  let segments = 1;
  let used = 0;
  for (const char of text) {
    const size = unitsOf(char);
    units += size;
    if (used + size > perSegment) {
      segments++;
      used = 0;
    }
    used += size;
  }
  if (units <= single) segments = 1;
  return { encoding: gsm ? "GSM-7" : "UCS-2", units, segments };
}

// Characters outside GSM-7 with a conventional spelling inside it. Anything else outside GSM-7 is
// decomposed (NFKD) and loses its diacritics, and is dropped when that does not help (emoji, CJK…).
const REPLACEMENTS: Record<string, string> = {
  "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
  "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
  "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "•": "-",
  "…": "...", "⁄": "/", "×": "x", "÷": "/",
  // A degree sign carries no information next to a C or an F ("21°C" → "21C"): drop it.
  "°": "",
  "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
  "þ": "th", "Þ": "Th", "ı": "i", "ĸ": "k", "ŋ": "n", "Ŋ": "N", "ŧ": "t", "Ŧ": "T", "ħ": "h", "Ħ": "H",
};

function transliterateChar(char: string): string {
  if (isGsm7Char(char)) return char;
  if (/\s/u.test(char)) return " ";
  const replacement = REPLACEMENTS[char];
  if (replacement !== undefined) return replacement;
  let out = "";
  for (const part of char.normalize("NFKD").replace(/\p{M}/gu, "")) {
    if (isGsm7Char(part)) out += part;
    else out += REPLACEMENTS[part] ?? "";
  }
  return out;
}

/**
 * `text` in GSM-7 only: letters that GSM-7 has keep their accents ("Zürich", "Málaga" → "Malaga"),
 * typographic quotes, dashes and the ellipsis become ASCII, the degree sign and anything unmappable
 * (emoji, CJK) is dropped. All whitespace, line breaks included, collapses to single spaces; the
 * result is trimmed.
 */
export function toGsm7(text: string): string {
  let out = "";
  for (const char of text.normalize("NFC")) out += transliterateChar(char);
  return out.replace(/\s+/g, " ").trim();
}

/** At most `max` characters of `text` (whole code points), without trailing spaces. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(max, 0)).join("").trimEnd();
}
