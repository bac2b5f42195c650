// The live event streams open on this instance, by the session that opened each. Signing out ends
// that session's streams at once; a stream whose session has ended in another way (expired, the
// password changed, signed out through another instance) ends at its next event or keep-alive.
import type { ServerResponse } from "node:http";

export class SessionStreams {
  private readonly streams = new Map<ServerResponse, string>();

  add(tokenHash: string, stream: ServerResponse): void {
    this.streams.set(stream, tokenHash);
    stream.once("close", () => this.streams.delete(stream));
  }

  /** Ends the streams of one session (it signed out). */
  endSession(tokenHash: string): void {
    for (const [stream, owner] of this.streams) if (owner === tokenHash) stream.end();
  }

  /** Ends every stream (the server is closing). */
  endAll(): void {
    for (const stream of this.streams.keys()) stream.end();
  }
}
