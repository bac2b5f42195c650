// Security headers on everything the service serves (@fastify/helmet): the dashboard runs only its
// own scripts and stylesheet (no inline script or style, nothing from elsewhere), plays audio only
// from its own origin (the recording proxy), cannot be framed, and sends no Referer to other sites
// (its URLs carry phone numbers). Twilio ignores these headers; browsers are what they protect.
import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";

export { helmet };

/** `secure`: the public URL is https, so browsers may be told to keep to https (HSTS). */
export function helmetOptions(secure: boolean): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // The pages' favicon is `data:,` (none).
        imgSrc: ["'self'", "data:"],
        mediaSrc: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // For browsers without CSP's frame-ancestors.
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    strictTransportSecurity: secure ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    crossOriginResourcePolicy: { policy: "same-origin" },
  };
}

/**
 * The prompts under /audio/ are fetched by whoever plays a `<Play>` URL: Twilio, or the local
 * carrier's softphone, a page on another origin. They are public and must load from there.
 */
export const CROSS_ORIGIN_RESOURCE = { "cross-origin-resource-policy": "cross-origin" } as const;
