// A client for Open-Meteo's geocoding and forecast APIs (no API key; docs/callcentre-domain.md §7). Every
// failure becomes a WeatherUnavailableError; place searches go through an optional shared cache and
// forecasts through an in-memory one per place and local day, as the free tier asks.
import type { z } from "zod";
import { perZoneFormat } from "../lib/zone-format.js";
import { truncate } from "./gsm7.js";
import {
  errorBodySchema,
  forecastResponseSchema,
  geocodingResponseSchema,
  type ForecastResponse,
  type GeocodingResult,
} from "./open-meteo-schemas.js";

export interface Place {
  id: number;
  name: string;
  latitude: number;
  longitude: number;
  timezone: string;
  country?: string;
  countryCode?: string;
  admin1?: string;
  population?: number;
  featureCode?: string;
}

export interface DayForecast {
  /** YYYY-MM-DD in the place's time zone. */
  date: string;
  weatherCode: number;
  tempMin: number;
  tempMax: number;
  /** Percent; null where the model has no probability for the day. */
  rainChance: number | null;
  /** km/h. */
  windMax: number | null;
}

/** Today first, then the following days for which there is data. Shared between callers: read only. */
export interface Forecast {
  timezone: string;
  days: DayForecast[];
}

export type WeatherApi = "geocoding" | "forecast";
export type WeatherFailure = "timeout" | "network" | "rate-limited" | "server-error" | "rejected" | "malformed";

/** Open-Meteo could not answer. The message says which API and what went wrong, never a URL or key. */
export class WeatherUnavailableError extends Error {
  readonly api: WeatherApi | undefined;
  readonly failure: WeatherFailure | undefined;

  constructor(message: string, options: { api?: WeatherApi; failure?: WeatherFailure; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WeatherUnavailableError";
    this.api = options.api;
    this.failure = options.failure;
  }
}

/** Where geocoding results are kept between requests (e.g. a database table); keys come from placeCacheKey. */
export interface PlaceCache {
  get(key: string): Promise<Place[] | undefined>;
  set(key: string, places: Place[]): Promise<void>;
}

export interface OpenMeteoOptions {
  /** e.g. https://geocoding-api.open-meteo.com/v1/search */
  geocodingUrl: string;
  /** e.g. https://api.open-meteo.com/v1/forecast */
  forecastUrl: string;
  /** Per request, connection to last byte. Default 5000. */
  timeoutMs?: number;
  cache?: PlaceCache;
  now?: () => Date;
  fetch?: typeof fetch;
}

const USER_AGENT = "callcentre-weather-sms/0.1 (+https://open-meteo.com)";
const DAILY_VARIABLES =
  "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max,wind_speed_10m_max";
const FORECAST_TTL_MS = 30 * 60_000;

/** Place names as typed: trimmed, single spaces, one Unicode form. */
const normaliseName = (name: string) => name.normalize("NFC").trim().replace(/\s+/g, " ");

/** The cache key of a search: "sydney|AU|10" (no country filter: "sydney||10"). */
export function placeCacheKey(name: string, countryCode: string | undefined, count: number): string {
  return `${normaliseName(name).toLowerCase()}|${countryCode ?? ""}|${count}`;
}

interface ForecastEntry {
  expiresAt: number;
  forecast: Promise<Forecast>;
}

export class OpenMeteo {
  readonly #geocodingUrl: string;
  readonly #forecastUrl: string;
  readonly #timeoutMs: number;
  readonly #cache: PlaceCache | undefined;
  readonly #now: () => Date;
  readonly #fetch: typeof fetch;
  /** Keyed by rounded coordinates, time zone and local date; in-flight requests are shared. */
  readonly #forecasts = new Map<string, ForecastEntry>();

