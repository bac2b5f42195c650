// What the dashboard's routes are given, apart from index.ts so the route files it registers do not
// import it back (no import cycles).
import type { DeskPort } from "../../acd/desk-port.js";
import type { Config } from "../../config.js";
import type { DashboardService } from "../../dashboard/dashboard-service.js";
import type { LiveFeed } from "../../dashboard/live-feed.js";
import type { Flow } from "../../flows/flow-schema.js";
import type { Clock } from "../../lib/clock.js";
import type { Repositories } from "../../plugins/app/repositories.js";

export interface DashboardRoutesOptions {
  config: Config;
  flow: Flow;
  service: DashboardService;
  repositories: Repositories;
  live: LiveFeed;
  clock: Clock;
  /** The ACD, as the dashboard and the desk use it: agents' states. */
  acd: DeskPort;
}
