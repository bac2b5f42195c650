// A program as the call centre and the carrier behave under npm start: listens on PORT (0: a port the
// system picks) and reports its URL on the IPC channel.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const server = createServer((_req, res) => res.end("hello"));
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write("listening\n");
  process.send?.({ event: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
