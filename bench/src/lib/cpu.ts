// Where the CPU went during a run: the processes named (the call centre, the carrier…), the Postgres
// backends, and the bench itself (the load generator, the scripted callers). On a 2-core machine
// they compete, so this says what the figures are worth.
import { cpuSeconds, cpuSecondsByPid } from "./memory.js";

export class CpuMeter {
  private at = 0;
  private before = new Map<string, number>();
  private postgresBefore = new Map<number, number>();

  constructor(private readonly pids: Record<string, number>) {}

  private read(): Map<string, number> {
    const usage = process.cpuUsage();
    const now = new Map<string, number>();
    for (const [name, pid] of Object.entries(this.pids)) now.set(name, cpuSeconds(pid));
    now.set("bench", (usage.user + usage.system) / 1e6);
    return now;
  }

  /**
   * What the Postgres processes used since start(), summed per pid: a process that started since
   * counts whole, one that has exited since counts nothing (a backend's time is then in its
   * postmaster's children's time), so a server stopping mid-run can only undercount, never go
   * negative.
   */
  private postgresUsed(): number {
    let total = 0;
    for (const [pid, seconds] of cpuSecondsByPid("postgres")) total += seconds - (this.postgresBefore.get(pid) ?? 0);
    return total;
  }

  start(): void {
    this.at = performance.now();
    this.before = this.read();
    this.postgresBefore = cpuSecondsByPid("postgres");
  }

  /** Share of one core each used since start(): "CPU: call centre 95%, carrier 30%, postgres 40%, bench 60%". */
  stop(): string {
    const seconds = (performance.now() - this.at) / 1000;
    const used = [...this.read()].map(([name, cpu]): [string, number] => [name, cpu - (this.before.get(name) ?? 0)]);
    used.splice(used.length - 1, 0, ["postgres", this.postgresUsed()]);
    const parts = used.map(([name, cpu]) => `${name} ${Math.round((cpu / seconds) * 100)}%`);
    return `CPU (share of one core): ${parts.join(", ")}`;
  }

  /** CPU seconds `name` used since start(). */
  used(name: string): number {
    if (name === "postgres") return this.postgresUsed();
    return (this.read().get(name) ?? 0) - (this.before.get(name) ?? 0);
  }
}
