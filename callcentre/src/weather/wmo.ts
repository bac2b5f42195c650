// WMO weather interpretation codes, as Open-Meteo's `weather_code` reports them, with short SMS
// labels (GSM-7, at most 20 characters each; see docs/callcentre-domain.md §8).

const LABELS: Readonly<Record<number, string>> = {
  0: "Clear",
  1: "Mainly clear",
  2: "Partly cloudy",
  3: "Overcast",
  45: "Fog",
  48: "Rime fog",
  51: "Light drizzle",
  53: "Drizzle",
  55: "Heavy drizzle",
  56: "Freezing drizzle",
  57: "Heavy frz drizzle",
  61: "Light rain",
  63: "Rain",
  65: "Heavy rain",
  66: "Freezing rain",
  67: "Heavy frz rain",
  71: "Light snow",
  73: "Snow",
  75: "Heavy snow",
  77: "Snow grains",
  80: "Light showers",
  81: "Showers",
  82: "Violent showers",
  85: "Snow showers",
  86: "Heavy snow showers",
  95: "Thunderstorm",
  96: "T-storm, hail",
  99: "T-storm, heavy hail",
};

/** A neutral label for a code we do not know: a forecast SMS must never fail on one. */
export const UNKNOWN_WEATHER_LABEL = "Mixed weather";

export const WMO_CODES: readonly number[] = Object.freeze(Object.keys(LABELS).map(Number));

export function weatherLabel(code: number): string {
  return LABELS[code] ?? UNKNOWN_WEATHER_LABEL;
}
