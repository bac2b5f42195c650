// An HTTP load balancer on loopback for the scale-out scenarios (scale-out.test.ts,
// acd-scale-out.test.ts): the carrier's webhooks reach two call-centre instances in turn.
import { createServer, request as httpRequest } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";

/**
 * An HTTP load balancer on loopback: each request goes to the next backend in turn, untouched. Backends
 * are added as they start (each on a port the system picks).
 */
export async function roundRobin() {
  const backends: string[] = [];
  const served: number[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const index = next++ % backends.length;
    served[index] = (served[index] ?? 0) + 1;
    const target = new URL(req.url ?? "/", backends[index]);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const add = (backend: string) => {
    backends.push(backend);
    served.push(0);
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, add, served, close: () => server.close() };
}
