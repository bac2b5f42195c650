// @callcentre/testkit: what the workspaces' tests share. Imports no workspace's source.
export { waitFor } from "./wait-for.js";
export { startProgram, ROOT, type Program, type ReadyMessage, type StartOptions } from "./program.js";
export { postgresReachable } from "./postgres.js";
export { freePort } from "./free-port.js";
export { chromiumPath, CHROMIUM_LOCATIONS } from "./chromium.js";
export { CHROMIUM_ARGS, collectPageErrors, launchChromium } from "./browser.js";
export { startOpenMeteoFixture, fixtureSlug, type OpenMeteoFixture, type FixtureApi, type FixtureRequest, type Hold } from "./open-meteo-fixture.js";
