import { test } from "node:test";
import assert from "node:assert/strict";
import { isGsm7, segmentInfo } from "../../src/weather/gsm7.js";
import { ambiguousMessage, forecastMessage, notFoundMessage, unavailableMessage } from "../../src/weather/format.js";
import type { DayForecast, Forecast, Place } from "../../src/weather/open-meteo.js";
import { WMO_CODES } from "../../src/weather/wmo.js";

const FOOTER = " Reply HELP for help, STOP to end.";

const place = (name: string, extra: Partial<Place> = {}): Place => ({
  id: 1, name, latitude: 0, longitude: 0, timezone: "UTC", ...extra,
});
const day = (date: string, weatherCode: number, tempMin: number, tempMax: number, rainChance: number | null, windMax: number | null): DayForecast =>
  ({ date, weatherCode, tempMin, tempMax, rainChance, windMax });
const forecastOf = (...days: DayForecast[]): Forecast => ({ timezone: "UTC", days });

/** One GSM-7 segment: what every text of the service must be. */
function assertOneSegment(text: string, why: string) {
  const info = segmentInfo(text);
  assert.ok(isGsm7(text), `${why}: not GSM-7: ${text}`);
  assert.ok(info.units <= 160 && text.length <= 160, `${why}: ${info.units} units: ${text}`);
}

test("a forecast reads as the reference's template", () => {
  const sydney = forecastOf(day("2025-06-14", 81, 15.8, 20.6, 80, 24.8), day("2025-06-15", 2, 11.6, 18.9, 23, 17.3));
  const cases: [string, Place, Forecast, { footer?: boolean } | undefined, string][] = [
    ["both days, with the footer", place("Sydney"), sydney, undefined,
      "Sydney today: Showers, 16 to 21C, rain 80%, wind 25km/h. Tmrw: Partly cloudy, 12 to 19C. Reply HELP for help, STOP to end."],
    ["without the footer", place("Sydney"), sydney, { footer: false },
      "Sydney today: Showers, 16 to 21C, rain 80%, wind 25km/h. Tmrw: Partly cloudy, 12 to 19C."],
    ["below zero, and no -0", place("Oslo"), forecastOf(day("d", 73, -5.4, -0.4, 40, 12)), { footer: false },
      "Oslo today: Snow, -5 to 0C, rain 40%, wind 12km/h."],
    ["no rain probability", place("Perth"), forecastOf(day("d", 0, 9, 22, null, 14)), { footer: false },
      "Perth today: Clear, 9 to 22C, wind 14km/h."],
    ["no wind", place("Perth"), forecastOf(day("d", 0, 9, 22, 0, null)), { footer: false },
      "Perth today: Clear, 9 to 22C, rain 0%."],
    ["neither", place("Perth"), forecastOf(day("d", 0, 9, 22, null, null), day("e", 3, 10, 20, null, null)), { footer: false },
      "Perth today: Clear, 9 to 22C. Tmrw: Overcast, 10 to 20C."],
    ["an unknown code", place("Perth"), forecastOf(day("d", 42, 9, 22, 5, 5)), { footer: false },
      "Perth today: Mixed weather, 9 to 22C, rain 5%, wind 5km/h."],
    ["the name in GSM-7", place("São Paulo"), forecastOf(day("d", 1, 17, 26, 10, 9)), { footer: false },
      "Sao Paulo today: Mainly clear, 17 to 26C, rain 10%, wind 9km/h."],
    ["GSM-7 letters kept", place("Zürich"), forecastOf(day("d", 96, 15.6, 27.9, 90, 31.4)), { footer: false },
      "Zürich today: T-storm, hail, 16 to 28C, rain 90%, wind 31km/h."],
    ["a long name cut to 20", place("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"), forecastOf(day("d", 61, 8, 13, 70, 30)), { footer: false },
      "Llanfairpwllgwyngyll today: Light rain, 8 to 13C, rain 70%, wind 30km/h."],
    ["a name with nothing in GSM-7", place("東京"), forecastOf(day("d", 2, 20, 27, 10, 15)), { footer: false },
      "Today: Partly cloudy, 20 to 27C, rain 10%, wind 15km/h."],
    ["no days at all", place("Nowhere"), forecastOf(), undefined, unavailableMessage()],
  ];
  for (const [why, where, forecast, opts, expected] of cases) {
    const text = forecastMessage(where, forecast, opts);
    assert.equal(text, expected, why);
    assertOneSegment(text, why);
  }
});

test("the worst case of the reference fits one segment with its footer", () => {
  const text = forecastMessage(
    place("Twenty characters ok"),
    forecastOf(day("d", 99, -40, -30, 100, 150), day("e", 99, -40, -30, 100, 150)),
  );
  assert.equal(
    text,
    "Twenty characters ok today: T-storm, heavy hail, -40 to -30C, rain 100%, wind 150km/h. Tmrw: T-storm, heavy hail, -40 to -30C. Reply HELP for help, STOP to end.",
  );
  assert.equal(text.length, 160);
  assertOneSegment(text, "worst case");
});

