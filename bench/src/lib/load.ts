// HTTP load with autocannon, one freshly built request each time (setupRequest), every answer
// checked (onResponse), and latencies kept raw so that percentiles are exact (autocannon's own
// histogram is also kept: with a fixed rate it corrects for coordinated omission).
import autocannon from "autocannon";
import { percentile } from "./stats.js";

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  durationSeconds: number;
  /** Requests per second from all connections together; unset: as fast as the server answers. */
  overallRate?: number | undefined;
  /** A new request: body and headers (e.g. a new signed webhook), and its id (e.g. the CallSid). */
  build: () => { id: string; body: string; headers: Record<string, string> };
  /** Whether an answer is the right one (status 200 and the expected body). */
  accept: (status: number, body: string) => boolean;
}

export interface LoadResult {
  durationSeconds: number;
  responses: number;
  /** Answers that passed `accept`. */
  accepted: number;
  /** The ids of the requests whose answers passed `accept`. */
  acceptedIds: string[];
  /** Answers that did not (wrong status or body). */
  rejected: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  /** Accepted answers per second. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** autocannon's p99 (with a fixed rate, corrected for coordinated omission). */
  autocannonP99Ms: number;
  /** A few rejected answers, for the report. */
  samples: string[];
}

interface RequestContext {
  id?: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let accepted = 0;
  let rejected = 0;
  const acceptedIds: string[] = [];
  const samples: string[] = [];
  const latencies: number[] = [];
  const config: autocannon.Options = {
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    timeout: 10,
    requests: [
      {
        method: "POST",
        path: options.path,
        // With one request in flight per connection, the connection's context holds the id of the request
        // being answered when onResponse runs (autocannon builds the next request after it).
        setupRequest: (request, context) => {
          const { id, body, headers } = options.build();
          (context as RequestContext).id = id;
          return { ...request, method: "POST", path: options.path, body, headers };
        },
        onResponse: (status, body, context) => {
          if (options.accept(status, body)) {
            accepted += 1;
            const id = (context as RequestContext).id;
            if (id) acceptedIds.push(id);
          } else {
            rejected += 1;
            if (samples.length < 3) samples.push(`${status}: ${String(body).slice(0, 300)}`);
          }
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(config, (error: Error | null, done: autocannon.Result) => (error ? reject(error) : resolve(done)));
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = stat.count ?? 0;
  return {
    durationSeconds: result.duration,
    responses: latencies.length,
    accepted,
    acceptedIds,
    rejected,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    perSecond: accepted / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    autocannonP99Ms: result.latency.p99,
    samples,
  };
}

/** Nothing went wrong: no connection error, no timeout, every answer accepted. */
export const clean = (r: LoadResult): boolean => r.errors === 0 && r.timeouts === 0 && r.rejected === 0 && r.non2xx === 0;

export function describeProblems(r: LoadResult): string {
  return `${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx, ${r.rejected} answers rejected (statuses ${JSON.stringify(r.statusCounts)})${r.samples.length ? `; e.g. ${r.samples.join(" | ")}` : ""}`;
}
