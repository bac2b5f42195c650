// Rooms: every bridge between calls is a room of N parties, written once. <Dial><Number> puts the
// caller and the answered leg in one, <Dial><Queue> the agent and the dequeued caller; a conference
// will be one more room. While in a room each party hears the others (speech.ts reads `others`).
import type { Clock } from "../clock.js";
import { newSid } from "../sids.js";
import type { BridgeOptions, BridgeResult, RoomsPort } from "./ports.js";
import type { Call, RoomView } from "./call.js";
import { handsetOf } from "./speech.js";

export class Room implements RoomView {
  readonly sid = newSid("CF");
  constructor(readonly parties: readonly Call[]) {}
}

export class Rooms implements RoomsPort {
  /** Rooms with parties in them now. */
  readonly open = new Set<Room>();

  constructor(private readonly clock: Clock) {}

  /**
   * Bridges `parties` until one of them hangs up, `timeLimitSeconds` pass, the `hangupOnStar` party
   * presses *, or `signal` aborts; then takes them out of the room. Ends no call: what happens to
   * each party afterwards is its verb's business (a dialled leg is hung up, a queued caller goes on).
   */
  async bridge(parties: Call[], options: BridgeOptions): Promise<BridgeResult> {
    const room = new Room(parties);
    const started = this.clock.now().getTime();
    this.open.add(room);
    for (const party of parties) {
      party.joinRoom(room);
      const other = parties.find((p) => p !== party) as Call;
      party.timeline.add("bridged", { with: other.sid, ...(options.queue ? { queue: options.queue } : { to: handsetOf(other) }), room: room.sid });
      party.setActivity("bridged");
    }
    const stop = new AbortController();
    const over = AbortSignal.any([options.signal, stop.signal, ...parties.map((p) => p.ended.signal)]);
    const waits: Promise<BridgeResult["reason"]>[] = [
      new Promise((resolve) => {
        const why = () => resolve(options.signal.aborted ? "aborted" : "hangup");
        if (over.aborted) why();
        else over.addEventListener("abort", why, { once: true });
      }),
      this.clock.sleep(options.timeLimitSeconds * 1000, over).then((r) => (r === "elapsed" ? "time-limit" : "hangup")),
    ];
    const star = options.hangupOnStar;
    if (star) {
      star.input.arm();
      waits.push(
        (async () => {
          for (;;) {
            await star.input.waitForInput(over);
            if (over.aborted) return "hangup" as const;
            const input = star.input.take();
            if (input?.kind === "digit" && input.key === "*") return "star" as const;
          }
        })(),
      );
    }
    const reason = await Promise.race(waits);
    stop.abort();
    star?.input.disarm();
    for (const party of parties) party.leaveRoom(room);
    this.open.delete(room);
    return { durationSeconds: Math.round((this.clock.now().getTime() - started) / 1000), reason };
  }
}
