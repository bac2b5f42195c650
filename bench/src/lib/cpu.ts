// Where the CPU went during a run: the processes named (the call centre, the carrier…), the Postgres
// backends, and the bench itself (the load generator, the scripted callers). On a 2-core machine
// they compete, so this says what the figures are worth.
import { cpuSeconds, cpuSecondsOf } from "./memory.js";

export class CpuMeter {
  private at = 0;
  private before = new Map<string, number>();

  constructor(private readonly pids: Record<string, number>) {}

  private read(): Map<string, number> {
    const usage = process.cpuUsage();
    const now = new Map<string, number>();
    for (const [name, pid] of Object.entries(this.pids)) now.set(name, cpuSeconds(pid));
    now.set("postgres", cpuSecondsOf("postgres"));
    now.set("bench", (usage.user + usage.system) / 1e6);
    return now;
  }

  start(): void {
    this.at = performance.now();
    this.before = this.read();
  }

  /** Share of one core each used since start(): "CPU: call centre 95%, carrier 30%, postgres 40%, bench 60%". */
  stop(): string {
    const seconds = (performance.now() - this.at) / 1000;
    const parts = [...this.read()].map(([name, cpu]) => `${name} ${Math.round(((cpu - (this.before.get(name) ?? 0)) / seconds) * 100)}%`);
    return `CPU (share of one core): ${parts.join(", ")}`;
  }

  /** CPU seconds `name` used since start(). */
  used(name: string): number {
    return (this.read().get(name) ?? 0) - (this.before.get(name) ?? 0);
  }
}