test("any pair of codes and extreme values gives one GSM-7 segment, with the footer whenever it fits", () => {
  const codes = [...WMO_CODES, 7, 1234];
  const temperatures: [number, number][] = [[-40, -30], [-12.5, -3.4], [-89.2, 56.7], [-1000, 1000]];
  const extras: [rain: number | null, wind: number | null][] = [[100, 150], [null, null], [0, 999.9], [1e6, 1e9]];
  const names = ["Twenty characters ok", "€€€€€€€€€€€€€€€€€€€€{}[]😀°“”"];
  let count = 0;
  for (const name of names) {
    for (const today of codes) {
      for (const tomorrow of codes) {
        for (const [min, max] of temperatures) {
          for (const [rain, wind] of extras) {
            const forecast = forecastOf(day("d", today, min, max, rain, wind), day("e", tomorrow, min, max, rain, wind));
            const text = forecastMessage(place(name), forecast);
            assertOneSegment(text, `${name} ${today}/${tomorrow} ${min}..${max} ${rain} ${wind}`);
            const withoutFooter = forecastMessage(place(name), forecast, { footer: false });
            if (segmentInfo(withoutFooter + FOOTER).units <= 160) assert.equal(text, withoutFooter + FOOTER);
            count++;
          }
        }
      }
    }
  }
  assert.equal(count, 2 * 30 * 30 * 4 * 4);
});

const springfields: Place[] = [
  place("Springfield", { admin1: "Missouri", countryCode: "US", country: "United States" }),
  place("Springfield", { admin1: "Massachusetts", countryCode: "US", country: "United States" }),
  place("Springfield", { admin1: "Illinois", countryCode: "US", country: "United States" }),
  place("Springfield", { admin1: "Oregon", countryCode: "US", country: "United States" }),
];

test("a choice between places lists up to 3, numbered", () => {
  const cases: [string, string, Place[], string][] = [
    ["three of four", "Springfield", springfields,
      "Which Springfield? Reply 1, 2 or 3: 1) Springfield, Missouri, US 2) Springfield, Massachusetts, US 3) Springfield, Illinois, US"],
    ["two", "springfield", springfields.slice(2),
      "Which springfield? Reply 1 or 2: 1) Springfield, Illinois, US 2) Springfield, Oregon, US"],
    ["the name before a comma", "Springfield, US", springfields.slice(0, 2),
      "Which Springfield? Reply 1 or 2: 1) Springfield, Missouri, US 2) Springfield, Massachusetts, US"],
    ["in GSM-7", "São Paulo", [place("São Paulo", { admin1: "São Paulo", countryCode: "BR" }), place("São Paulo de Olivença", { admin1: "Amazonas", countryCode: "BR" })],
      "Which Sao Paulo? Reply 1 or 2: 1) Sao Paulo, BR 2) Sao Paulo de Olivenca, Amazonas, BR"],
    ["none: not found", "Atlantis", [], notFoundMessage("Atlantis")],
  ];
  for (const [why, query, options, expected] of cases) {
    const text = ambiguousMessage(query, options);
    assert.equal(text, expected, why);
    assertOneSegment(text, why);
  }
});

test("long descriptions are shortened to fit one segment, regions kept apart", () => {
  const options = [
    place("Saint-Jean-sur-Richelieu", { admin1: "Newfoundland and Labrador", countryCode: "CA" }),
    place("Saint-Jean-sur-Richelieu", { admin1: "Prince Edward Island", countryCode: "CA" }),
    place("Saint-Jean-sur-Richelieu", { admin1: "Northwest Territories", countryCode: "CA" }),
  ];
  const text = ambiguousMessage("Saint-Jean-sur-Richelieu", options);
  assertOneSegment(text, text);
  assert.equal(
    text,
    "Which Saint-Jean-sur-Riche? Reply 1, 2 or 3: 1) Saint-Jean, Newfoundland, CA 2) Saint-Jean, Prince Edward, CA 3) Saint-Jean, Northwest, CA",
  );
  const absurd = [1, 2, 3].map((n) => place(`${"€".repeat(60)} ${n}`, { admin1: "{}".repeat(40), country: "Ω".repeat(99) }));
  assertOneSegment(ambiguousMessage("€{}".repeat(30), absurd), "absurd");
});

test("not found and unavailable messages", () => {
  const cases: [string, string][] = [
    [notFoundMessage("Atlantis"), "Sorry, no place called Atlantis was found. Try a nearby town or add the country, e.g. Paris, FR"],
    [notFoundMessage("Zürich 😀"), "Sorry, no place called Zürich was found. Try a nearby town or add the country, e.g. Paris, FR"],
    [notFoundMessage(""), "Sorry, that place was not found. Try a nearby town or add the country, e.g. Paris, FR"],
    [notFoundMessage("x".repeat(200)), `Sorry, no place called ${"x".repeat(40)} was found. Try a nearby town or add the country, e.g. Paris, FR`],
    [unavailableMessage(), "Sorry, the forecast is unavailable right now. Please try again later."],
  ];
  for (const [text, expected] of cases) {
    assert.equal(text, expected);
    assertOneSegment(text, text);
  }
  assertOneSegment(notFoundMessage("€".repeat(200)), "extension characters");
});
