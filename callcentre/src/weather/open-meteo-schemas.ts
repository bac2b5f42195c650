// The shapes of Open-Meteo's geocoding and forecast responses (docs/callcentre-domain.md §7), validated at
// the edge. Unknown fields are ignored; Open-Meteo omits empty fields, so most are optional.
import { z } from "zod";

/** `{"error": true, "reason": "…"}`: what both APIs answer to a request they reject. */
export const errorBodySchema = z.object({ error: z.literal(true), reason: z.string() });

const geocodingResultSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  elevation: z.number().optional(),
  feature_code: z.string().optional(),
  country_code: z.string().optional(),
  country: z.string().optional(),
  country_id: z.number().optional(),
  admin1: z.string().optional(),
  // A place without a time zone cannot have daily forecasts; such results are skipped, not fatal.
  timezone: z.string().optional(),
  population: z.number().nonnegative().optional(),
  postcodes: z.array(z.string()).optional(),
});
export type GeocodingResult = z.infer<typeof geocodingResultSchema>;

/** With no match the `results` key itself is missing. */
export const geocodingResponseSchema = z.object({
  results: z.array(geocodingResultSchema).optional(),
  generationtime_ms: z.number().optional(),
});

const nullableNumbers = z.array(z.number().nullable());

export const forecastResponseSchema = z
  .object({
    latitude: z.number(),
    longitude: z.number(),
    timezone: z.string(),
    utc_offset_seconds: z.number(),
    daily: z.object({
      time: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
      // Values are null where a model has no data (e.g. rain probability at the end of the range).
      weather_code: nullableNumbers,
      temperature_2m_max: nullableNumbers,
      temperature_2m_min: nullableNumbers,
      precipitation_probability_max: nullableNumbers.optional(),
      wind_speed_10m_max: nullableNumbers.optional(),
    }),
  })
  .refine(
    ({ daily }) =>
      [daily.weather_code, daily.temperature_2m_max, daily.temperature_2m_min, daily.precipitation_probability_max, daily.wind_speed_10m_max]
        .every((values) => values === undefined || values.length === daily.time.length),
    { message: "daily arrays differ in length", path: ["daily"] },
  );
export type ForecastResponse = z.infer<typeof forecastResponseSchema>;
