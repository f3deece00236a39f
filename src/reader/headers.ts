/**
 * @module reader/headers
 * The security headers of every reader page, written out once as constants: nothing loads from
 * elsewhere, forms post only here, no one may frame a page. They are the headers
 * `hono/secure-headers` sent with the reader's configuration (its defaults, this Content Security
 * Policy, `Cross-Origin-Resource-Policy: cross-origin` and `X-Frame-Options: DENY`), without the
 * middleware's code in the bundle or its set-up in the isolate's start (docs/benchmark.md).
 */
import type { MiddlewareHandler } from "hono";

/** The Content Security Policy of every reader page. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  // The live page's optional script (render/live-script.ts), served from here; nothing inline.
  "script-src 'self'",
  "img-src 'self' https:",
  // Page-context tools (Lighthouse's robots.txt audit) fetch from the page itself.
  "connect-src 'self'",
  "base-uri 'none'",
  // The header's search box submits to /search.
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Every security header, in the order hono/secure-headers sets them. */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["Cross-Origin-Resource-Policy", "cross-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "DENY"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
  ["Content-Security-Policy", CONTENT_SECURITY_POLICY],
];

/** Sets the security headers, unless the response was built with them (the public routes' are). */
export function setSecurityHeaders(headers: Headers): void {
  if (headers.has("Content-Security-Policy")) return;
  for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
}

/** Sets the security headers on whatever response the routes after it give. */
export const readerSecureHeaders = (): MiddlewareHandler =>
  async function readerSecureHeaders(c, next) {
    await next();
    setSecurityHeaders(c.res.headers);
  };
