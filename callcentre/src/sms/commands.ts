// What a text asks for. Commands are case-insensitive and forgiving of spacing and punctuation.
// Twilio's keywords (docs/twilio-contract.md §6) match only as the whole message, exactly as Twilio
// matches them, so that our records agree with Twilio's block list.

export const OPT_OUT_KEYWORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"] as const;
export const OPT_IN_KEYWORDS = ["START", "YES", "UNSTOP"] as const;
export const HELP_KEYWORDS = ["HELP", "INFO"] as const;

export type Command =
  | { type: "empty" }
  | { type: "opt-out"; keyword: string }
  | { type: "opt-in"; keyword: string }
  | { type: "help-keyword"; keyword: string }
  | { type: "help" }
  | { type: "weather"; place: string }
  | { type: "subscribe"; place: string; timeText?: string | undefined }
  | { type: "unsubscribe" }
  | { type: "choice"; index: number }
  | { type: "place"; place: string }
  | { type: "other" };

/** Longest text we treat as a place name; anything longer is not one. */
export const MAX_PLACE_LENGTH = 60;

const HELP_WORDS = new Set(["COMMANDS", "COMMAND", "MENU", "?", "OPTIONS", "HOW", "WHAT CAN I TEXT"]);
const WEATHER_WORDS = new Set(["WEATHER", "FORECAST", "W"]);
const SUBSCRIBE_WORDS = new Set(["SUBSCRIBE", "DAILY", "SUB"]);
const STOP_DAILY = /^(?:UNSUBSCRIBE|UNSUB|STOP|CANCEL|END)\s+(?:DAILY|FORECASTS?|WEATHER|SUBSCRIPTION)$/;
// Words that are conversation, not places; texts made of them go to the inbox.
const NOT_PLACES = new Set(["HI", "HELLO", "HEY", "THANKS", "THANK YOU", "THX", "OK", "OKAY", "NO", "TEST", "GOOD", "GREAT", "BYE"]);
const TIME_TOKEN = /^(?:at|@)?\s*(\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|noon|midday)$/i;

/** Emoji and the invisible characters that glue them together. */
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}/gu;

export function normalise(body: string): string {
  return body.normalize("NFKC").replace(EMOJI, " ").replace(/\s+/g, " ").trim();
}

/** A place as typed: emoji and stray punctuation at the ends removed. */
function cleanPlace(text: string): string {
  return normalise(text).replace(/^[\s,.;:!?-]+|[\s,.;:!?-]+$/g, "");
}

/** Splits "Sydney 7:30am" into the place and a trailing time, if the end of the text reads as one. */
function splitTime(rest: string): { place: string; time?: string | undefined; timeText?: string | undefined } {
  const words = rest.split(" ");
  for (const take of [2, 1]) {
    if (words.length <= take) continue;
    const tail = words.slice(-take).join(" ");
    const bare = tail.replace(/^(?:at|@)\s*/i, "");
    if (TIME_TOKEN.test(tail) || (take === 1 && /\d[:.h]\d|\d\s*(am|pm)$/i.test(bare))) {
      let place = words.slice(0, -take).join(" ");
      place = place.replace(/\s+(?:at|@)$/i, "");
      return { place: cleanPlace(place), timeText: bare.replace(/\s+/g, "") };
    }
  }
  return { place: cleanPlace(rest) };
}

function looksLikePlace(text: string): boolean {
  if (text.length < 2 || text.length > MAX_PLACE_LENGTH) return false;
  if (text.split(" ").length > 4) return false;
  if (!/^[\p{L}\p{M}0-9 ,.'’()-]+$/u.test(text)) return false;
  if (!/\p{L}/u.test(text) && !/^\d{3,10}$/.test(text)) return false;
  const upper = text.toUpperCase().replace(/[.!]+$/, "");
  // "Stop please", "STOP." and the like: a person talking about the keywords, not a place.
  const first = upper.split(/[ ,]/)[0] ?? "";
  const keywords: readonly string[] = [...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS, ...HELP_KEYWORDS];
  return !NOT_PLACES.has(upper) && !keywords.includes(first);
}

export function parseCommand(body: string): Command {
  const exact = body.trim().toUpperCase();
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(exact)) return { type: "opt-out", keyword: exact };
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(exact)) return { type: "opt-in", keyword: exact };
  if ((HELP_KEYWORDS as readonly string[]).includes(exact)) return { type: "help-keyword", keyword: exact };

  const text = normalise(body);
  // Only emoji (a reaction, say) is a message for a person, not an empty one.
  if (text === "") return body.trim() === "" ? { type: "empty" } : { type: "other" };
  const upper = text.toUpperCase().replace(/[.!]+$/, "");
  if (HELP_WORDS.has(upper) || /^(?:HELP|INFO)\b/.test(upper)) return { type: "help" };
  if (STOP_DAILY.test(upper) || /^UNSUBSCRIBE\s+\S/.test(upper) || upper === "UNSUB") return { type: "unsubscribe" };
  if (/^[1-9]$/.test(upper)) return { type: "choice", index: Number(upper) };

  const [first = "", ...restWords] = text.split(" ");
  const rest = restWords.join(" ");
  const verb = first.toUpperCase().replace(/[:,.]$/, "");
  if (WEATHER_WORDS.has(verb) && (verb !== "W" || rest !== "")) {
    return { type: "weather", place: cleanPlace(rest.replace(/^(?:for|in|at)\s+/i, "")) };
  }
  if (SUBSCRIBE_WORDS.has(verb) && (verb !== "SUB" || rest !== "")) {
    const { place, timeText } = splitTime(rest.replace(/^(?:to|for|me)\s+/i, ""));
    return { type: "subscribe", place, ...(timeText ? { timeText } : {}) };
  }
  const place = cleanPlace(text);
  if (looksLikePlace(place)) return { type: "place", place };
  return { type: "other" };
}
