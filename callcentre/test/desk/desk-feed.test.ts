// The desk feed: a change the ACD reports reaches that agent's listeners; one nobody reports (another
// instance's) is found by the slow poll; an unchanged snapshot is not sent again.
import { test } from "node:test";
import assert from "node:assert/strict";
import Fastify from "fastify";
import { DeskFeed } from "../../src/desk/desk-feed.js";
import type { DeskSnapshot } from "../../src/desk/desk-service.js";
import { waitFor } from "../helpers.js";

const snapshot = (id: string, state: DeskSnapshot["agent"]["state"]): DeskSnapshot => ({
  agent: { id, name: id, state, reason: null, stateSince: "2026-11-24T01:00:00.000Z", wrapUntil: null, device: "phone", hasPhone: true, hasClient: false, phone: "+61491570101", client: null, departments: [] },
  work: null,
  wrapUp: null,
  caller: null,
});

function port() {
  const listeners = new Set<(agentId: string | undefined) => void>();
  return {
    choose: () => Promise.reject(new Error("not used")),
    setDevice: () => Promise.reject(new Error("not used")),
    callAction: () => Promise.reject(new Error("not used")),
    onChange(listener: (agentId: string | undefined) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed: (agentId?: string) => listeners.forEach((listener) => listener(agentId)),
    listening: () => listeners.size,
  };
}

test("a reported change reaches the agent's listeners only; the feed stops listening when nobody is", async (t) => {
  const states = new Map<string, DeskSnapshot["agent"]["state"]>([["ava", "offline"], ["bob", "offline"]]);
  const acd = port();
  const feed = new DeskFeed({ snapshot: async (id) => snapshot(id, states.get(id) ?? "offline"), port: acd, log: Fastify().log, debounceMs: 1, pollMs: 3_600_000 });
  t.after(() => feed.stop());
  const ava: DeskSnapshot[] = [];
  const bob: DeskSnapshot[] = [];
  const stopAva = await feed.subscribe("ava", (s) => ava.push(s));
  const stopBob = await feed.subscribe("bob", (s) => bob.push(s));
  assert.equal(acd.listening(), 1);
  states.set("ava", "available");
  acd.changed("ava");
  await waitFor(() => ava.length === 2, "Ava's change");
  assert.equal(ava[1]?.agent.state, "available");
  acd.changed(undefined);
  states.set("bob", "break");
  acd.changed(undefined);
  await waitFor(() => bob.length === 2, "Bob's change");
  assert.equal(ava.length, 2, "Ava's desk did not change: nothing sent");
  stopAva();
  stopBob();
  assert.equal(acd.listening(), 0);
});

test("the slow poll finds a change nobody reported", async (t) => {
  let state: DeskSnapshot["agent"]["state"] = "offline";
  const feed = new DeskFeed({ snapshot: async (id) => snapshot(id, state), port: port(), log: Fastify().log, debounceMs: 1, pollMs: 20 });
  t.after(() => feed.stop());
  const seen: DeskSnapshot[] = [];
  await feed.subscribe("ava", (s) => seen.push(s));
  state = "available";
  await waitFor(() => seen.length === 2, "the polled change");
  assert.equal(seen[1]?.agent.state, "available");
});
