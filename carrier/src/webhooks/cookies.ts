// Cookies, kept as Twilio keeps them: like a browser (docs/twilio-contract.md §1). A `Set-Cookie`
// answered to one request of a call is sent on the call's later requests, status callbacks
// included; for messaging, cookies live per pair of numbers (a conversation) and are dropped 4 hours
// after its last message. Apps built on Flask's or Express's session cookie depend on both.
//
// Time is the carrier's clock, not the wall's: a cookie's Expires/Max-Age and the 4-hour idle limit
// are both measured on it, so a manual clock moved past them expires them (tough-cookie's own
// expiry checks read Date.now(), so they are turned off and done here).
import { Cookie, CookieJar } from "tough-cookie";
import type { Clock } from "../clock.js";

/** A conversation's cookies are dropped after this long without a message (Twilio's rule). */
export const CONVERSATION_IDLE_MS = 4 * 60 * 60 * 1000;

/** One browser-like cookie jar whose notion of "now" is a carrier clock. */
export class WebhookCookies {
  private readonly jar = new CookieJar(undefined, {
    // Apps under test answer on loopback addresses and names such as "localhost" or "app.test".
    allowSpecialUseDomain: true,
    rejectPublicSuffixes: false,
  });

  constructor(private readonly clock: Clock) {}

  /** The Cookie header for a request to `url`, or undefined when no cookie applies. */
  async header(url: string): Promise<string | undefined> {
    const now = this.clock.now().getTime();
    // In RFC 6265's order, as browsers send them: longer paths first, then the older.
    const cookies = await this.jar.getCookies(url, { expire: false, sort: true });
    const live = cookies.filter((cookie) => {
      const expires = cookie.expiryTime();
      return expires === undefined || expires > now;
    });
    return live.length > 0 ? live.map((cookie) => cookie.cookieString()).join("; ") : undefined;
  }

  /** Keeps the `Set-Cookie` headers of an answer from `url`; a malformed one is ignored, as browsers do. */
  async remember(url: string, setCookies: readonly string[]): Promise<void> {
    const now = this.clock.now();
    for (const setCookie of setCookies) {
      const cookie = Cookie.parse(setCookie);
      if (!cookie) continue;
      // tough-cookie counts Max-Age from the cookie's last access, which it stamps with wall time
      // when it is read; an absolute Expires on the carrier's clock keeps its age the app's.
      if (typeof cookie.maxAge === "number") {
        cookie.expires = new Date(cookie.maxAge <= 0 ? 0 : now.getTime() + cookie.maxAge * 1000);
        cookie.maxAge = null;
      }
      await this.jar.setCookie(cookie, url, { now, ignoreError: true });
    }
  }
}

// The jars belong to what they outlive with: a call's to the call, a conversation's to the store.
// They are found by WeakMap so that neither Call nor Store carries webhook state, and a forgotten
// call (engine history) or store takes its cookies with it.
const callJars = new WeakMap<object, WebhookCookies>();
const conversationJars = new WeakMap<object, ConversationCookies>();

/** The cookie jar of one call (every request the call makes, from the first to its last callback). */
export function callCookies(call: object, clock: Clock): WebhookCookies {
  let jar = callJars.get(call);
  if (!jar) {
    jar = new WebhookCookies(clock);
    callJars.set(call, jar);
  }
  return jar;
}

/**
 * The jars of a store's conversations, one per pair of numbers. Kept in order of last message, so
 * the idle ones are at the front and are dropped as the next message comes.
 */
export class ConversationCookies {
  private readonly conversations = new Map<string, { jar: WebhookCookies; lastMessageAt: number }>();

  constructor(private readonly clock: Clock) {}

  /** The jar of the conversation between `a` and `b` (either direction), for a message sent now. */
  forMessage(a: string, b: string): WebhookCookies {
    const now = this.clock.now().getTime();
    for (const [key, conversation] of this.conversations) {
      if (now - conversation.lastMessageAt < CONVERSATION_IDLE_MS) break;
      this.conversations.delete(key);
    }
    const key = [a, b].sort().join(" ");
    const jar = this.conversations.get(key)?.jar ?? new WebhookCookies(this.clock);
    this.conversations.delete(key);
    this.conversations.set(key, { jar, lastMessageAt: now });
    return jar;
  }

  /** Conversations whose cookies are still kept. */
  get size(): number {
    return this.conversations.size;
  }
}

/** The cookie jar of the conversation between `from` and `to` for a message that arrives now. */
export function conversationCookies(store: object, from: string, to: string, clock: Clock): WebhookCookies {
  let conversations = conversationJars.get(store);
  if (!conversations) {
    conversations = new ConversationCookies(clock);
    conversationJars.set(store, conversations);
  }
  return conversations.forMessage(from, to);
}
