// What the dashboard's route plugins are given: in a file of its own, so that index.ts (which registers
// them) and the plugins do not import each other.
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
}
