// The baseline for the webhook benchmark: a bare Fastify route (the callcentre workspace's fastify)
// at the same path, answering every POST with a constant TwiML body of the same bytes as the call
// centre's real answer. It reads the form body but does no signature check, parsing, database or
// TwiML building: the cost of HTTP and Fastify alone. Run as its own process:
//   BARE_PORT=… BARE_BODY_FILE=… node --import tsx bench/src/bare-server.ts
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const fromCallcentre = createRequire(new URL("../../callcentre/package.json", import.meta.url));
const { default: Fastify } = (await import(pathToFileURL(fromCallcentre.resolve("fastify")).href)) as typeof import("fastify");

const port = Number(process.env.BARE_PORT);
const file = process.env.BARE_BODY_FILE;
if (!Number.isInteger(port) || !file) {
  console.error("BARE_PORT and BARE_BODY_FILE are required");
  process.exit(1);
}
const twiml = readFileSync(file);

const app = Fastify({ logger: false });
// Twilio posts forms: take the body as it comes (Fastify has no form parser of its own).
app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => done(null, body));
app.post("/twilio/voice/incoming", async (_request, reply) => reply.type("text/xml").send(twiml));

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
await app.listen({ port, host: "127.0.0.1" });
process.stdout.write(`bare route ready on http://127.0.0.1:${port}\n`);
