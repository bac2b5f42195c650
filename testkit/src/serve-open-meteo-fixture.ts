// Runs the Open-Meteo stand-in as a process of its own, for tests in other workspaces:
//   tsx testkit/src/serve-open-meteo-fixture.ts [port]   (or OPEN_METEO_FIXTURE_PORT; default: any free port)
// prints {"geocodingUrl":"…","forecastUrl":"…"} as one JSON line on stdout, and stops on SIGTERM/SIGINT.
import { startOpenMeteoFixture } from "./open-meteo-fixture.js";

const portText = process.argv[2] ?? process.env.OPEN_METEO_FIXTURE_PORT ?? "0";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65_535) {
  console.error(`serve-open-meteo-fixture: invalid port ${JSON.stringify(portText)}`);
  process.exit(2);
}

const fixture = await startOpenMeteoFixture(undefined, { port });
process.stdout.write(`${JSON.stringify({ geocodingUrl: fixture.geocodingUrl, forecastUrl: fixture.forecastUrl })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void fixture.close().then(() => process.exit(0)));
}
