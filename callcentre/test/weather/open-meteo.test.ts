import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { OpenMeteo, WeatherUnavailableError, type OpenMeteoOptions, type Place, type PlaceCache } from "../../src/weather/open-meteo.js";
import { startOpenMeteoFixture, type OpenMeteoFixture } from "@callcentre/testkit";

const DAILY = "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max,wind_speed_10m_max";
const SYDNEY = { latitude: -33.86785, longitude: 151.20732, timezone: "Australia/Sydney" };
const ZURICH = { latitude: 47.36667, longitude: 8.55, timezone: "Europe/Zurich" };

async function setup(t: TestContext, options: Partial<OpenMeteoOptions> = {}) {
  const fixture = await startOpenMeteoFixture(t);
  const client = new OpenMeteo({ geocodingUrl: fixture.geocodingUrl, forecastUrl: fixture.forecastUrl, ...options });
  return { fixture, client };
}

const requestsTo = (fixture: OpenMeteoFixture, api: "geocoding" | "forecast") =>
  fixture.requests.filter((request) => request.api === api);

class MapCache implements PlaceCache {
  readonly entries = new Map<string, Place[]>();
  async get(key: string) {
    return this.entries.get(key);
  }
  async set(key: string, places: Place[]) {
    this.entries.set(key, places);
  }
}

