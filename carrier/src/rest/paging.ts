// Twilio's page envelope (docs/twilio-contract.md §8.7): first_page_uri, next_page_uri, previous_page_uri,
// uri, page, page_size, start, end and exactly one list key. The URIs are paths; the official clients
// prefix them with https://api.twilio.com, which a rebasing request client then rewrites.
import { badRequest } from "./errors.js";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
const PAGING_KEYS = new Set(["Page", "PageSize", "PageToken"]);

export interface Listing<T> {
  /** The list key: calls, messages, incoming_phone_numbers, recordings. */
  key: string;
  /** The list's path, e.g. /2010-04-01/Accounts/AC…/Calls.json. */
  path: string;
  /** Every matching item, in list order (newest first). */
  items: T[];
  sid: (item: T) => string;
  serialize: (item: T) => unknown;
}

function nonNegativeInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`${name} must be a non-negative integer, not '${value}'`);
  return Number(value);
}

/**
 * Where a page starts. A PageToken (`PA<sid>`: after that item; `PB<sid>`: the page before it) keeps
 * paging steady while new items arrive at the head of the list; without one (or if its item is
 * gone), Page × PageSize.
 */
function startOf<T>(listing: Listing<T>, page: number, pageSize: number, token: string | null): number {
  const sid = token?.slice(2);
  const at = sid ? listing.items.findIndex((item) => listing.sid(item) === sid) : -1;
  if (at >= 0 && token?.startsWith("PA")) return at + 1;
  if (at >= 0 && token?.startsWith("PB")) return Math.max(0, at - pageSize);
  return page * pageSize;
}

export function pageOf<T>(query: URLSearchParams, listing: Listing<T>): Record<string, unknown> {
  const requested = nonNegativeInt(query, "PageSize") ?? DEFAULT_PAGE_SIZE;
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, requested));
  const page = nonNegativeInt(query, "Page") ?? 0;
  const token = query.get("PageToken");
  const start = startOf(listing, page, pageSize, token);
  const items = listing.items.slice(start, start + pageSize);

  // Filters carry over to every page URI; the client follows next_page_uri without other parameters.
  const filters = [...query.entries()].filter(([name]) => !PAGING_KEYS.has(name));
  const uri = (pageNumber: number, pageToken?: string) => {
    const params = new URLSearchParams(filters);
    params.set("PageSize", String(pageSize));
    params.set("Page", String(pageNumber));
    if (pageToken) params.set("PageToken", pageToken);
    return `${listing.path}?${params.toString()}`;
  };
  const first = items[0];
  const last = items[items.length - 1];
  const hasNext = last !== undefined && start + items.length < listing.items.length;
  return {
    first_page_uri: uri(0),
    end: items.length > 0 ? start + items.length - 1 : start,
    next_page_uri: hasNext ? uri(page + 1, `PA${listing.sid(last)}`) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 && first !== undefined ? uri(page - 1, `PB${listing.sid(first)}`) : page > 0 ? uri(page - 1) : null,
    start,
    uri: uri(page, token ?? undefined),
    [listing.key]: items.map(listing.serialize),
  };
}