  constructor(options: OpenMeteoOptions) {
    this.#geocodingUrl = options.geocodingUrl;
    this.#forecastUrl = options.forecastUrl;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#cache = options.cache;
    this.#now = options.now ?? (() => new Date());
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Places whose name starts with `name` (Open-Meteo ignores case and diacritics), best first.
   * No match is `[]`; so is a name under 2 characters, without asking. Results without a time zone
   * are skipped (no daily forecast is possible for them).
   */
  async searchPlaces(name: string, opts: { countryCode?: string; count?: number } = {}): Promise<Place[]> {
    const count = opts.count ?? 10;
    if (!Number.isInteger(count) || count < 1 || count > 100) throw new RangeError("count must be 1 to 100");
    const countryCode = opts.countryCode?.trim().toUpperCase() || undefined;
    const query = normaliseName(name);
    if (Array.from(query).length < 2) return [];

    const key = placeCacheKey(query, countryCode, count);
    const cached = await this.#cache?.get(key);
    if (cached) return cached;

    const url = new URL(this.#geocodingUrl);
    url.searchParams.set("name", query);
    url.searchParams.set("count", String(count));
    url.searchParams.set("language", "en");
    url.searchParams.set("format", "json");
    if (countryCode) url.searchParams.set("countryCode", countryCode);
    const body = parse("geocoding", geocodingResponseSchema, await this.#getJson("geocoding", url));
    const places = (body.results ?? []).flatMap((result) => (result.timezone ? [toPlace(result, result.timezone)] : []));
    await this.#cache?.set(key, places);
    return places;
  }

  /**
   * Today's and tomorrow's forecast in the place's own time zone. Answers are reused for 30 minutes
   * per place (coordinates rounded to 2 decimals, about 1 km) and local day.
   */
  forecast(place: Pick<Place, "latitude" | "longitude" | "timezone">): Promise<Forecast> {
    const now = this.#now();
    const latitude = Math.round(place.latitude * 100) / 100;
    const longitude = Math.round(place.longitude * 100) / 100;
    const key = `${latitude.toFixed(2)},${longitude.toFixed(2)}|${place.timezone}|${localDate(now, place.timezone)}`;
    for (const [k, entry] of this.#forecasts) if (entry.expiresAt <= now.getTime()) this.#forecasts.delete(k);

    const hit = this.#forecasts.get(key);
    if (hit) return hit.forecast;
    const entry: ForecastEntry = {
      expiresAt: now.getTime() + FORECAST_TTL_MS,
      forecast: this.#fetchForecast(latitude, longitude, place.timezone),
    };
    this.#forecasts.set(key, entry);
    // A failure is not kept: the next caller tries again.
    entry.forecast.catch(() => {
      if (this.#forecasts.get(key) === entry) this.#forecasts.delete(key);
    });
    return entry.forecast;
  }

  async #fetchForecast(latitude: number, longitude: number, timezone: string): Promise<Forecast> {
    const url = new URL(this.#forecastUrl);
    url.searchParams.set("latitude", String(latitude));
    url.searchParams.set("longitude", String(longitude));
    url.searchParams.set("daily", DAILY_VARIABLES);
    url.searchParams.set("timezone", timezone);
    url.searchParams.set("forecast_days", "2");
    return toForecast(parse("forecast", forecastResponseSchema, await this.#getJson("forecast", url)));
  }

  /** The parsed JSON body of a successful answer; anything else throws WeatherUnavailableError. */
  async #getJson(api: WeatherApi, url: URL): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        headers: { "User-Agent": USER_AGENT, Accept: "application/json" },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw transportError(api, error, this.#timeoutMs);
    }
    const { status } = response;
    const fail = (failure: WeatherFailure, message: string) =>
      new WeatherUnavailableError(`Open-Meteo ${api}: ${message}`, { api, failure });
    if (status === 429) throw fail("rate-limited", "rate limited (HTTP 429)");
    if (status >= 500) throw fail("server-error", `server error (HTTP ${status})`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw response.ok ? fail("malformed", "response is not JSON") : fail("rejected", `unexpected HTTP ${status}`);
    }
    const rejection = errorBodySchema.safeParse(body);
    if (rejection.success) {
      throw fail("rejected", `request rejected (HTTP ${status}): ${truncate(rejection.data.reason, 200)}`);
    }
    if (!response.ok) throw fail("rejected", `unexpected HTTP ${status}`);
    return body;
  }
}

function transportError(api: WeatherApi, error: unknown, timeoutMs: number): WeatherUnavailableError {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return new WeatherUnavailableError(`Open-Meteo ${api}: no answer within ${timeoutMs} ms`, {
      api,
      failure: "timeout",
      cause: error,
    });
  }
  // fetch reports "fetch failed" with the system error (ECONNREFUSED, ENOTFOUND…) as its cause.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return new WeatherUnavailableError(`Open-Meteo ${api}: network error${code ? ` (${code})` : ""}`, {
    api,
    failure: "network",
    cause: error,
  });
}

function parse<T>(api: WeatherApi, schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  // Paths and zod's messages only: they name what was expected, not the values received.
  const issues = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
    .join("; ");
  throw new WeatherUnavailableError(`Open-Meteo ${api}: unexpected response shape (${issues})`, {
    api,
    failure: "malformed",
  });
}

function toPlace(result: GeocodingResult, timezone: string): Place {
  const place: Place = {
    id: result.id,
    name: result.name,
    latitude: result.latitude,
    longitude: result.longitude,
    timezone,
  };
  if (result.country !== undefined) place.country = result.country;
  if (result.country_code !== undefined) place.countryCode = result.country_code;
  if (result.admin1 !== undefined) place.admin1 = result.admin1;
  if (result.population !== undefined) place.population = result.population;
  if (result.feature_code !== undefined) place.featureCode = result.feature_code;
  return place;
}

function toForecast(body: ForecastResponse): Forecast {
  const { daily } = body;
  const days: DayForecast[] = [];
  for (const [i, date] of daily.time.entries()) {
    const weatherCode = daily.weather_code[i];
    const tempMax = daily.temperature_2m_max[i];
    const tempMin = daily.temperature_2m_min[i];
    // The forecast ends where its data does: a gap must not shift tomorrow into today.
    if (weatherCode == null || tempMax == null || tempMin == null) break;
    days.push(
      Object.freeze({
        date,
        weatherCode,
        tempMin,
        tempMax,
        rainChance: daily.precipitation_probability_max?.[i] ?? null,
        windMax: daily.wind_speed_10m_max?.[i] ?? null,
      }),
    );
  }
  if (days.length === 0) {
    throw new WeatherUnavailableError("Open-Meteo forecast: no day with complete data", {
      api: "forecast",
      failure: "malformed",
    });
  }
  return Object.freeze({ timezone: body.timezone, days: Object.freeze(days) as DayForecast[] });
}

const dateFormat = perZoneFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });

/** YYYY-MM-DD in `timeZone`; in UTC if this runtime does not know the zone (the API will judge it). */
function localDate(now: Date, timeZone: string): string {
  try {
    return dateFormat(timeZone).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}
