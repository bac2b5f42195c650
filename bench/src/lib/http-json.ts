// A small JSON-over-HTTP client on node:http with a keep-alive agent: the agent's maxSockets is the
// pool of requests in flight, and the others wait their turn in the agent's queue.
import http from "node:http";

export interface HttpResponse<T> {
  status: number;
  body: T;
}

export class JsonHttp {
  readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    /** Requests in flight at most; the rest queue. */
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Sends `body` as JSON (or `form` as x-www-form-urlencoded); parses a JSON answer. */
  request<T>(method: string, path: string, options: { json?: unknown; form?: URLSearchParams; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpResponse<T>> {
    const url = new URL(path, this.baseUrl);
    const payload = options.json !== undefined ? JSON.stringify(options.json) : options.form?.toString();
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.json !== undefined) headers["content-type"] = "application/json";
    if (options.form) headers["content-type"] = "application/x-www-form-urlencoded";
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent, timeout: options.timeoutMs ?? 90_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, body: (text === "" ? undefined : JSON.parse(text)) as T });
          } catch {
            reject(new Error(`${method} ${url.pathname}: ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
          }
        });
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${options.timeoutMs ?? 90_000} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Like request(), but a status other than 2xx is an error. */
  async ok<T>(method: string, path: string, options: Parameters<JsonHttp["request"]>[2] = {}): Promise<T> {
    const res = await this.request<T>(method, path, options);
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
