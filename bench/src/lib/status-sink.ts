// A stand-in for the call centre's /twilio/sms/status when the server is not running (the broadcast
// CLI sends, the carrier calls back): answers 204 and counts the callbacks per message.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Scope } from "./cleanup.js";

export interface StatusSink {
  url: string;
  /** MessageSid → the statuses reported for it, in order. */
  statuses: Map<string, string[]>;
  requests: number;
}

export async function startStatusSink(scope: Scope): Promise<StatusSink> {
  const sink: StatusSink = { url: "", statuses: new Map(), requests: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      sink.requests += 1;
      const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const sid = params.get("MessageSid");
      const status = params.get("MessageStatus");
      if (sid && status) sink.statuses.set(sid, [...(sink.statuses.get(sid) ?? []), status]);
      res.writeHead(204).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scope.defer("stop the status sink", async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return sink;
}
