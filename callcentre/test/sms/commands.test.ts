import { test } from "node:test";
import assert from "node:assert/strict";
import {
  HELP_KEYWORDS,
  normalise,
  OPT_IN_KEYWORDS,
  OPT_OUT_KEYWORDS,
  parseCommand,
  type Command,
} from "../../src/sms/commands.js";

const show = (body: string) => JSON.stringify(body.length > 60 ? `${body.slice(0, 40)}… (${body.length} chars)` : body);

/** Each keyword as people type it: any case, with spaces, tabs and line breaks around it. */
function spellings(keyword: string): string[] {
  const lower = keyword.toLowerCase();
  const title = keyword[0] + lower.slice(1);
  const mixed = Array.from(lower, (c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join("");
  return [keyword, lower, title, mixed, `  ${keyword}  `, `\t${lower}\n`, ` ${title}\r\n`, `\n\n${mixed} `];
}

test("Twilio's keywords match as the whole message, trimmed, in any case", () => {
  const families: [readonly string[], "opt-out" | "opt-in" | "help-keyword"][] = [
    [OPT_OUT_KEYWORDS, "opt-out"],
    [OPT_IN_KEYWORDS, "opt-in"],
    [HELP_KEYWORDS, "help-keyword"],
  ];
  // The lists are Twilio's default keywords (Advanced Opt-Out), no more and no fewer.
  assert.deepEqual([...OPT_OUT_KEYWORDS], ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]);
  assert.deepEqual([...OPT_IN_KEYWORDS], ["START", "YES", "UNSTOP"]);
  assert.deepEqual([...HELP_KEYWORDS], ["HELP", "INFO"]);
  for (const [keywords, type] of families) {
    for (const keyword of keywords) {
      for (const body of spellings(keyword)) {
        assert.deepEqual(parseCommand(body), { type, keyword }, show(body));
      }
    }
  }
});

test("a keyword with anything else in the message is not a keyword", () => {
  const keywordTypes = new Set(["opt-out", "opt-in", "help-keyword"]);
  const cases = ["stop please", "STOP PLEASE", "Please stop", "stop stop", "yes please", "start again", "end of the day", "quit it", "cancel my order"];
  for (const body of cases) {
    const command = parseCommand(body);
    assert.ok(!keywordTypes.has(command.type), `${show(body)} → ${JSON.stringify(command)}`);
  }
});

test("parseCommand reads what a text asks for", () => {
  const cases: [string, Command][] = [
    // WEATHER and its synonyms, with the place cleaned up.
    ["WEATHER Sydney", { type: "weather", place: "Sydney" }],
    ["weather sydney", { type: "weather", place: "sydney" }],
    ["Forecast Sydney", { type: "weather", place: "Sydney" }],
    ["FORECAST sao paulo", { type: "weather", place: "sao paulo" }],
    ["weather for Sydney", { type: "weather", place: "Sydney" }],
    ["weather in Paris, FR", { type: "weather", place: "Paris, FR" }],
    ["Weather:  sydney", { type: "weather", place: "sydney" }],
    ["weather, Sydney!", { type: "weather", place: "Sydney" }],
    ["  weather   New   York  ", { type: "weather", place: "New York" }],
    ["weather", { type: "weather", place: "" }],
    ["WEATHER ", { type: "weather", place: "" }],
    ["w sydney", { type: "weather", place: "sydney" }],
    ["W Sydney", { type: "weather", place: "Sydney" }],
    ["weather ☀️ Sydney", { type: "weather", place: "Sydney" }],
    ["weather Sydney 🌧️", { type: "weather", place: "Sydney" }],
    ["weather Zürich", { type: "weather", place: "Zürich" }],
    // SUBSCRIBE and its synonyms: a place and, at the end, an optional time as typed.
    ["SUBSCRIBE Sydney 7:30", { type: "subscribe", place: "Sydney", timeText: "7:30" }],
    ["subscribe sydney at 6pm", { type: "subscribe", place: "sydney", timeText: "6pm" }],
    ["subscribe New York 07:00", { type: "subscribe", place: "New York", timeText: "07:00" }],
    ["daily London 7am", { type: "subscribe", place: "London", timeText: "7am" }],
    ["Daily london @ 7.30pm", { type: "subscribe", place: "london", timeText: "7.30pm" }],
    ["subscribe sydney 7 pm", { type: "subscribe", place: "sydney", timeText: "7pm" }],
    ["subscribe sydney 7", { type: "subscribe", place: "sydney", timeText: "7" }],
    ["subscribe sydney noon", { type: "subscribe", place: "sydney", timeText: "noon" }],
    ["subscribe to sydney at 7:30am", { type: "subscribe", place: "sydney", timeText: "7:30am" }],
    ["subscribe Ho Chi Minh City 6:45", { type: "subscribe", place: "Ho Chi Minh City", timeText: "6:45" }],
    ["sub sydney", { type: "subscribe", place: "sydney" }],
    ["SUBSCRIBE Sydney", { type: "subscribe", place: "Sydney" }],
    ["subscribe", { type: "subscribe", place: "" }],
    // Not a time of day, but it reads as one: the service rejects it with the bad-time reply.
    ["subscribe sydney 25:00", { type: "subscribe", place: "sydney", timeText: "25:00" }],
    // Ending the daily forecast only.
    ["STOP DAILY", { type: "unsubscribe" }],
    ["stop daily", { type: "unsubscribe" }],
    ["cancel forecasts", { type: "unsubscribe" }],
    ["unsubscribe forecast", { type: "unsubscribe" }],
    ["UNSUBSCRIBE Sydney", { type: "unsubscribe" }],
    ["unsub", { type: "unsubscribe" }],
    ["Unsub.", { type: "unsubscribe" }],
    // The bare word is Twilio's keyword: it ends every text, not just the forecast.
    ["UNSUBSCRIBE", { type: "opt-out", keyword: "UNSUBSCRIBE" }],
    // Our own help words (Twilio's HELP and INFO are keywords only on their own).
    ["COMMANDS", { type: "help" }],
    ["commands", { type: "help" }],
    ["MENU", { type: "help" }],
    ["menu.", { type: "help" }],
    ["?", { type: "help" }],
    ["help me", { type: "help" }],
    ["Help me!", { type: "help" }],
    ["info please", { type: "help" }],
    // A single digit picks from a list the service offered.
    ...Array.from({ length: 9 }, (_, i): [string, Command] => [String(i + 1), { type: "choice", index: i + 1 }]),
    [" 3 ", { type: "choice", index: 3 }],
    // A keycap emoji is its digit once the emoji glue is dropped.
    ["1️⃣", { type: "choice", index: 1 }],
    // A bare place name.
    ["Sydney", { type: "place", place: "Sydney" }],
    ["sao paulo", { type: "place", place: "sao paulo" }],
    ["São Paulo", { type: "place", place: "São Paulo" }],
    ["London, CA", { type: "place", place: "London, CA" }],
    ["2000", { type: "place", place: "2000" }],
    ["Zürich", { type: "place", place: "Zürich" }],
    ["Łódź", { type: "place", place: "Łódź" }],
    ["Sydney.", { type: "place", place: "Sydney" }],
    // Conversation: for a person to read.
    ["hi", { type: "other" }],
    ["Hello!", { type: "other" }],
    ["thanks", { type: "other" }],
    ["Thank you.", { type: "other" }],
    ["ok", { type: "other" }],
    ["My power has been out since 9am, please call me back", { type: "other" }],
    ["0", { type: "other" }],
    ["10", { type: "other" }],
    ["w", { type: "other" }],
    ["x".repeat(1600), { type: "other" }],
    ["a".repeat(61), { type: "other" }],
    // Nothing at all.
    ["", { type: "empty" }],
    [" ", { type: "empty" }],
    ["   \t \r\n  ", { type: "empty" }],
    ["\u00a0\u2003", { type: "empty" }],
  ];
  for (const [body, expected] of cases) assert.deepEqual(parseCommand(body), expected, show(body));
});

test("a WEATHER with a place far too long is still WEATHER (the service rejects the place)", () => {
  const place = "abcdefghijklmnopqrstuvwxyz".repeat(62).slice(0, 1590);
  assert.equal(place.length, 1590);
  assert.deepEqual(parseCommand(`WEATHER ${place}`), { type: "weather", place });
});

test("a message of emoji only is neither a forecast request nor a place", () => {
  const cases = ["😀", "👍", "👍🏽", "☀️🌧️", "❤️", "🇦🇺", "👨‍👩‍👧", " 🙏 🙏 ", "#️⃣"];
  for (const body of cases) {
    const command = parseCommand(body);
    assert.ok(command.type === "empty" || command.type === "other", `${show(body)} → ${JSON.stringify(command)}`);
  }
});

test("normalise folds compatibility forms, drops emoji and collapses whitespace", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["  Sydney  ", "Sydney"],
    ["New\t\tYork\r\n", "New York"],
    ["a\u00a0 b", "a b"],
    ["ＳＹＤＮＥＹ", "SYDNEY"],
    ["weather ☀️ Sydney", "weather Sydney"],
    ["👍🏽ok👍", "ok"],
    ["Zürich", "Zürich"],
    ["Zu\u0308rich", "Zürich"],
    ["São Paulo", "São Paulo"],
  ];
  for (const [body, expected] of cases) assert.equal(normalise(body), expected, show(body));
});
