// A stand-in for Open-Meteo's geocoding and forecast APIs on loopback, answering from the recorded
// responses in testkit/fixtures/open-meteo/ (see its README). Tests can make it fail, hold its answers
// and count its requests. Usable without node:test too: serve-open-meteo-fixture.ts runs it as a process.
import { EventEmitter } from "node:events";
import { readFileSync, readdirSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

export type FixtureApi = "geocoding" | "forecast";

export interface FixtureRequest {
  api: FixtureApi;
  /** The query string, e.g. { name: "Sydney", count: "10", language: "en", format: "json" }. */
  params: Record<string, string>;
  userAgent: string | undefined;
}

export interface OpenMeteoFixtureOptions {
  /** Default 0: any free port. */
  port?: number;
  /** The clock behind generated forecasts' dates. */
  now?: () => Date;
  fixturesDir?: string;
}

export interface Hold {
  /** Sends the held answers, and answers at once from now on. */
  release(): void;
}

export interface OpenMeteoFixture {
  geocodingUrl: string;
  forecastUrl: string;
  /** Every request received, in order. */
  requests: FixtureRequest[];
  /** Answer `api` with `status` and `body` (JSON unless a string) until recover() is called. */
  fail(api: FixtureApi, status: number, body?: unknown): void;
  recover(api?: FixtureApi): void;
  /** Hold answers (of one API, or both) until released, or for `ms` if given; close() releases all. */
  delay(ms?: number, api?: FixtureApi): Hold;
  /** Resolves once `count` requests in all have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL("../fixtures/open-meteo/", import.meta.url));
const DAILY_UNITS: Record<string, string> = {
  weather_code: "wmo code",
  temperature_2m_max: "°C",
  temperature_2m_min: "°C",
  precipitation_probability_max: "%",
  wind_speed_10m_max: "km/h",
};

interface RecordedForecast {
  latitude: number;
  longitude: number;
  daily: Record<string, unknown[]>;
  daily_units: Record<string, string>;
  [field: string]: unknown;
}

/** "São Paulo" → "sao-paulo": how names find their recorded file. */
export const fixtureSlug = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "");

function loadFixtures(dir: string) {
  const read = (file: string): unknown => JSON.parse(readFileSync(join(dir, file), "utf8"));
  const files = readdirSync(dir).filter((file) => file.endsWith(".json"));
  const searches = new Map<string, { results?: unknown[] }>();
  const forecasts: RecordedForecast[] = [];
  for (const file of files) {
    const slug = file.replace(/\.json$/, "");
    if (slug.startsWith("search-")) searches.set(slug.slice("search-".length), read(file) as { results?: unknown[] });
    if (slug.startsWith("forecast-")) forecasts.push(read(file) as RecordedForecast);
  }
  return { searches, forecasts, noResults: read("no-results.json") };
}

type Answer = [status: number, body: unknown];
const rejection = (reason: string): Answer => [400, { error: true, reason }];

export async function startOpenMeteoFixture(
  t?: TestContext,
  options: OpenMeteoFixtureOptions = {},
): Promise<OpenMeteoFixture> {
  const fixtures = loadFixtures(options.fixturesDir ?? DEFAULT_FIXTURES_DIR);
  const now = options.now ?? (() => new Date());
  const requests: FixtureRequest[] = [];
  const events = new EventEmitter();
  const failures = new Map<FixtureApi, Answer>();
  const holds = new Map<FixtureApi, Promise<void>>();
  const releases = new Set<() => void>();

  function geocode(params: URLSearchParams): Answer {
    const count = Number(params.get("count") ?? 10);
    if (!Number.isInteger(count) || count < 1 || count > 100) return rejection("Parameter count must be between 1 and 100.");
    const name = params.get("name") ?? "";
    const recorded = name.trim().length >= 2 ? fixtures.searches.get(fixtureSlug(name)) : undefined;
    const countryCode = params.get("countryCode")?.toUpperCase();
    const results = (recorded?.results ?? [])
      .filter((result) => !countryCode || (result as { country_code?: string }).country_code === countryCode)
      .slice(0, count);
    return [200, results.length > 0 ? { ...recorded, results } : fixtures.noResults];
  }

  function forecast(params: URLSearchParams): Answer {
    const latitude = Number(params.get("latitude"));
    const longitude = Number(params.get("longitude"));
    if (!params.has("latitude") || !(Math.abs(latitude) <= 90)) {
      return rejection(`Latitude must be in range of -90 to 90°. Given: ${params.get("latitude")}.`);
    }
    if (!params.has("longitude") || !(Math.abs(longitude) <= 180)) {
      return rejection(`Longitude must be in range of -180 to 180°. Given: ${params.get("longitude")}.`);
    }
    const days = Number(params.get("forecast_days") ?? 7);
    if (!Number.isInteger(days) || days < 0 || days > 16) return rejection("Forecast days is invalid. Allowed range 0 to 16.");
    const daily = params.get("daily")?.split(",").filter(Boolean) ?? [];
    const unknown = daily.find((variable) => !(variable in DAILY_UNITS));
    if (unknown) return rejection(`Cannot initialize ForecastVariableDaily from invalid String value ${unknown} for key daily`);
    const timezone = params.get("timezone") ?? "GMT";
    if (daily.length > 0 && !params.has("timezone")) return rejection("Timezone is required");
    if (!knownTimeZone(timezone)) return rejection(`Invalid timezone: ${timezone}`);

    const recorded = fixtures.forecasts.find(
      (f) => Math.abs(f.latitude - latitude) <= 0.1 && Math.abs(f.longitude - longitude) <= 0.1,
    );
    const body = recorded ?? generatedForecast(latitude, longitude, timezone, now());
    // Like Open-Meteo, answer only the requested variables, for the requested number of days.
    const pick = <T>(values: Record<string, T>) =>
      Object.fromEntries(Object.entries(values).filter(([key]) => key === "time" || daily.includes(key)));
    return [
      200,
      {
        ...body,
        daily_units: pick(body.daily_units),
        daily: Object.fromEntries(Object.entries(pick(body.daily)).map(([key, values]) => [key, values.slice(0, days)])),
      },
    ];
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fixture.invalid");
    const api: FixtureApi | undefined =
      url.pathname === "/v1/search" ? "geocoding" : url.pathname === "/v1/forecast" ? "forecast" : undefined;
    if (!api) return send(res, [404, { error: true, reason: "Not Found" }]);
    requests.push({ api, params: Object.fromEntries(url.searchParams), userAgent: req.headers["user-agent"] });
    events.emit("request");
    const hold = holds.get(api) ?? Promise.resolve();
    void hold.then(() => {
      if (res.destroyed) return; // the client gave up (e.g. its timeout)
      send(res, failures.get(api) ?? (api === "geocoding" ? geocode(url.searchParams) : forecast(url.searchParams)));
    });
  });
  server.listen(options.port ?? 0, "127.0.0.1");
  await EventEmitter.once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fixture: OpenMeteoFixture = {
    geocodingUrl: `${base}/v1/search`,
    forecastUrl: `${base}/v1/forecast`,
    requests,
    fail(api, status, body) {
      failures.set(api, [status, body === undefined ? { error: true, reason: `Fixture failure (HTTP ${status})` } : body]);
    },
    recover(api) {
      if (api) failures.delete(api);
      else failures.clear();
    },
    delay(ms, api) {
      const apis: FixtureApi[] = api ? [api] : ["geocoding", "forecast"];
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = () => {
          releases.delete(release);
          for (const a of apis) if (holds.get(a) === held) holds.delete(a);
          resolve();
        };
      });
      for (const a of apis) holds.set(a, held);
      releases.add(release);
      if (ms !== undefined) setTimeout(release, ms).unref();
      return { release };
    },
    waitForRequests(count) {
      return new Promise((resolve) => {
        const check = () => {
          if (requests.length < count) return;
          events.off("request", check);
          resolve();
        };
        events.on("request", check);
        check();
      });
    },
    async close() {
      for (const release of [...releases]) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  t?.after(() => fixture.close());
  return fixture;
}

