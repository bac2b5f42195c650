import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";

/**
 * A TCP port free on loopback now, for a program that must be told its port and cannot report one it
 * picked itself (a benchmark's peer server, say). Racy: another process may take the port between this
 * and the program's bind. Tests start programs on port 0 instead and read the port they report
 * (startProgram).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
