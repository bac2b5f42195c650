// AvailablePhoneNumbers: the countries the carrier sells numbers in (the US only), and searches for
// Local and TollFree numbers there (number-search.ts), which IncomingPhoneNumbers then "buys" with
// PhoneNumber. Twilio has no US mobile numbers: US/Mobile.json is its 20404 (twilio/twilio-node#159),
// and the country's subresource_uris list only local and toll_free. Another country is 20404 too.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Store } from "../store.js";
import { RestError, notFound } from "./errors.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageOf } from "./paging.js";
import { queryOf } from "./params.js";
import { type NumberType, parseContains, placeOf, searchNumbers } from "./number-search.js";
import { accountPath, formatNumber } from "./serialize.js";

const COUNTRY = { code: "US", name: "United States" } as const;
const TYPES = { Local: "local", TollFree: "toll-free" } as const satisfies Record<string, NumberType>;
const SUBRESOURCES = { local: "Local", toll_free: "TollFree" } as const;

function countryJson(store: Store): Record<string, unknown> {
  const path = `${accountPath(store)}/AvailablePhoneNumbers/${COUNTRY.code}`;
  return {
    country_code: COUNTRY.code,
    country: COUNTRY.name,
    uri: `${path}.json`,
    beta: false,
    subresource_uris: Object.fromEntries(Object.entries(SUBRESOURCES).map(([key, name]) => [key, `${path}/${name}.json`])),
  };
}

function pageSizeOf(query: URLSearchParams): number {
  const value = query.get("PageSize");
  if (value === null || value === "") return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(value)) throw new RestError(20001, `PageSize must be a non-negative integer, not '${value}'`);
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Number(value)));
}

export function availableNumberRoutes(app: FastifyInstance, store: Store): void {
  const base = "/Accounts/:AccountSid/AvailablePhoneNumbers";
  const urlPath = (url: string) => url.split("?")[0] ?? url;

  // Twilio's answer is the countries and the list's uri, without a page envelope.
  app.get(`${base}.json`, async () => ({ countries: [countryJson(store)], uri: `${accountPath(store)}/AvailablePhoneNumbers.json` }));

  app.get<{ Params: { country: string } }>(`${base}/:country.json`, async (request) => {
    if (request.params.country !== COUNTRY.code) throw notFound(urlPath(request.url));
    return countryJson(store);
  });

  const search = (typeName: keyof typeof TYPES) => async (request: FastifyRequest<{ Params: { country: string } }>) => {
    const type = TYPES[typeName];
    if (request.params.country !== COUNTRY.code) throw notFound(urlPath(request.url));
    const query = queryOf(request.url);
    const areaCode = query.get("AreaCode") || undefined;
    if (areaCode !== undefined && !/^\d{3}$/.test(areaCode)) throw new RestError(21451, `AreaCode ${areaCode} is not a valid North American area code`);
    const contains = query.get("Contains");
    const wanted = {
      type,
      areaCode,
      contains: contains ? parseContains(contains) : undefined,
      inRegion: query.get("InRegion") || undefined,
      inPostalCode: query.get("InPostalCode") || undefined,
    };
    const numbers = searchNumbers({ ...wanted, limit: pageSizeOf(query), isTaken: (e164) => store.numberByPhone(e164) !== undefined });
    // One page: a search is not a list to walk (its next_page_uri is null), as on Twilio.
    const onePage = new URLSearchParams(query);
    onePage.delete("Page");
    onePage.delete("PageToken");
    return pageOf(onePage, {
      key: "available_phone_numbers",
      path: `${accountPath(store)}/AvailablePhoneNumbers/${COUNTRY.code}/${typeName}.json`,
      items: numbers,
      sid: (n) => n,
      serialize: (n) => {
        const place = placeOf(n, wanted);
        return {
          friendly_name: formatNumber(n),
          phone_number: n,
          lata: null,
          locality: place.locality,
          rate_center: place.locality?.toUpperCase() ?? null,
          latitude: null,
          longitude: null,
          region: place.region,
          postal_code: place.postalCode,
          iso_country: COUNTRY.code,
          address_requirements: "none",
          beta: false,
          // The carrier's numbers take voice and SMS, not MMS or fax (IncomingPhoneNumbers says the same).
          capabilities: { voice: true, SMS: true, MMS: false, fax: false },
        };
      },
    });
  };
  app.get(`${base}/:country/Local.json`, search("Local"));
  app.get(`${base}/:country/TollFree.json`, search("TollFree"));
  // Mobile.json is not a route: the US has none (Twilio's 20404), and that is what any unknown path answers.
}
