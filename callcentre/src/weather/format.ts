// The texts of the weather SMS service: a forecast, a choice between places, and apologies. Each is
// GSM-7 only and fits one segment of 160 characters, whatever the inputs (docs/callcentre-domain.md §6, §9).
import { segmentInfo, toGsm7, truncate } from "./gsm7.js";
import type { DayForecast, Forecast, Place } from "./open-meteo.js";
import { describePlace } from "./places.js";
import { weatherLabel } from "./wmo.js";

const SINGLE_SEGMENT = 160;
const PLACE_NAME_LENGTH = 20;
const FOOTER = " Reply HELP for help, STOP to end.";

const fitsOneSegment = (text: string) => {
  const { encoding, units } = segmentInfo(text);
  return encoding === "GSM-7" && units <= SINGLE_SEGMENT;
};

/** The first candidate that fits one segment; failing all, the last one cut to fit. */
function firstFitting(candidates: string[]): string {
  const fitting = candidates.find(fitsOneSegment);
  if (fitting !== undefined) return fitting;
  let text = toGsm7(candidates.at(-1) ?? "");
  while (!fitsOneSegment(text)) text = truncate(text, Array.from(text).length - 1);
  return text;
}

/** `text` echoed back in GSM-7, at most `max` characters, or less if that is what it takes to fit. */
function echoing(text: string, max: number, build: (echo: string) => string): string {
  const echo = toGsm7(text);
  const lengths = Array.from({ length: max + 1 }, (_, i) => max - i);
  return firstFitting(lengths.map((length) => build(truncate(echo, length))));
}

const temperatures = (day: DayForecast) => `${Math.round(day.tempMin)} to ${Math.round(day.tempMax)}C`;
const percent = (value: number) => Math.round(Math.min(Math.max(value, 0), 100));

/**
 * "Sydney today: Showers, 16 to 21C, rain 80%, wind 25km/h. Tmrw: Partly cloudy, 12 to 19C. Reply
 * HELP for help, STOP to end." Rain and wind are left out when unknown, "Tmrw" when there is no second
 * day. Should the text not fit one segment (it does up to -40C and 150 km/h), the footer goes first,
 * then today's wind, tomorrow, and today's rain.
 */
export function forecastMessage(place: Place, forecast: Forecast, opts: { footer?: boolean } = {}): string {
  const [today, tomorrow] = forecast.days;
  if (!today) return unavailableMessage();
  const name = truncate(toGsm7(place.name), PLACE_NAME_LENGTH);
  const head = name ? `${name} today: ` : "Today: ";
  const rain = today.rainChance === null ? [] : [`rain ${percent(today.rainChance)}%`];
  const wind = today.windMax === null ? [] : [`wind ${Math.round(Math.max(today.windMax, 0))}km/h`];
  const todayText = (...extras: string[][]) =>
    `${head}${[weatherLabel(today.weatherCode), temperatures(today), ...extras.flat()].join(", ")}.`;
  const tomorrowText = tomorrow ? ` Tmrw: ${weatherLabel(tomorrow.weatherCode)}, ${temperatures(tomorrow)}.` : "";
  const footer = (opts.footer ?? true) ? FOOTER : "";

  return firstFitting([
    todayText(rain, wind) + tomorrowText + footer,
    todayText(rain, wind) + tomorrowText,
    todayText(rain) + tomorrowText,
    todayText(rain),
    todayText(),
  ]);
}

/**
 * "Which Springfield? Reply 1, 2 or 3: 1) Springfield, Illinois, US 2) Springfield, Missouri, US
 * 3) …" for the first 3 options; descriptions are shortened as far as needed to fit.
 */
export function ambiguousMessage(query: string, options: Place[]): string {
  const shown = options.slice(0, 3);
  if (shown.length === 0) return notFoundMessage(query);
  const numbers = shown.map((_, i) => String(i + 1));
  const reply = numbers.length === 1 ? "Reply 1" : `Reply ${numbers.slice(0, -1).join(", ")} or ${numbers.at(-1)}`;
  const asked = truncate(toGsm7(query.split(",")[0] ?? ""), PLACE_NAME_LENGTH) || "place";
  const list = (limits: { name: number; region: number }) =>
    shown.map((place, i) => ` ${i + 1}) ${describePlace(place, limits)}`).join("");
  // Names first: the options often share theirs, and the region tells them apart.
  const steps: [name: number, region: number][] = [
    [Infinity, Infinity], [20, Infinity], [20, 20], [14, 16], [12, 14], [12, 12], [10, 10], [8, 8], [6, 6], [4, 4],
  ];
  return firstFitting(steps.map(([name, region]) => `Which ${asked}? ${reply}:${list({ name, region })}`));
}

export function notFoundMessage(query: string): string {
  const tail = "Try a nearby town or add the country, e.g. Paris, FR";
  return echoing(query, 40, (echo) =>
    echo ? `Sorry, no place called ${echo} was found. ${tail}` : `Sorry, that place was not found. ${tail}`,
  );
}

export function unavailableMessage(): string {
  return "Sorry, the forecast is unavailable right now. Please try again later.";
}
