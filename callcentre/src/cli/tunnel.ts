// `--tunnel`: a public HTTPS URL for the local call centre, through ngrok. @ngrok/ngrok is a native
// module, imported only when a tunnel is asked for, so the CLI runs where its binary is missing.
import type { Config } from "../config.js";
import { CliError } from "./errors.js";

export interface Tunnel {
  /** The public origin, e.g. https://abc123.ngrok.app. */
  url: string;
  close(): Promise<void>;
}

/** Opens a tunnel to `addr` (host:port). */
export type TunnelOpener = (addr: string) => Promise<Tunnel>;

export async function openNgrokTunnel(addr: string): Promise<Tunnel> {
  let ngrok: typeof import("@ngrok/ngrok");
  try {
    ngrok = await import("@ngrok/ngrok");
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new CliError(
      `--tunnel needs @ngrok/ngrok, which could not be loaded here (${reason}); start a tunnel yourself and set PUBLIC_BASE_URL instead`,
    );
  }
  let listener: Awaited<ReturnType<typeof ngrok.forward>>;
  try {
    listener = await ngrok.forward({ addr, authtoken_from_env: true });
  } catch (error) {
    throw new CliError(`could not open an ngrok tunnel to ${addr}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const url = listener.url();
  if (!url) {
    await listener.close();
    throw new CliError("ngrok opened a tunnel without a public URL");
  }
  return { url: url.replace(/\/+$/, ""), close: () => listener.close() };
}

/** Where the call centre listens, as the tunnel should reach it: a wildcard HOST means this machine. */
export function tunnelAddress(config: Pick<Config, "host" | "port">): string {
  const host = config.host === "0.0.0.0" || config.host === "::" || config.host === "" ? "127.0.0.1" : config.host;
  return host.includes(":") ? `[${host}]:${config.port}` : `${host}:${config.port}`;
}

/**
 * Resolves on Ctrl-C (SIGINT) or SIGTERM. A timer keeps the process alive meanwhile: signal listeners
 * alone do not.
 */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    const stop = () => {
      clearInterval(keepAlive);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
