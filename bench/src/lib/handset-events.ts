// A handset's server-sent events on the carrier (GET /_carrier/phones/{number}/events, docs/carrier.md):
// each `event: call` carries the call's view whenever its status or activity changes. Each event is
// handed on with performance.now() when it arrived, so a benchmark can time what the handset saw.
import http from "node:http";

export interface HandsetCall {
  sid: string;
  status: string;
  activity: string;
}

export interface HandsetStream {
  close(): void;
}

/** Follows `number`'s events until close(); resolves once the stream is open. */
export function followHandset(carrierUrl: string, number: string, onCall: (call: HandsetCall, at: number) => void, onError: (error: Error) => void): Promise<HandsetStream> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const req = http.get(new URL(`/_carrier/phones/${encodeURIComponent(number)}/events`, carrierUrl), { headers: { accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`events of ${number}: ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = message.split("\n");
          const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
          const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (event === "call" && data) onCall(JSON.parse(data) as HandsetCall, at);
        }
      });
      res.on("error", (error) => {
        if (!closed) onError(error);
      });
      res.on("end", () => {
        if (!closed) onError(new Error(`the events of ${number} ended`));
      });
      resolve({
        close: () => {
          closed = true;
          req.destroy();
        },
      });
    });
    req.on("error", (error) => {
      if (!closed) reject(error);
    });
  });
}
