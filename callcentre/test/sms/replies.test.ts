import { test } from "node:test";
import assert from "node:assert/strict";
import { replies } from "../../src/sms/replies.js";
import { EARLIEST_SEND, LATEST_SEND } from "../../src/sms/schedule.js";
import { isGsm7, segmentInfo } from "../../src/weather/gsm7.js";

/** Texts echoed back in replies, at their worst: long, outside GSM-7, or costing two septets a character. */
const WORST_TEXTS: [string, string][] = [
  ["plain", "Sydney"],
  ["empty", ""],
  ["Polish", "Łódź"],
  ["Portuguese", "São Paulo"],
  ["Vietnamese", "Thành phố Hồ Chí Minh"],
  ["Icelandic", "Þingvellir Kirkjubæjarklaustur"],
  ["CJK", "東京都"],
  ["emoji only", "☀️🌧️👍🏽"],
  ["emoji inside", "Sydney 🇦🇺 ☀️"],
  ["curly quotes", "“Sydney” it’s ‘here’"],
  ["dashes and ellipsis", "Stratford–upon—Avon…"],
  ["line breaks and tabs", "New\nYork\t\tCity\r\n"],
  ["the longest real name", "Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu"],
  ["long, spaced", "Llanfairpwllgwyngyll gogerychwyrndrobwll llantysiliogogogoch ".repeat(8)],
  ["1,600 characters", "x".repeat(1600)],
  ["long, outside GSM-7", "Łódź ".repeat(100)],
  ["long, expanding when made GSM-7", "…œ".repeat(200)],
  ["GSM-7 extension characters", "€[Sydney]{^~|\\}".repeat(20)],
  ["euro signs", "€".repeat(200)],
];

const TIMES = [EARLIEST_SEND, "07:00", "12:30", LATEST_SEND];

function assertOneSegment(text: string, why: string) {
  assert.ok(isGsm7(text), `${why}: not GSM-7: ${JSON.stringify(text)}`);
  assert.ok(text.length <= 160, `${why}: ${text.length} characters: ${JSON.stringify(text)}`);
  const info = segmentInfo(text);
  assert.ok(info.units <= 160 && info.segments === 1, `${why}: ${info.units} septets, ${info.segments} segments: ${JSON.stringify(text)}`);
}

/** Every reply, called with each worst-case text in each argument it takes. */
function everyReply(): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, reply] of Object.entries(replies)) {
    switch (reply.length) {
      case 0:
        out.push([key, (reply as () => string)()]);
        break;
      case 1:
        for (const [why, text] of WORST_TEXTS) out.push([`${key}(${why})`, (reply as (a: string) => string)(text)]);
        break;
      case 2:
        // subscribed(place, time): the time is always one the service parsed ("HH:MM").
        for (const [why, text] of WORST_TEXTS) {
          for (const time of TIMES) out.push([`${key}(${why}, ${time})`, (reply as (a: string, b: string) => string)(text, time)]);
        }
        break;
      default:
        assert.fail(`${key} takes ${reply.length} arguments: add it to this test`);
    }
  }
  return out;
}

test("every reply is GSM-7 and one segment, whatever it echoes back", () => {
  const all = everyReply();
  assert.ok(all.length > Object.keys(replies).length, "the replies were called");
  for (const [why, text] of all) assertOneSegment(text, why);
});

test("replies that echo a name keep it readable in GSM-7", () => {
  const cases: [string, string, string][] = [
    ["unsubscribed, Łódź", replies.unsubscribed("Łódź"), "Your daily Lodz forecast has stopped."],
    ["unsubscribed, São Paulo", replies.unsubscribed("São Paulo"), "Your daily Sao Paulo forecast has stopped."],
    ["unsubscribed, Zürich keeps its ü", replies.unsubscribed("Zürich"), "Your daily Zürich forecast has stopped."],
    ["subscribed, curly quotes", replies.subscribed("it’s “here”", "07:00"), `Subscribed: the it's "here" forecast every day at 07:00`],
    ["subscribed, emoji dropped", replies.subscribed("Sydney ☀️", "07:00"), "Subscribed: the Sydney forecast every day at 07:00 Sydney time."],
    ["badTime, as typed", replies.badTime("25:00"), `Sorry, "25:00" is not a time we can use. Pick one from ${EARLIEST_SEND} to ${LATEST_SEND}`],
  ];
  for (const [why, text, start] of cases) assert.ok(text.startsWith(start), `${why}: ${JSON.stringify(text)}`);
});

test("the help text names the commands", () => {
  const cases: [string, string][] = [
    ["help", replies.help()],
    ["empty", replies.empty()],
    ["mediaOnly", replies.mediaOnly()],
  ];
  for (const word of ["WEATHER", "SUBSCRIBE", "STOP"]) assert.match(replies.help(), new RegExp(`\\b${word}\\b`), `help: ${word}`);
  // The texts that point to the help say how to get it.
  for (const [why, text] of cases.slice(1)) assert.match(text, /\bCOMMANDS\b/, why);
  for (const [why, text] of cases) assert.match(text, /\bWEATHER\b/, why);
});

test("a reason for an invalid place is kept, with an example after it", () => {
  const reasons = [
    "No place name was given.",
    "The place name is too long (at most 60 characters).",
    "No place name was given before the comma.",
    "The place name is too short (at least 2 characters).",
    "The place name has no letters or digits.",
  ];
  for (const reason of reasons) {
    const text = replies.invalidPlace(reason);
    assert.ok(text.startsWith(`${reason} `), text);
    assert.match(text, /WEATHER Sydney/, text);
    assertOneSegment(text, reason);
  }
});