function send(res: ServerResponse, [status, body]: Answer): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(text);
}

function knownTimeZone(timeZone: string): boolean {
  if (timeZone === "auto") return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A plausible, repeatable forecast for coordinates without a recording, dated from `now` in `timezone`. */
function generatedForecast(latitude: number, longitude: number, timezone: string, now: Date): RecordedForecast {
  const zone = timezone === "auto" ? "GMT" : timezone;
  let seed = 0;
  for (const char of `${latitude.toFixed(2)},${longitude.toFixed(2)}`) seed = (seed * 31 + char.charCodeAt(0)) % 2_147_483_647;
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  const codes = [0, 1, 2, 3, 45, 51, 61, 63, 80, 81, 95];
  const warmest = 30 - Math.abs(latitude) * 0.4;
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  const offsetName = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(now)
    .find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const [, sign = "+", hours = "0", minutes = "0"] = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetName) ?? [];
  const abbreviation = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" })
    .formatToParts(now)
    .find((part) => part.type === "timeZoneName")?.value;
  const round1 = (value: number) => Math.round(value * 10) / 10;
  const daily: Record<string, unknown[]> = {
    time: [], weather_code: [], temperature_2m_max: [], temperature_2m_min: [],
    precipitation_probability_max: [], wind_speed_10m_max: [],
  };
  for (let day = 0; day < 16; day++) {
    const max = round1(warmest - 3 + random() * 8);
    daily.time!.push(new Date(Date.parse(`${today}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10));
    daily.weather_code!.push(codes[Math.floor(random() * codes.length)]);
    daily.temperature_2m_max!.push(max);
    daily.temperature_2m_min!.push(round1(max - 4 - random() * 7));
    daily.precipitation_probability_max!.push(Math.round(random() * 100));
    daily.wind_speed_10m_max!.push(round1(4 + random() * 30));
  }
  return {
    latitude: Math.round(latitude / 0.125) * 0.125,
    longitude: Math.round(longitude / 0.125) * 0.125,
    generationtime_ms: 0.0569820404052734,
    utc_offset_seconds: (sign === "-" ? -1 : 1) * (Number(hours) * 3600 + Number(minutes) * 60),
    timezone: zone,
    timezone_abbreviation: abbreviation ?? "GMT",
    elevation: 42.0,
    daily_units: { time: "iso8601", ...DAILY_UNITS },
    daily,
  };
}