test("searchPlaces asks for 10 English results and maps Open-Meteo's fields", async (t) => {
  const { fixture, client } = await setup(t);
  const places = await client.searchPlaces("Sydney");
  assert.equal(places.length, 7);
  assert.deepEqual(places[0], {
    id: 2147714,
    name: "Sydney",
    latitude: -33.86785,
    longitude: 151.20732,
    timezone: "Australia/Sydney",
    country: "Australia",
    countryCode: "AU",
    admin1: "New South Wales",
    population: 4627345,
    featureCode: "PPLA",
  });
  assert.deepEqual(places[3], {
    id: 6354909,
    name: "Sydney River",
    latitude: 46.10017,
    longitude: -60.2237,
    timezone: "America/Glace_Bay",
    country: "Canada",
    countryCode: "CA",
    admin1: "Nova Scotia",
    featureCode: "PPL",
  });
  assert.deepEqual(fixture.requests.map((r) => r.params), [{ name: "Sydney", count: "10", language: "en", format: "json" }]);
  assert.match(fixture.requests[0]?.userAgent ?? "", /^callcentre-weather-sms\//);
});

test("searchPlaces passes a country filter and a count, and tidies the name", async (t) => {
  const { fixture, client } = await setup(t);
  const places = await client.searchPlaces("  Sydney \t ", { countryCode: "ca", count: 2 });
  assert.deepEqual(places.map((p) => p.id), [6354908, 6159244]);
  assert.deepEqual(fixture.requests[0]?.params, { name: "Sydney", count: "2", language: "en", format: "json", countryCode: "CA" });
});

test("a search without matches is an empty list: Open-Meteo leaves out `results`", async (t) => {
  const { fixture, client } = await setup(t);
  assert.deepEqual(await client.searchPlaces("Atlantis"), []);
  assert.equal(fixture.requests.length, 1);
  assert.deepEqual(await client.searchPlaces("x"), [], "under 2 characters: nothing to ask");
  assert.equal(fixture.requests.length, 1);
});

test("search results are cached under a normalised key, no-match answers too", async (t) => {
  const cache = new MapCache();
  const { fixture, client } = await setup(t, { cache });
  const first = await client.searchPlaces("Sydney");
  assert.deepEqual(await client.searchPlaces("  SYDNEY "), first);
  assert.deepEqual(await client.searchPlaces("sydney"), first);
  assert.equal(fixture.requests.length, 1);
  await client.searchPlaces("Sydney", { countryCode: "AU" });
  await client.searchPlaces("Atlantis");
  await client.searchPlaces("atlantis");
  assert.equal(fixture.requests.length, 3);
  assert.deepEqual([...cache.entries.keys()], ["sydney||10", "sydney|AU|10", "atlantis||10"]);
  assert.deepEqual(cache.entries.get("atlantis||10"), []);
});

test("every failure of geocoding is a WeatherUnavailableError that says what went wrong", async (t) => {
  const { fixture, client } = await setup(t);
  const cases: [string, number, unknown, WeatherUnavailableError["failure"], RegExp][] = [
    ["error body", 400, { error: true, reason: "Parameter count must be between 1 and 100." }, "rejected",
      /^Open-Meteo geocoding: request rejected \(HTTP 400\): Parameter count must be between 1 and 100\.$/],
    ["error body with 200", 200, { error: true, reason: "Something odd" }, "rejected", /rejected \(HTTP 200\): Something odd/],
    ["server error", 500, "Internal Server Error", "server-error", /^Open-Meteo geocoding: server error \(HTTP 500\)$/],
    ["bad gateway", 502, "<html><body>502 Bad Gateway</body></html>", "server-error", /HTTP 502/],
    ["rate limit", 429, { error: true, reason: "Minutely API request limit exceeded. Please try again in one minute." }, "rate-limited",
      /^Open-Meteo geocoding: rate limited \(HTTP 429\)$/],
    ["not found", 404, "Not Found", "rejected", /unexpected HTTP 404/],
    ["not JSON", 200, "<html>", "malformed", /^Open-Meteo geocoding: response is not JSON$/],
    ["wrong shape", 200, { results: [{ id: "2147714", name: "Sydney" }] }, "malformed",
      /^Open-Meteo geocoding: unexpected response shape \(results\.0\.id: .+\)$/],
    ["not an object", 200, [1, 2], "malformed", /unexpected response shape \(body: /],
  ];
  for (const [why, status, body, failure, message] of cases) {
    fixture.fail("geocoding", status, body);
    await assert.rejects(client.searchPlaces("Sydney"), (error) => {
      assert.ok(error instanceof WeatherUnavailableError, why);
      assert.equal(error.failure, failure, why);
      assert.equal(error.api, "geocoding", why);
      assert.match(error.message, message, why);
      assert.doesNotMatch(error.message, /127\.0\.0\.1|http:|name=/, `${why}: no URL in the message`);
      return true;
    });
  }
  fixture.recover();
  assert.equal((await client.searchPlaces("Sydney")).length, 7);
});

test("no answer within timeoutMs is a timeout", async (t) => {
  const { fixture, client } = await setup(t, { timeoutMs: 50 });
  fixture.delay(); // held until the fixture closes
  await assert.rejects(client.searchPlaces("Sydney"), {
    name: "WeatherUnavailableError",
    failure: "timeout",
    message: "Open-Meteo geocoding: no answer within 50 ms",
  });
  await assert.rejects(client.forecast(SYDNEY), { failure: "timeout", message: "Open-Meteo forecast: no answer within 50 ms" });
});

test("a refused connection is a network error", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const client = new OpenMeteo({ geocodingUrl: `http://127.0.0.1:${port}/v1/search`, forecastUrl: `http://127.0.0.1:${port}/v1/forecast` });
  await assert.rejects(client.searchPlaces("Sydney"), {
    name: "WeatherUnavailableError",
    failure: "network",
    message: "Open-Meteo geocoding: network error (ECONNREFUSED)",
  });
});

test("forecast asks for two days of the daily variables in the place's zone, and maps them", async (t) => {
  const { fixture, client } = await setup(t, { now: () => new Date("2025-06-14T00:00:00Z") });
  const forecast = await client.forecast(SYDNEY);
  assert.deepEqual(forecast, {
    timezone: "Australia/Sydney",
    days: [
      { date: "2025-06-14", weatherCode: 80, tempMin: 15.8, tempMax: 20.6, rainChance: 80, windMax: 24.8 },
      { date: "2025-06-15", weatherCode: 2, tempMin: 11.6, tempMax: 18.9, rainChance: 23, windMax: 17.3 },
    ],
  });
  assert.deepEqual(fixture.requests[0]?.params, {
    latitude: "-33.87",
    longitude: "151.21",
    daily: DAILY,
    timezone: "Australia/Sydney",
    forecast_days: "2",
  });
  assert.match(fixture.requests[0]?.userAgent ?? "", /^callcentre-weather-sms\//);
});

test("missing values are null; a forecast ends at the first day without a code or temperatures", async (t) => {
  const { fixture, client } = await setup(t);
  const zurich = await client.forecast(ZURICH);
  assert.deepEqual(zurich.days[1], { date: "2025-06-15", weatherCode: 1, tempMin: 13.2, tempMax: 24.1, rainChance: null, windMax: null });

  const body = (daily: Record<string, unknown[]>) => ({
    latitude: 1, longitude: 1, generationtime_ms: 0.1, utc_offset_seconds: 0, timezone: "GMT", timezone_abbreviation: "GMT",
    elevation: 0, daily_units: {}, daily: { time: ["2025-06-14", "2025-06-15"], ...daily },
  });
  fixture.fail("forecast", 200, body({ weather_code: [3, null], temperature_2m_max: [5, 6], temperature_2m_min: [1, 2] }));
  const oneDay = await client.forecast({ latitude: 1, longitude: 1, timezone: "GMT" });
  assert.deepEqual(oneDay.days, [{ date: "2025-06-14", weatherCode: 3, tempMin: 1, tempMax: 5, rainChance: null, windMax: null }]);

  const malformed: [string, unknown, RegExp][] = [
    ["no complete day", body({ weather_code: [null, 3], temperature_2m_max: [5, 6], temperature_2m_min: [1, 2] }), /no day with complete data/],
    ["arrays of different lengths", body({ weather_code: [3], temperature_2m_max: [5, 6], temperature_2m_min: [1, 2] }), /daily: daily arrays differ in length/],
    ["no daily", { latitude: 1, longitude: 1, timezone: "GMT", utc_offset_seconds: 0 }, /daily: /],
    ["a date that is not a date", body({ time: ["tomorrow"], weather_code: [3], temperature_2m_max: [5], temperature_2m_min: [1] }), /daily\.time\.0/],
  ];
  for (const [i, [why, answer, message]] of malformed.entries()) {
    fixture.fail("forecast", 200, answer);
    await assert.rejects(client.forecast({ latitude: 10 + i, longitude: 1, timezone: "GMT" }), { failure: "malformed", message }, why);
  }
});

test("forecast failures are WeatherUnavailableErrors and are not cached", async (t) => {
  const { fixture, client } = await setup(t);
  fixture.fail("forecast", 400, { error: true, reason: "Cannot initialize ForecastVariableDaily from invalid String value weather_cod for key daily" });
  await assert.rejects(client.forecast(SYDNEY), {
    failure: "rejected",
    message: "Open-Meteo forecast: request rejected (HTTP 400): Cannot initialize ForecastVariableDaily from invalid String value weather_cod for key daily",
  });
  fixture.fail("forecast", 503, "Service Unavailable");
  await assert.rejects(client.forecast(SYDNEY), { failure: "server-error", message: "Open-Meteo forecast: server error (HTTP 503)" });
  fixture.recover("forecast");
  assert.equal((await client.forecast(SYDNEY)).days.length, 2);
  assert.equal(fixture.requests.length, 3);
});

test("forecasts are reused per place and local day for 30 minutes", async (t) => {
  let now = new Date("2025-06-14T00:00:00Z"); // 10:00 in Sydney
  const { fixture, client } = await setup(t, { now: () => now });
  const minutes = (n: number) => (now = new Date(now.getTime() + n * 60_000));
  const count = () => requestsTo(fixture, "forecast").length;

  const first = await client.forecast(SYDNEY);
  assert.equal(await client.forecast(SYDNEY), first);
  assert.equal(await client.forecast({ ...SYDNEY, latitude: -33.8712, longitude: 151.2091 }), first, "same place to 2 decimals");
  assert.equal(count(), 1);
  minutes(29);
  await client.forecast(SYDNEY);
  assert.equal(count(), 1, "29 minutes on");
  minutes(1);
  await client.forecast(SYDNEY);
  assert.equal(count(), 2, "30 minutes on");
  await client.forecast(ZURICH);
  assert.equal(count(), 3, "another place");
  await client.forecast({ ...SYDNEY, timezone: "Australia/Brisbane" });
  assert.equal(count(), 4, "another zone, another local day");

  now = new Date("2025-06-14T13:50:00Z"); // 23:50 in Sydney
  await client.forecast(SYDNEY);
  assert.equal(count(), 5);
  minutes(15); // 00:05 the next day
  await client.forecast(SYDNEY);
  assert.equal(count(), 6, "a new local day");
});

test("concurrent requests for one forecast share one fetch", async (t) => {
  const { fixture, client } = await setup(t);
  const hold = fixture.delay();
  const pending = [client.forecast(SYDNEY), client.forecast(SYDNEY), client.forecast({ ...SYDNEY, latitude: -33.868 })];
  await fixture.waitForRequests(1);
  hold.release();
  const [a, b, c] = await Promise.all(pending);
  assert.equal(a, b);
  assert.equal(a, c);
  assert.equal(fixture.requests.length, 1);
});

test("coordinates without a recording get a generated forecast for today in the place's zone", async (t) => {
  const now = new Date("2025-06-14T03:00:00Z"); // still the 13th in Chicago
  const fixture = await startOpenMeteoFixture(t, { now: () => now });
  const client = new OpenMeteo({ geocodingUrl: fixture.geocodingUrl, forecastUrl: fixture.forecastUrl, now: () => now });
  const forecast = await client.forecast({ latitude: 39.80172, longitude: -89.64371, timezone: "America/Chicago" });
  assert.equal(forecast.timezone, "America/Chicago");
  assert.deepEqual(forecast.days.map((d) => d.date), ["2025-06-13", "2025-06-14"]);
  for (const day of forecast.days) assert.ok(day.tempMin < day.tempMax && day.rainChance !== null && day.windMax !== null);
});
