import { test } from "node:test";
import assert from "node:assert/strict";
import { isGsm7, segmentInfo, toGsm7, truncate } from "../../src/weather/gsm7.js";

test("isGsm7 accepts the basic set and the extension table, and nothing else", () => {
  const cases: [string, boolean][] = [
    ["", true],
    ["Hello, world! 123 @£$¥ _ §¿¡ ¤", true],
    ["èéùìòÇØøÅåÆæßÉÄÖÑÜäöñüà ΔΦΓΛΩΠΨΣΘΞ", true],
    ["^{}\\[~]|€", true],
    ["line\nbreak\r", true],
    ["21°", false],
    ["“quoted”", false],
    ["it’s", false],
    ["a – b", false],
    ["São", false],
    ["ç", false],
    ["😀", false],
    ["tab\there", false],
  ];
  for (const [text, expected] of cases) assert.equal(isGsm7(text), expected, JSON.stringify(text));
});

test("segmentInfo counts septets (extension characters twice) or UTF-16 units, and segments", () => {
  const a = (n: number) => "a".repeat(n);
  const cases: [string, string, ReturnType<typeof segmentInfo>][] = [
    ["empty", "", { encoding: "GSM-7", units: 0, segments: 1 }],
    ["160 plain", a(160), { encoding: "GSM-7", units: 160, segments: 1 }],
    ["161 plain", a(161), { encoding: "GSM-7", units: 161, segments: 2 }],
    ["306 plain", a(306), { encoding: "GSM-7", units: 306, segments: 2 }],
    ["307 plain", a(307), { encoding: "GSM-7", units: 307, segments: 3 }],
    ["80 euro signs", "€".repeat(80), { encoding: "GSM-7", units: 160, segments: 1 }],
    ["81 euro signs", "€".repeat(81), { encoding: "GSM-7", units: 162, segments: 2 }],
    ["braces", "{x}", { encoding: "GSM-7", units: 5, segments: 1 }],
    ["an escape pair is not split", a(152) + "€" + a(152), { encoding: "GSM-7", units: 306, segments: 3 }],
    ["a degree sign", "21°", { encoding: "UCS-2", units: 3, segments: 1 }],
    ["an emoji is 2 units", "😀", { encoding: "UCS-2", units: 2, segments: 1 }],
    ["70 UCS-2", "°" + a(69), { encoding: "UCS-2", units: 70, segments: 1 }],
    ["71 UCS-2", "°" + a(70), { encoding: "UCS-2", units: 71, segments: 2 }],
    ["134 UCS-2", "°" + a(133), { encoding: "UCS-2", units: 134, segments: 2 }],
    ["a surrogate pair is not split", "°" + a(65) + "😀" + a(66), { encoding: "UCS-2", units: 134, segments: 3 }],
    ["extension characters count once in UCS-2", "€°", { encoding: "UCS-2", units: 2, segments: 1 }],
  ];
  for (const [why, text, expected] of cases) assert.deepEqual(segmentInfo(text), expected, why);
});

test("toGsm7 keeps GSM-7 letters, strips other diacritics and maps typography", () => {
  const cases: [string, string][] = [
    ["São Paulo", "Sao Paulo"],
    ["Zürich", "Zürich"],
    ["Zu\u0308rich", "Zürich"], // decomposed input
    ["Málaga, Kraków, Łódź, Besançon", "Malaga, Krakow, Lodz, Besancon"],
    ["Ærøskøbing, Straße, Ça, Åland, Ñuñoa, Mölln", "Ærøskøbing, Straße, Ça, Åland, Ñuñoa, Mölln"],
    ["Œuvre, Þingvellir, Reykjavík", "OEuvre, Thingvellir, Reykjavik"],
    ["“double” ‘single’ it’s «guillemets» `tick`", "\"double\" 'single' it's \"guillemets\" 'tick'"],
    ["21°C – 25°C — warm…", "21C - 25C - warm..."],
    ["Sunny ☀️ today 😀👍🏽", "Sunny today"],
    ["family 👨‍👩‍👧 trip", "family trip"],
    ["  lots \t of\n\n space\u00a0here ", "lots of space here"],
    ["ﬁne ２１", "fine 21"],
    ["東京 Tokyo", "Tokyo"],
    ["€5 {x} [y] ~z^ | \\", "€5 {x} [y] ~z^ | \\"],
    ["zero\u200bwidth", "zerowidth"],
    ["", ""],
  ];
  for (const [input, expected] of cases) assert.equal(toGsm7(input), expected, JSON.stringify(input));
});

test("toGsm7 gives GSM-7 for every character of the Basic Multilingual Plane", () => {
  for (let code = 0; code <= 0xffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue; // lone surrogates
    const char = String.fromCharCode(code);
    const out = toGsm7(`a${char}b`);
    assert.ok(isGsm7(out), `U+${code.toString(16).padStart(4, "0")} gave ${JSON.stringify(out)}`);
  }
});

test("truncate cuts at whole characters and drops trailing spaces", () => {
  const cases: [string, number, string][] = [
    ["Sydney", 10, "Sydney"],
    ["Sydney", 6, "Sydney"],
    ["Sydney", 3, "Syd"],
    ["Port Moresby", 5, "Port"],
    ["ab😀cd", 3, "ab😀"],
    ["abc", 0, ""],
  ];
  for (const [text, max, expected] of cases) assert.equal(truncate(text, max), expected, `${text}/${max}`);
});
