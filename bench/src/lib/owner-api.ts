// The owner's dashboard API over HTTP, as e2e/test/acd.test.ts uses it: sign in with the generated
// password (DATA_DIR/dashboard-password), then the session cookie and its CSRF token with each change.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface OwnerApi {
  /** Sets an agent's state; returns the HTTP status (409: busy, their state follows the call). */
  setState(agentId: string, state: "available" | "break" | "offline"): Promise<number>;
}

export async function signInOwner(centreUrl: string, dataDir: string): Promise<OwnerApi> {
  const password = readFileSync(join(dataDir, "dashboard-password"), "utf8").trim();
  const signIn = await fetch(`${centreUrl}/login`, { method: "POST", body: new URLSearchParams({ password }), redirect: "manual" });
  if (signIn.status !== 303) throw new Error(`signing in to the dashboard: ${signIn.status}`);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await fetch(`${centreUrl}/`, { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1];
  if (!csrf) throw new Error("the dashboard gave no CSRF token");
  return {
    async setState(agentId, state) {
      const res = await fetch(`${centreUrl}/api/agents/${agentId}/state`, {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
        body: JSON.stringify({ state }),
      });
      await res.arrayBuffer();
      return res.status;
    },
  };
}
