// Accounts: fetch the carrier's one account, and list it. Twilio answers these to the auth token (or a
// Main key) only: a Standard API key gets 401/20003 (auth.ts). Creating subaccounts and closing or
// suspending the account are not offered: a simulator has exactly one account.
import type { FastifyInstance } from "fastify";
import type { Store } from "../store.js";
import { pageOf } from "./paging.js";
import { queryOf } from "./params.js";
import { API, accountJson } from "./serialize.js";

const MAIN_CREDENTIALS = { config: { mainCredentials: true } };

export function accountRoutes(app: FastifyInstance, store: Store): void {
  // A different AccountSid in the path never gets here: auth.ts answers it 401, as for every route.
  app.get("/Accounts/:AccountSid.json", MAIN_CREDENTIALS, async () => accountJson(store));

  // Filters: FriendlyName and Status (active, suspended, closed), matched exactly.
  app.get("/Accounts.json", MAIN_CREDENTIALS, async (request) => {
    const query = queryOf(request.url);
    const account = accountJson(store);
    const name = query.get("FriendlyName");
    const status = query.get("Status");
    const matches = (!name || name === account.friendly_name) && (!status || status === account.status);
    return pageOf(query, { key: "accounts", path: `${API}/Accounts.json`, items: matches ? [account] : [], sid: () => store.account.sid, serialize: (a) => a });
  });
}
