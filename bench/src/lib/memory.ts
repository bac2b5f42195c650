// Resident memory of a process from /proc/<pid>/status: VmRSS now, VmHWM its peak so far. Read from
// the real node process (not an npm or tsx wrapper: see findNodeProcess).
import { readdirSync, readFileSync } from "node:fs";

export interface MemorySample {
  /** Milliseconds since the sampler started. */
  atMs: number;
  rssMb: number;
  peakMb: number;
}

export function readMemory(pid: number): { rssMb: number; peakMb: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  const rss = kb("VmRSS");
  if (Number.isNaN(rss)) return undefined;
  return { rssMb: rss / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** Samples a process every `intervalMs`, until stop() or the process is gone. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private readonly timer: NodeJS.Timeout;
  readonly startedAt = performance.now();

  constructor(
    readonly pid: number,
    intervalMs: number,
    private readonly onSample?: (sample: MemorySample) => void,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes a sample now (besides the periodic ones). */
  sample(): void {
    const memory = readMemory(this.pid);
    if (!memory) return;
    const sample = { atMs: performance.now() - this.startedAt, ...memory };
    this.samples.push(sample);
    this.onSample?.(sample);
  }

  /** The highest VmHWM seen: the process's peak RSS up to the last sample. */
  get peakMb(): number {
    return Math.max(0, ...this.samples.map((s) => s.peakMb));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

interface ProcInfo {
  pid: number;
  ppid: number;
  argv: string[];
}

function processes(): ProcInfo[] {
  const list: ProcInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean);
      list.push({ pid: Number(entry), ppid, argv });
    } catch {
      // Gone meanwhile.
    }
  }
  return list;
}

/** Launchers that start another node process for the script: npm, and tsx's CLI. */
const LAUNCHER = /(\/\.bin\/tsx|\/tsx\/dist\/cli\.mjs|\/npm-cli\.js)$/;

/**
 * The process under `rootPid` (itself included) that actually runs `script`: a node process whose
 * arguments name it, that is not a launcher (npm → sh → tsx's CLI → node with tsx's loader), and
 * none of whose children runs it. Undefined until that process exists.
 */
export function findNodeProcess(rootPid: number, script: string): number | undefined {
  const all = processes();
  const children = (pid: number) => all.filter((p) => p.ppid === pid);
  const runs = (p: ProcInfo) =>
    /(^|\/)node$/.test(p.argv[0] ?? "") && p.argv.some((arg) => arg.endsWith(script)) && !p.argv.some((arg) => LAUNCHER.test(arg));
  const descendants: ProcInfo[] = [];
  const walk = (pid: number) => {
    for (const child of children(pid)) {
      descendants.push(child);
      walk(child.pid);
    }
  };
  const root = all.find((p) => p.pid === rootPid);
  if (root) descendants.push(root);
  walk(rootPid);
  const candidates = descendants.filter(runs);
  return candidates.find((p) => !children(p.pid).some(runs))?.pid;
}

/** CPU seconds (user + system) a process has used so far; 0 if it is gone. */
export function cpuSeconds(pid: number, options: { children?: boolean } = {}): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat (11 and 12 after "state"), cutime and cstime (the
    // children it has waited for) 16 and 17, in clock ticks (USER_HZ, 100 on Linux).
    const own = Number(fields[11]) + Number(fields[12]);
    return (options.children ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by each process whose command is `comm` (e.g. every Postgres process), by
 * pid, with what its children that have exited used: a backend that exits moves its time into the
 * postmaster's cutime and cstime.
 */
export function cpuSecondsByPid(comm: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === comm) byPid.set(Number(entry), cpuSeconds(Number(entry), { children: true }));
    } catch {
      // Gone meanwhile.
    }
  }
  return byPid;
}
