// What the caller does: keys and speech. Input is taken only while a verb listens (Gather, Record,
// a bridged Dial with hangupOnStar); keys pressed at other times are lost, as on a real call.
// A person at the softphone types what they say: typing is the sound of speaking, so a verb that
// listens for speech (Record, Gather input="speech") hears it as "not silent" without taking it
// as input.

export type CallerInput = { kind: "digit"; key: string } | { kind: "speech"; text: string };

export class InputChannel {
  private queue: CallerInput[] = [];
  private armed = false;
  private speech = false;
  private readonly listeners = new Set<() => void>();
  private readonly typingListeners = new Set<() => void>();

  /**
   * Starts taking input; anything pressed before is gone. `speech`: the verb listens for speech,
   * so the caller typing counts as the caller speaking.
   */
  arm(options: { speech?: boolean } = {}): void {
    this.armed = true;
    this.speech = options.speech ?? false;
    this.queue = [];
  }

  disarm(): void {
    this.armed = false;
    this.speech = false;
    this.queue = [];
  }

  get listening(): boolean {
    return this.armed;
  }

  /** Whether a verb listens for speech now (and so hears typing). */
  get listeningForSpeech(): boolean {
    return this.armed && this.speech;
  }

  /** The caller is typing what they will say. Returns false when nothing listens for speech. */
  typing(): boolean {
    if (!this.listeningForSpeech) return false;
    for (const listener of [...this.typingListeners]) listener();
    return true;
  }

  /** Returns false when nothing listens (the input is dropped). */
  push(...inputs: CallerInput[]): boolean {
    if (!this.armed) return false;
    this.queue.push(...inputs);
    for (const listener of [...this.listeners]) listener();
    return true;
  }

  take(): CallerInput | undefined {
    return this.queue.shift();
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Resolves when the caller types, or when the signal aborts. */
  waitForTyping(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.typingListeners.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.typingListeners.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Resolves when input is waiting, or when the signal aborts. */
  waitForInput(signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.listeners.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.listeners.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** "12#" → three keys; w and W (pauses) are skipped. */
export function keys(digits: string): CallerInput[] {
  return [...digits].filter((key) => /[0-9A-D*#]/.test(key)).map((key) => ({ kind: "digit" as const, key }));
}

/** Roughly how long it takes to say `text`: 2.5 words a second. */
export function speakingSeconds(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return words / 2.5;
}
