// Reading a V8 .cpuprofile (node --cpu-prof): self time per function and per package, the top first.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { renderTable } from "./table.js";

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** "fastify", "pg", "callcentre/src/…", "node:internal", or the V8 pseudo-frame. */
function owner(url: string, functionName: string): string {
  if (!url) return `(${functionName || "anonymous"})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const local = /\/(callcentre|carrier|bench)\/(src\/[^/]+)/.exec(url);
  if (local) return `${local[1]}/${local[2]}`;
  if (url.startsWith("node:")) return "node:internal";
  return url.replace(/^file:\/\//, "");
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "").replace(/^.*\/(callcentre|carrier)\//, "$1/");
}

/** Now on the clock V8 stamps profiles with (CLOCK_MONOTONIC, in microseconds), for `window`. */
export const profileClockNow = (): number => Number(process.hrtime.bigint() / 1000n);

export interface ProfileWindow {
  /** profileClockNow() values: only samples taken between them are counted. */
  fromUs: number;
  toUs: number;
}

/**
 * The top `top` functions and packages by self time, as text. `node --import tsx` writes one profile
 * per thread (the main thread, and the loader's worker): the busiest one is summarised. Percentages
 * are of the time the thread was busy (idle time is left out and given apart).
 */
export function summariseProfiles(dir: string, window?: ProfileWindow, top = 20): string {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length === 0) return `no .cpuprofile in ${dir} (the process must exit normally to write one)`;
  const summaries = files.map((file) => summariseFile(join(dir, file), window));
  const busiest = summaries.sort((a, b) => b.total - a.total)[0];
  if (!busiest) return "no profile";
  const { byFunction, byOwner, byNativeCaller, total, idle } = busiest;
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => [`${((micros / total) * 100).toFixed(1)}%`, `${(micros / 1000).toFixed(0)} ms`, name.length > 110 ? `${name.slice(0, 107)}…` : name]);
  return [
    `CPU profile of the main thread${window ? ` in a ${((window.toUs - window.fromUs) / 1e6).toFixed(1)} s window` : ""}: ` +
      `${(total / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; self time by function, % of busy time`,
    renderTable([["self", "time", "function  location"], ...rows(byFunction)]),
    "",
    "self time by package / module",
    renderTable([["self", "time", "owner"], ...rows(byOwner)]),
    "",
    "native time (syscalls such as writev) by the first caller outside node's internals",
    renderTable([["self", "time", "native  ←  caller"], ...rows(byNativeCaller).slice(0, 8)]),
  ].join("\n");
}

function summariseFile(file: string, window: ProfileWindow | undefined) {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const byNativeCaller = new Map<string, number>();
  let total = 0;
  let idle = 0;
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);
  /** The first frame above `id` that is neither native nor node's own. */
  const caller = (id: number): string => {
    for (let at = parents.get(id); at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame?.url && !frame.url.startsWith("node:")) return `${frame.functionName || "(anonymous)"}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    }
    return "(none)";
  };
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    at += micros;
    if (!node || (window && (at < window.fromUs || at > window.toUs))) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (!url && functionName === "(idle)") {
      idle += micros;
      return;
    }
    total += micros;
    const key = url ? `${functionName || "(anonymous)"}  ${shortUrl(url)}:${lineNumber + 1}` : `(${functionName})`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const who = owner(url, functionName);
    byOwner.set(who, (byOwner.get(who) ?? 0) + micros);
    if (!url && !functionName.startsWith("(")) {
      const where = `(${functionName})  ←  ${caller(id)}`;
      byNativeCaller.set(where, (byNativeCaller.get(where) ?? 0) + micros);
    }
  });
  return { byFunction, byOwner, byNativeCaller, total, idle };
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/**
 * A sampling heap profile (node --heap-prof, written at exit): what was still allocated then, by the
 * function that allocated it and by package. The busiest file (the main thread) is summarised.
 */
export function summariseHeapProfiles(dir: string, top = 15): string {
  const files = readdirSync(dir).filter((f) => f.endsWith(".heapprofile"));
  if (files.length === 0) return `no .heapprofile in ${dir}`;
  let best: { byFunction: Map<string, number>; byOwner: Map<string, number>; total: number } | undefined;
  for (const file of files) {
    const byFunction = new Map<string, number>();
    const byOwner = new Map<string, number>();
    let total = 0;
    const walk = (node: HeapNode) => {
      if (node.selfSize > 0) {
        const { functionName, url, lineNumber } = node.callFrame;
        const key = url ? `${functionName || "(anonymous)"}  ${shortUrl(url)}:${lineNumber + 1}` : `(${functionName || "native"})`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
        const who = owner(url, functionName);
        byOwner.set(who, (byOwner.get(who) ?? 0) + node.selfSize);
        total += node.selfSize;
      }
      for (const child of node.children) walk(child);
    };
    walk((JSON.parse(readFileSync(join(dir, file), "utf8")) as { head: HeapNode }).head);
    if (!best || total > best.total) best = { byFunction, byOwner, total };
  }
  if (!best) return "no heap profile";
  const { total } = best;
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => [`${((bytes / total) * 100).toFixed(1)}%`, `${(bytes / 1024 / 1024).toFixed(1)} MB`, name.length > 110 ? `${name.slice(0, 107)}…` : name]);
  return [
    `heap profile at exit (sampled live JS objects, ${(total / 1024 / 1024).toFixed(1)} MB; WASM and native buffers are not included): by allocating function`,
    renderTable([["share", "size", "function  location"], ...rows(best.byFunction)]),
    "",
    "by package / module",
    renderTable([["share", "size", "owner"], ...rows(best.byOwner)]),
  ].join("\n");
}
