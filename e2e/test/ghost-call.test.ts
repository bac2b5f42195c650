// A call whose final status callback never comes: the carrier is killed in the middle of a call and
// started again on the same port, knowing nothing of it (its REST API answers 404 for it). The call
// centre, with a short CALL_RECONCILE_AFTER_SECONDS, looks the call up and closes it: the Live view
// stops showing it, and the call log says its status is unknown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenMeteoFixture, waitFor } from "@callcentre/testkit";
import { centreEnv, provisionNumber, scenarioDatabase, startCarrierProcess, startCentre } from "./system.js";

const CALLER = "+61255500100";

test("the carrier restarts mid-call: the call centre closes the call it lost as unknown, and Live drops it", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-ghost-"));
  const database = await scenarioDatabase(t);
  const weather = await startOpenMeteoFixture(t);
  const first = await startCarrierProcess(t, dataDir);
  const centreUrl = (await startCentre(t, centreEnv({ carrier: first.carrier, dataDir, weather, env: { ...database, CALL_RECONCILE_AFTER_SECONDS: "1" } }))).url;
  await provisionNumber(first.carrier, centreUrl);

  const password = readFileSync(join(dataDir, "dashboard-password"), "utf8").trim();
  const signIn = await fetch(`${centreUrl}/login`, { method: "POST", body: new URLSearchParams({ password }), redirect: "manual" });
  assert.equal(signIn.status, 303);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${centreUrl}${path}`, { headers: { cookie } });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const live = async () => (await api<{ calls: { sid: string }[] }>("/api/live")).calls.map((c) => c.sid);

  const sid = await first.carrier.placeCall(CALLER);
  const call = await first.carrier.settled(sid);
  assert.equal(call.activity, "gathering", "at the main menu");
  // Still in progress at the carrier: checked, and left open.
  await waitFor(async () => (await live()).includes(sid), "the call on the Live view");

  // The carrier dies and comes back on the same port: the call, and its final callback, are gone.
  await first.process.stop("SIGKILL");
  await startCarrierProcess(t, dataDir, Number(new URL(first.carrier.url).port));

  const view = () => api<{ call: { status: string; endedAt: string | null }; events: { kind: string; detail: Record<string, unknown> }[] }>(`/api/calls/${sid}`);
  await waitFor(async () => (await view()).call.status === "unknown", "the call closed as unknown", 30_000);
  const { call: closed, events } = await view();
  assert.ok(closed.endedAt);
  assert.ok(!(await live()).includes(sid), "Live no longer shows it");
  const reconciled = events.find((e) => e.kind === "call.reconciled");
  assert.deepEqual(reconciled?.detail, { status: "unknown", reason: "not found at Twilio (20404)", source: "rest" });
});
