import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { OpenMeteo, type Place } from "../../src/weather/open-meteo.js";
import { describePlace, resolvePlace, type Resolution } from "../../src/weather/places.js";
import { startOpenMeteoFixture } from "@callcentre/testkit";

async function recordedWeather(t: TestContext) {
  const fixture = await startOpenMeteoFixture(t);
  return { fixture, weather: new OpenMeteo({ geocodingUrl: fixture.geocodingUrl, forecastUrl: fixture.forecastUrl }) };
}

/** A resolution in brief: "found 2147714", "ambiguous 4409896,4951788,4250542", "not-found X", "invalid reason". */
function brief(resolution: Resolution): string {
  switch (resolution.kind) {
    case "found":
      return `found ${resolution.place.id}`;
    case "ambiguous":
      return `ambiguous ${resolution.options.map((place) => place.id).join(",")}`;
    case "not-found":
      return `not-found ${resolution.query}`;
    case "invalid":
      return `invalid ${resolution.reason}`;
  }
}

test("texted place names resolve against the recorded geocoding answers", async (t) => {
  const { fixture, weather } = await recordedWeather(t);
  const cases: [string, string, string][] = [
    ["Sydney", "found 2147714", "4.6M against 32k elsewhere"],
    ["  sydney ", "found 2147714", "trimmed, any case"],
    ["Sydney, NS", "found 6354908", "a region abbreviation; the rest is in Nova Scotia too"],
    ["Sydney, Canada", "found 6354908", "a country name"],
    ["Sydney, Florida", "found 4174512", "a region name"],
    ["Springfield", "ambiguous 4409896,4951788,4250542", "comparable populations"],
    ["Springfield, Illinois", "found 4250542", "a region name"],
    ["springfield,illinois", "found 4250542", "no space after the comma"],
    ["Springfield, IL", "found 4250542", "IL is Israel's code, but no Springfield there"],
    ["Springfield, Illinois, US", "found 4250542", "two qualifiers"],
    ["Springfield, OR", "found 5754005", "Oregon"],
    ["Springfield, US", "ambiguous 4409896,4951788,4250542", "a country with several"],
    ["Springfield, Australia", "found 8348654", "the only one there"],
    ["Springfield, Queensland, US", "not-found Springfield, Queensland, US", "qualifiers that contradict"],
    ["London", "found 2643743", "8.9M against 347k"],
    ["London, CA", "found 6058560", "the country code wins over California"],
    ["London, Ontario", "found 6058560", "a region name"],
    ["London, UK", "found 2643743", "a country alias"],
    ["London, England", "found 2643743", "England is GB's admin1"],
    ["London, KY", "found 4298960", "Kentucky"],
    ["London, united  states", "ambiguous 5088905,4517009,4298960", "Londonderry, NH is a prefix match; none is 5x the others"],
    ["Zurich", "found 2657896", "diacritics ignored"],
    ["Zürich", "found 2657896", ""],
    ["Zurich, Switzerland", "found 2657896", ""],
    ["zurich, zurich", "found 2657896", "the canton"],
    ["Sao Paulo", "found 3448439", ""],
    ["São Paulo, Brazil", "found 3448439", ""],
    ["Atlantis", "not-found Atlantis", "no results at all"],
    ["Sydney, Narnia", "not-found Sydney, Narnia", "nothing matches the qualifier"],
    ["Paris,", "not-found Paris,", "an empty qualifier is ignored; no recording for Paris"],
  ];
  for (const [query, expected, why] of cases) assert.equal(brief(await resolvePlace(weather, query)), expected, `${query}: ${why}`);
  assert.ok(fixture.requests.every((r) => r.params.count === "10" && !r.params.name?.includes(",")));
});

test("queries that cannot be place names are refused without asking Open-Meteo", async (t) => {
  const { fixture, weather } = await recordedWeather(t);
  const cases: [string, string][] = [
    ["", "invalid No place name was given."],
    ["   \n ", "invalid No place name was given."],
    ["x", "invalid The place name is too short (at least 2 characters)."],
    ["x, France", "invalid The place name is too short (at least 2 characters)."],
    [", France", "invalid No place name was given before the comma."],
    ["a".repeat(61), "invalid The place name is too long (at most 60 characters)."],
    ["a".repeat(200), "invalid The place name is too long (at most 60 characters)."],
    ["?!", "invalid The place name has no letters or digits."],
    ["😀😀", "invalid The place name has no letters or digits."],
  ];
  for (const [query, expected] of cases) assert.equal(brief(await resolvePlace(weather, query)), expected, JSON.stringify(query));
  assert.equal(fixture.requests.length, 0);
  assert.equal(brief(await resolvePlace(weather, "a".repeat(60))), `not-found ${"a".repeat(60)}`, "60 is allowed");
});

