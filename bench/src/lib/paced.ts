// Open-loop load at a fixed rate, one request every 1/rate seconds: request i is due at
// start + i / rate and is sent then, whether or not earlier ones have been answered (a pool of
// keep-alive sockets large enough that a slow answer never holds a request back). A generator that
// sends each second's quota in a burst when the second starts (autocannon's `overallRate`) measures
// the queueing of its own bursts as much as the server.
//
// A latency runs from the moment the request is handed to the socket to the end of its answer. How
// late the generator itself sent each request against its schedule (timer granularity, its own
// event loop) is reported beside it, so a late generator is visible rather than hidden.
import { Agent, request } from "node:http";
import { percentile } from "./stats.js";
import type { LoadOptions, LoadResult } from "./load.js";

export interface PacedOptions extends LoadOptions {
  ratePerSecond: number;
  /** Most requests in flight at once; a request due while all are busy counts as an error. */
  maxInFlight?: number;
}

export interface PacedResult extends LoadResult {
  /** How late requests left against their schedule: p50 and p99, ms. */
  lagP50Ms: number;
  lagP99Ms: number;
  /** Requests that were due while maxInFlight were outstanding (not sent). */
  overloaded: number;
  p90Ms: number;
  p999Ms: number;
  /** For each second of the run, the slowest answer to a request sent in it (ms): where the tail is. */
  slowestBySecond: number[];
}

export async function runPaced(options: PacedOptions): Promise<PacedResult> {
  const target = new URL(options.path, options.url);
  const maxInFlight = options.maxInFlight ?? 256;
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight, maxFreeSockets: maxInFlight });
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.round(options.durationSeconds * options.ratePerSecond);
  const latencies: number[] = [];
  const slowestBySecond: number[] = [];
  const lags: number[] = [];
  const acceptedIds: string[] = [];
  const samples: string[] = [];
  const statusCounts: Record<string, number> = {};
  let accepted = 0;
  let rejected = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let overloaded = 0;
  let inFlight = 0;
  let sent = 0;
  let settled = 0;

  const start = performance.now();
  const send = (due: number) => {
    if (inFlight >= maxInFlight) {
      overloaded += 1;
      settled += 1;
      return;
    }
    const { id, body, headers } = options.build();
    const began = performance.now();
    lags.push(began - due);
    inFlight += 1;
    const req = request(target, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) }, timeout: 10_000 });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
      settled += 1;
    };
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("error", () => {
        if (!done) errors += 1;
        finish();
      });
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const latency = performance.now() - began;
        latencies.push(latency);
        const second = Math.floor((began - start) / 1000);
        slowestBySecond[second] = Math.max(slowestBySecond[second] ?? 0, latency);
        const status = res.statusCode ?? 0;
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
        if (status < 200 || status > 299) non2xx += 1;
        const text = Buffer.concat(chunks).toString("utf8");
        if (options.accept(status, text)) {
          accepted += 1;
          acceptedIds.push(id);
        } else {
          rejected += 1;
          if (samples.length < 3) samples.push(`${status}: ${text.slice(0, 300)}`);
        }
        finish();
      });
    });
    let timedOut = false;
    req.on("timeout", () => {
      timedOut = true;
      timeouts += 1;
      req.destroy(new Error("timeout"));
    });
    req.on("error", () => {
      if (!timedOut && !done) errors += 1;
      finish();
    });
    req.end(body);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        send(start + sent * intervalMs);
        sent += 1;
      }
      if (sent < total) {
        // setTimeout's granularity is a millisecond (and no spinning: the generator shares the
        // machine's cores with the server), so a request leaves up to about a millisecond late.
        setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now() - 0.5));
        return;
      }
      const drain = () => (settled >= total ? resolve() : setTimeout(drain, 5));
      drain();
    };
    tick();
  });
  const durationSeconds = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    durationSeconds,
    responses: latencies.length,
    accepted,
    acceptedIds,
    rejected,
    non2xx,
    errors: errors + overloaded,
    timeouts,
    statusCounts,
    perSecond: accepted / options.durationSeconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    samples,
    p90Ms: percentile(latencies, 90),
    p999Ms: percentile(latencies, 99.9),
    slowestBySecond: Array.from(slowestBySecond, (ms) => Math.round((ms ?? 0) * 10) / 10),
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    overloaded,
  };
}
