// What the CLI's commands run against: the configuration (loaded on first use, so --help and input
// errors need none), the Twilio client, the output streams and the tunnel. Everything is injected so
// tests run commands in-process against a local server.
import type { Config } from "../config.js";
import { createTwilioClient, type TwilioClient } from "../twilio-client.js";
import { openNgrokTunnel, untilInterrupted, type TunnelOpener } from "./tunnel.js";

export type Writer = (text: string) => void;

export interface CliDeps {
  /** The configuration, or how to load it (called once, by the first command that needs it). */
  config: Config | (() => Config);
  /** Builds the Twilio client; by default the official client, rebased onto TWILIO_API_BASE_URL. */
  createClient?: (config: Config) => TwilioClient;
  stdout: Writer;
  stderr: Writer;
  /** Where NGROK_AUTHTOKEN is read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  openTunnel?: TunnelOpener;
  /** Resolves when the user stops the CLI (Ctrl-C); a tunnel stays open until then. */
  untilInterrupted?: () => Promise<void>;
  /** Width available to tables (the terminal's columns); 120 when unknown. */
  columns?: number;
}

export interface CliContext {
  config(): Config;
  client(): TwilioClient;
  /** Writes a line to stdout. */
  out(line?: string): void;
  /** Writes `Warning: <message>` to stderr. */
  warn(message: string): void;
  env: NodeJS.ProcessEnv;
  openTunnel: TunnelOpener;
  untilInterrupted: () => Promise<void>;
  columns: number;
  /** The configuration if a command has loaded it: for error reports (API URL, secrets to mask). */
  loadedConfig(): Config | undefined;
}

export function createContext(deps: CliDeps): CliContext {
  let config: Config | undefined;
  let client: TwilioClient | undefined;
  const createClient = deps.createClient ?? ((c: Config) => createTwilioClient(c.twilio, c.twilioApiBaseUrl));
  const context: CliContext = {
    config() {
      config ??= typeof deps.config === "function" ? deps.config() : deps.config;
      return config;
    },
    client() {
      client ??= createClient(context.config());
      return client;
    },
    out: (line = "") => deps.stdout(`${line}\n`),
    warn: (message) => deps.stderr(`Warning: ${message}\n`),
    env: deps.env ?? process.env,
    openTunnel: deps.openTunnel ?? openNgrokTunnel,
    untilInterrupted: deps.untilInterrupted ?? untilInterrupted,
    columns: deps.columns ?? 120,
    loadedConfig: () => config,
  };
  return context;
}
