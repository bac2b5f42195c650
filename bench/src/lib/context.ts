// What every benchmark is given: the options from the command line and where to write progress.
import type { Engine } from "./centre-database.js";

export interface BenchOptions {
  /** --database; undefined: each benchmark's default. */
  databases: Engine[] | undefined;
  postgresUrl: string;
  /** webhook: wrk's connections in the flat-out runs. */
  concurrency: number;
  /** webhook: interleaved rounds of the Flask peer and the call centre. */
  rounds: number;
  /** webhook: the Flask peer's directory (answer_phone.py); undefined: shared/peers/seed-flask beside the repository. */
  peerDir: string | undefined;
  /** webhook: seconds measured per run. */
  durationSeconds: number;
  /** webhook: seconds of warm-up before each measured run. */
  warmupSeconds: number;
  /** webhook: the fixed rate at which p99 is measured. */
  fixedRate: number;
  /** calls: how many concurrent callers, one run each. */
  calls: number[];
  /** calls, soak: control API requests in flight at most. */
  pool: number;
  /** broadcast */
  subscribers: number;
  /** broadcast: SMS_MPS given to the CLI. */
  mps: number;
  /** soak */
  minutes: number;
  /** soak: calls started per second. */
  rate: number;
  /** startup: runs per database. */
  repeat: number;
  /** acd: callers placed into the queue departments. */
  callers: number;
  /** acd: the seed of the callers' and agents' choices. */
  seed: number;
  /** reports: local days of history seeded, calls a day, measured requests per case, callers waiting now. */
  reportDays: number;
  perDay: number;
  runs: number;
  waiting: number;
  /** Profile the call centre (or the broadcast CLI) with --cpu-prof and summarise it. */
  profile: boolean;
  /** broadcast: NODE_OPTIONS for the CLI (e.g. --max-old-space-size=160), to try a fix. */
  nodeOptions: string | undefined;
}

export interface BenchContext {
  options: BenchOptions;
  /** Progress, to stderr. */
  log: (line: string) => void;
}

/** The databases a benchmark runs on: --database if given, else its default. */
export const databasesFor = (ctx: BenchContext, fallback: Engine[]): Engine[] => ctx.options.databases ?? fallback;
