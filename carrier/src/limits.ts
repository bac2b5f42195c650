// The bounds the carrier keeps so that no application, handset or page can exhaust it: Twilio's own
// limits where Twilio documents one (each says where), the carrier's choice where it does not.

/** Twilio refuses a TwiML or messaging response body over 64 kB with 11750 (Docs /api/errors/11750). */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
export const DOCUMENT_TOO_LARGE = 11750;

/**
 * `<Play>` media: Twilio documents no size limit, only that files over 40 minutes may drop the call
 * (docs/twilio-contract.md §2.2). 40 MiB is about 40 minutes of 8 kHz 16-bit WAV or of 128 kbit/s MP3.
 * Only the first bytes (the WAV header) are kept in memory; the rest is counted and dropped.
 */
export const MAX_MEDIA_BYTES = 40 * 1024 * 1024;

/**
 * Twilio ends a call after 4 hours unless the account raises its limit (`<Dial timeLimit>` defaults to
 * it too). No single wait in a call is longer: `<Pause length>`, `<Gather timeout>` and
 * `speechTimeout`, `<Record timeout>` (its `maxLength` is at most this already), `<Dial timeLimit>`,
 * and the time a looped `<Say>` or `<Play>` takes.
 */
export const MAX_CALL_SECONDS = 14_400;

/** Ringing: the REST API's `Timeout` is at most 600 s (docs/twilio-contract.md §4.2); `<Dial timeout>` too. */
export const MAX_RING_SECONDS = 600;

/**
 * Documents one call may run. Twilio documents none for voice (messaging stops at 50, 14106); this
 * only stops an application that redirects to itself forever: the call then ends with the
 * application error.
 */
export const MAX_DOCUMENTS_PER_CALL = 10_000;

/** Messaging: documents per inbound message (Twilio's 14106) and replies to it (Twilio's 14109). */
export const MAX_MESSAGING_DOCUMENTS = 50;
export const MESSAGING_DOCUMENTS_EXCEEDED = 14106;
export const MAX_REPLIES_PER_MESSAGE = 10;
export const REPLIES_EXCEEDED = 14109;

/** Ended calls kept (with their timelines) by default; CARRIER_CALL_HISTORY changes it. */
export const DEFAULT_CALL_HISTORY = 1000;

/** Server-sent event streams open at once (softphones, calls pages, tests); more get 503. */
export const DEFAULT_MAX_EVENT_STREAMS = 50;

/**
 * How long a client may take to send a whole request (headers and body) before the server answers
 * 408 and closes the connection. Bodies here are small forms and JSON; streams and long polls are
 * not affected, because their requests are complete as soon as their headers arrive.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
