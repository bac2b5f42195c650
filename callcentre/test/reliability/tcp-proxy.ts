// A TCP proxy in front of a server (Postgres, here) that a test can take down and bring back, at the
// network boundary: "down" closes every connection and refuses new ones, as a stopped server does;
// "blackhole" keeps connections open but lets nothing through, as a dead link or a hung server does.
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

export type ProxyMode = "up" | "down" | "blackhole";

export class TcpProxy {
  private mode: ProxyMode = "up";
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Socket>();
  private readonly server = createServer((client) => this.accept(client));
  private port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.listen();
    return proxy;
  }

  /** Client connections open through the proxy. */
  get connections(): number {
    return this.clients.size;
  }

  get address(): { host: string; port: number } {
    return { host: "127.0.0.1", port: this.port };
  }

  /** The server is stopped: open connections are cut, new ones refused. */
  async down(): Promise<void> {
    this.mode = "down";
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.clients.clear();
    if (this.server.listening) {
      this.server.close();
      await once(this.server, "close");
    }
  }

  /** Nothing comes back: connections open (or stay open) and every byte is dropped. */
  async blackhole(): Promise<void> {
    if (!this.server.listening) await this.listen();
    this.mode = "blackhole";
  }

  /** Back to normal. Connections that saw the outage stay broken; new ones work. */
  async up(): Promise<void> {
    if (!this.server.listening) await this.listen();
    this.mode = "up";
  }

  async close(): Promise<void> {
    await this.down();
  }

  private async listen(): Promise<void> {
    this.server.listen(this.port, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
  }

  private accept(client: Socket): void {
    this.track(client);
    this.clients.add(client);
    client.on("close", () => this.clients.delete(client));
    if (this.mode === "blackhole") {
      client.on("data", () => undefined);
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    const relay = (from: Socket, to: Socket) =>
      from.on("data", (chunk: Buffer) => {
        if (this.mode === "up") to.write(chunk);
      });
    relay(client, upstream);
    relay(upstream, client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => this.sockets.delete(socket));
  }
}
