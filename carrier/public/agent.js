// The softphone's agent mode, the parts that stand alone: Twilio's rule for a client identity, the
// custom parameters of a <Dial><Client> as a person reads them, and the rule "one tab per agent".
// Plain ES module, no build step.

/** Twilio's rule for a client identity (CLIENT_IDENTITY in carrier/src/store.ts). */
export const IDENTITY = /^[A-Za-z0-9_]{1,256}$/;

/** "caller_name" and "callerName" read "Caller name". */
export function parameterLabel(name) {
  const words = String(name)
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : String(name);
}

/** The parameters as [label, value] pairs, in the order the app gave them. */
export function parameterPairs(parameters) {
  if (!parameters || typeof parameters !== "object") return [];
  return Object.entries(parameters).map(([name, value]) => [parameterLabel(name), String(value)]);
}

/** "Caller: Sydney · Queue: billing", or "" when there are none. */
export function parametersText(parameters) {
  return parameterPairs(parameters)
    .map(([label, value]) => `${label}: ${value}`)
    .join(" · ");
}

/**
 * One tab per agent, within one browser: a tab that takes an identity says so on a
 * BroadcastChannel, and a tab holding the same identity gives it up (the newest claim wins; at the
 * same millisecond, the larger tab id). `onTaken(identity)` runs in the tab that gave it up.
 * Pages in different browsers do not see each other's claims.
 */
export class TabClaims {
  constructor(onTaken) {
    this.onTaken = onTaken;
    this.tabId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    /** @type {null | { identity: string, at: number }} */
    this.held = null;
    this.channel = typeof window.BroadcastChannel === "function" ? new window.BroadcastChannel("softphone.agents") : null;
    this.channel?.addEventListener("message", (event) => this.receive(event.data));
  }

  /** This tab takes the identity (from any other tab of this browser holding it). */
  claim(identity) {
    this.held = { identity, at: Date.now() };
    this.channel?.postMessage({ type: "claim", identity, tabId: this.tabId, at: this.held.at });
  }

  /** This tab no longer holds an identity. */
  release() {
    this.held = null;
  }

  receive(message) {
    if (!message || message.type !== "claim" || message.tabId === this.tabId || !this.held) return;
    if (message.identity !== this.held.identity) return;
    const newer = message.at > this.held.at || (message.at === this.held.at && message.tabId > this.tabId);
    if (!newer) return;
    const { identity } = this.held;
    this.held = null;
    this.onTaken(identity);
  }
}
