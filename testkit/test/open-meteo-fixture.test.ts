import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startOpenMeteoFixture } from "../src/open-meteo-fixture.js";

const SERVE_FIXTURE = fileURLToPath(new URL("../src/serve-open-meteo-fixture.ts", import.meta.url));

/** The parts of Open-Meteo's answers these tests look at. */
interface Answer {
  results?: { name: string }[];
  daily?: Record<string, unknown[]>;
  daily_units?: Record<string, string>;
  timezone_abbreviation?: string;
  utc_offset_seconds?: number;
}

test("the fixture answers like Open-Meteo, including its errors", async (t) => {
  const fixture = await startOpenMeteoFixture(t, { now: () => new Date("2025-06-14T00:00:00Z") });
  const get = async (url: string) => {
    const response = await fetch(url);
    return [response.status, (await response.json()) as Answer] as const;
  };
  const search = (query: string) => get(`${fixture.geocodingUrl}?${query}`);
  const forecast = (query: string) => get(`${fixture.forecastUrl}?${query}`);

  const [, zurich] = await search("name=Z%C3%BCrich&count=1&language=en&format=json");
  assert.deepEqual(zurich.results?.map((r) => r.name), ["Zürich"]);
  assert.deepEqual(await search("name=Atlantis"), [200, { generationtime_ms: 0.6420612 }], "no `results` key");
  assert.deepEqual(await search("name=S"), [200, { generationtime_ms: 0.6420612 }], "one character: nothing");
  assert.deepEqual(await search("name=Sydney&count=0"), [400, { error: true, reason: "Parameter count must be between 1 and 100." }]);

  const [status, sydney] = await forecast("latitude=-33.87&longitude=151.21&daily=weather_code,temperature_2m_max&timezone=Australia%2FSydney&forecast_days=1");
  assert.equal(status, 200);
  assert.deepEqual(sydney.daily, { time: ["2025-06-14"], weather_code: [80], temperature_2m_max: [20.6] }, "only what was asked");
  assert.deepEqual(sydney.daily_units, { time: "iso8601", weather_code: "wmo code", temperature_2m_max: "°C" });
  assert.equal(sydney.timezone_abbreviation, "AEST");
  const [, generated] = await forecast("latitude=10&longitude=10&daily=weather_code&timezone=Africa%2FLagos&forecast_days=3");
  assert.deepEqual(generated.daily?.time, ["2025-06-14", "2025-06-15", "2025-06-16"]);
  assert.equal(generated.utc_offset_seconds, 3600);
  assert.equal((await forecast("latitude=10&longitude=10&daily=weather_cod&timezone=GMT"))[0], 400);
  assert.equal((await forecast("latitude=91&longitude=10"))[0], 400);
  assert.equal((await forecast("latitude=10&longitude=10&daily=weather_code"))[0], 400, "daily needs a timezone");

  assert.deepEqual(
    fixture.requests.slice(0, 2).map((r) => [r.api, r.params.name]),
    [["geocoding", "Zürich"], ["geocoding", "Atlantis"]],
  );
});

test("serve-open-meteo-fixture runs the fixture as a process and prints its URLs", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", SERVE_FIXTURE, "0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const exited = once(child, "exit").then(([code]) => assert.fail(`serve-open-meteo-fixture exited (${code}) before printing its URLs`));
    const [line] = (await Promise.race([once(createInterface({ input: child.stdout }), "line"), exited])) as [string];
    const urls = JSON.parse(line) as { geocodingUrl: string; forecastUrl: string };
    assert.match(urls.geocodingUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1\/search$/);
    assert.match(urls.forecastUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1\/forecast$/);
    const body = (await (await fetch(`${urls.geocodingUrl}?name=London`)).json()) as { results: { id: number }[] };
    assert.equal(body.results[0]?.id, 2643743);
  } finally {
    child.kill("SIGTERM");
  }
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
});
