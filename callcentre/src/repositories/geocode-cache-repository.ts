// Geocoding results kept in the database: shared by every instance and kept across restarts, so a
// place is looked up once a month rather than at every text (Open-Meteo's free tier asks for it).
import type { Queryable } from "../db/database.js";
import type { Place, PlaceCache } from "../weather/open-meteo.js";

export const GEOCODE_TTL_DAYS = 30;

export class GeocodeCacheRepository implements PlaceCache {
  constructor(private readonly db: Queryable) {}

  async get(key: string): Promise<Place[] | undefined> {
    const [row] = await this.db.query<{ places: Place[] }>(
      `select places from geocode_cache where query = $1 and fetched_at > now() - ($2::int * interval '1 day')`,
      [key, GEOCODE_TTL_DAYS],
    );
    return row?.places;
  }

  async set(key: string, places: Place[]): Promise<void> {
    await this.db.query(
      `insert into geocode_cache (query, places, fetched_at) values ($1, $2, now())
       on conflict (query) do update set places = $2, fetched_at = now()`,
      [key, JSON.stringify(places)],
    );
  }
}