const at = (id: number, countryCode: string, admin1: string | undefined, population?: number): Place => ({
  id, name: "Town", latitude: 0, longitude: 0, timezone: "UTC", countryCode, admin1, population,
});

test("the first result is taken only when no other could reasonably be meant", async () => {
  const cases: [string, Place[], string][] = [
    ["the only one", [at(1, "US", "Ohio")], "found 1"],
    ["the only one, without population", [at(1, "US", "Ohio")], "found 1"],
    ["5 times the next elsewhere", [at(1, "US", "Ohio", 500), at(2, "US", "Iowa", 100)], "found 1"],
    ["just under 5 times", [at(1, "US", "Ohio", 499), at(2, "US", "Iowa", 100)], "ambiguous 1,2"],
    ["the largest elsewhere counts, not the next", [at(1, "US", "Ohio", 1000), at(2, "US", "Iowa", 10), at(3, "CA", "Ontario", 300)], "ambiguous 1,2,3"],
    ["the same region does not compete", [at(1, "US", "Ohio", 100), at(2, "US", "Ohio", 90), at(3, "US", "Iowa", 20)], "found 1"],
    ["all in one region", [at(1, "US", "Ohio"), at(2, "US", "Ohio", 5000)], "found 1"],
    ["others without population", [at(1, "US", "Ohio", 50), at(2, "US", "Iowa"), at(3, "GB", "England")], "found 1"],
    ["the first without population", [at(1, "US", "Ohio"), at(2, "US", "Iowa", 50)], "ambiguous 1,2"],
    ["none with population", [at(1, "US", "Ohio"), at(2, "US", "Iowa")], "ambiguous 1,2"],
    ["same country, no region", [at(1, "NZ", undefined, 100), at(2, "NZ", "Otago", 100)], "ambiguous 1,2"],
    ["top 3, each listed once",
      [at(1, "US", "Ohio", 100), at(2, "US", "Ohio", 90), at(3, "US", "Iowa", 80), at(4, "US", "Iowa", 70), at(5, "US", "Utah", 60), at(6, "US", "Maine", 50)],
      "ambiguous 1,3,5"],
  ];
  for (const [why, places, expected] of cases) {
    const weather = { searchPlaces: async () => places };
    assert.equal(brief(await resolvePlace(weather, "Town")), expected, why);
  }
});

test("describePlace names the region and country, in GSM-7", () => {
  const place = (name: string, extra: Partial<Place>): Place => ({ id: 1, name, latitude: 0, longitude: 0, timezone: "UTC", ...extra });
  const cases: [Place, { name?: number; region?: number } | undefined, string][] = [
    [place("Springfield", { admin1: "Illinois", countryCode: "US", country: "United States" }), undefined, "Springfield, Illinois, US"],
    [place("Zürich", { admin1: "Zurich", countryCode: "CH" }), undefined, "Zürich, CH"],
    [place("São Paulo", { admin1: "São Paulo", countryCode: "BR" }), undefined, "Sao Paulo, BR"],
    [place("Kraków", { admin1: "Lesser Poland", countryCode: "PL" }), undefined, "Krakow, Lesser Poland, PL"],
    [place("Atoll", { country: "Kiribati" }), undefined, "Atoll, Kiribati"],
    [place("Nowhere", {}), undefined, "Nowhere"],
    [place("Saint-Jean-sur-Richelieu", { admin1: "Newfoundland and Labrador", countryCode: "CA" }), { name: 12, region: 14 },
      "Saint-Jean, Newfoundland, CA"],
    [place("Llanfairpwllgwyngyll", { admin1: "Wales", countryCode: "GB" }), { name: 8 }, "Llanfair, Wales, GB"],
  ];
  for (const [where, limits, expected] of cases) assert.equal(describePlace(where, limits), expected);
});
