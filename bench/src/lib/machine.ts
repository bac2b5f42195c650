// The machine the figures come from, printed above them.
import { cpus, loadavg, totalmem } from "node:os";
import { postgresVersion } from "./postgres.js";

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  postgres: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  load: number;
}

export async function describeMachine(postgresUrl: string): Promise<Machine> {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres: await postgresVersion(postgresUrl),
    load: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function machineLine(m: Machine): string {
  return `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, Node ${m.node}, Postgres ${m.postgres} (load average ${m.load} at start)`;
}
