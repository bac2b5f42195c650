// Rooms: every bridge between calls is a room of N parties, written once. <Dial><Number> puts the
// caller and the answered leg in one, <Dial><Queue> the agent and the dequeued caller; a conference
// is one more room (calls/conferences.ts), whose parties join and leave one by one. While in a room
// a party is heard by those `heardBy` names (speech.ts): every other party, unless the room says
// otherwise (a conference: not before it starts, not when muted or on hold; a coach by one only).
import type { Clock } from "../clock.js";
import { newSid } from "../sids.js";
import type { BridgeOptions, BridgeResult, RoomsPort } from "./ports.js";
import type { Call, RoomView } from "./call.js";
import { handsetOf } from "./speech.js";

export class Room implements RoomView {
  private readonly members: Call[];
  constructor(
    parties: readonly Call[],
    readonly sid = newSid("CF"),
  ) {
    this.members = [...parties];
  }

  get parties(): readonly Call[] {
    return this.members;
  }

  /** A party comes into the room (a conference participant joining). */
  join(call: Call): void {
    if (!this.members.includes(call)) this.members.push(call);
    call.joinRoom(this);
  }

  /** A party goes out of the room. */
  leave(call: Call): void {
    const at = this.members.indexOf(call);
    if (at >= 0) this.members.splice(at, 1);
    call.leaveRoom(this);
  }

  /** Who hears what `speaker` says: every other party. */
  heardBy(speaker: Call): readonly Call[] {
    return this.members.filter((party) => party !== speaker);
  }
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
