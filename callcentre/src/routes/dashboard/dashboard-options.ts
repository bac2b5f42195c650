// What the dashboard's routes are given, apart from index.ts so the route files it registers do not
// import it back (no import cycles).
import type { DeskPort } from "../../acd/desk-port.js";
import type { Monitoring } from "../../acd/monitoring.js";
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
  /** The ACD, as the agents' desk uses it; without one, the desk shows but cannot change states. */
  desk?: DeskPort | undefined;
  /** Supervisors' monitoring of conversations (acd/monitoring.ts); without it, monitoring answers 503. */
  monitoring?: Monitoring | undefined;
  /** How often an open desk looks for changes made by other instances (default 5 s). */
  deskPollMs?: number | undefined;
}
