/**
 * @module newsroom/desk/guard
 * What stands in front of every desk request: its headers (never cached, indexed or framed; a CSP
 * that allows scripts only from this site), the CSRF check, and who the editor is (a signed
 * session cookie, or Cloudflare Access's JWT when it is configured).
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../../app-env";
import { NO_STORE } from "../../cache/policy";
import { editorsFromEnv } from "../editors";
import { accessFromEnv, verifyAccessJwt } from "./access";
import { fingerprint, MIN_SECRET_LENGTH } from "./hmac";
import { openSession, SESSION_COOKIE, type Session } from "./session";
import { hasSignedOut } from "./sign-outs";

/**
 * The desk's CSP. Scripts and connections only to this site. Styles also allow inline ones:
 * the Markdown editor (OverType) injects its stylesheet as a <style> element.
 */
const DESK_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: data: blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The CSP of an article page shown before it is public, as the public pages have it: the live
 * preview is framed by the desk itself (`'self'`), a draft preview link by nothing (`'none'`).
 */
export const articlePageCsp = (frameAncestors: "'self'" | "'none'"): string =>
  [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' https:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");

/**
 * Headers for every desk response. A handler that answers for the preview frame sets `framed` on
 * the response's headers (`X-Frame-Options: SAMEORIGIN` and its own CSP), which this keeps.
 */
export function deskHeaders(): MiddlewareHandler<AppEnv> {
  return async function deskHeaders(c, next) {
    await next();
    const headers = c.res.headers;
    headers.set("Cache-Control", NO_STORE);
    headers.set("X-Robots-Tag", "noindex, nofollow");
    headers.set("Referrer-Policy", "same-origin");
    headers.set("X-Content-Type-Options", "nosniff");
    if (headers.get("X-Frame-Options") !== "SAMEORIGIN") {
      headers.set("X-Frame-Options", "DENY");
      headers.set("Content-Security-Policy", DESK_CSP);
    }
  };
}

/**
 * CSRF: a request that changes anything must come from a page of this site. Browsers send
 * `Origin` with every POST; when a privacy setting strips it, `Sec-Fetch-Site` still tells. The
 * session cookie's SameSite=Strict is the second wall.
 */
export function sameOrigin(): MiddlewareHandler<AppEnv> {
  return async function sameOrigin(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const origin = c.req.header("Origin");
    const allowed = new Set([new URL(c.req.url).origin, new URL(c.var.site.url).origin]);
    const ok = origin ? allowed.has(origin) : c.req.header("Sec-Fetch-Site") === "same-origin";
    if (ok) return next();
    return c.text("Forbidden: this request did not come from the desk (cross-origin).\n", 403);
  };
}

/** DESK_SECRET, when it is set and long enough; otherwise the desk is closed. */
export function deskSecret(env: Env): string | null {
  const secret = env.DESK_SECRET ?? "";
  return secret.length >= MIN_SECRET_LENGTH ? secret : null;
}

/**
 * Whether a session still stands: its token must still be the editor's in EDITOR_TOKENS, so
 * removing a token signs out everyone who used it.
 */
async function sessionHolds(session: Session, env: Env, secret: string): Promise<boolean> {
  for (const editor of editorsFromEnv(env)) {
    if (editor.name === session.editor && (await fingerprint(secret, editor.token)) === session.key) return true;
  }
  return false;
}

/** The session the request's cookie holds: genuine, unexpired and not signed out; or null. */
export async function currentSession(c: Context<AppEnv>, secret: string): Promise<Session | null> {
  const session = await openSession(getCookie(c, SESSION_COOKIE), secret, c.var.clock.now());
  return session && !(await hasSignedOut(c.env.DB, session.id)) ? session : null;
}

/** The signed-in editor's name, from Access or the session cookie; null when there is none. */
export async function signedInEditor(c: Context<AppEnv>): Promise<string | null> {
  const access = accessFromEnv(c.env);
  const assertion = c.req.header("Cf-Access-Jwt-Assertion");
  if (access && assertion) {
    const verified = await verifyAccessJwt(assertion, access, { fetch: c.var.fetch, now: c.var.clock.now() });
    if (verified) return verified.email;
  }
  const secret = deskSecret(c.env);
  if (!secret) return null;
  const session = await currentSession(c, secret);
  return session && (await sessionHolds(session, c.env, secret)) ? session.editor : null;
}

/** A browser's page load or form post, rather than a script's fetch. */
export const isNavigation = (c: Context): boolean => {
  const mode = c.req.header("Sec-Fetch-Mode");
  if (mode) return mode === "navigate";
  const accept = c.req.header("Accept") ?? "";
  return accept === "" || accept.includes("text/html") || accept.includes("*/*");
};

/**
 * Where sign-in sends an editor back to: a desk page of this site, or "/desk". Only printable ASCII
 * without a backslash is taken (a control character, a space or a non-ASCII character cannot go
 * into a Location header, which made a 500 after the cookie was set), and the path must still be
 * the desk's once dot segments (`/desk/../`, `%2e%2e`) are resolved as a browser would.
 * @example safeNext("/desk/articles/x?n=saved") // "/desk/articles/x?n=saved"
 * @example safeNext("/desk\u0000") // "/desk"
 * @example safeNext("//evil.example/desk") // "/desk"
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > MAX_NEXT_LENGTH || !/^\/desk(?:[/?]|$)/.test(next) || /[^\x21-\x5b\x5d-\x7e]/.test(next))
    return "/desk";
  const resolved = new URL(next, "https://desk.invalid");
  return resolved.origin === "https://desk.invalid" && /^\/desk(?:\/|$)/.test(resolved.pathname) ? next : "/desk";
}

/** Longer than any desk address; a longer `next` is not one. */
const MAX_NEXT_LENGTH = 2048;

/**
 * Lets signed-in editors through and sets `editor`. Anyone else is sent to sign in (a page load,
 * which comes back here afterwards) or gets 401 (a script's fetch).
 */
export function deskAuth(): MiddlewareHandler<AppEnv> {
  return async function deskAuth(c, next) {
    const editor = await signedInEditor(c);
    if (editor) {
      c.set("editor", editor);
      return next();
    }
    if (isNavigation(c)) {
      const url = new URL(c.req.url);
      // A form posted after the session ended comes back to its page; the browser kept the text.
      const back = c.req.method === "GET" ? `${url.pathname}${url.search}` : url.pathname;
      return c.redirect(`/desk/sign-in?next=${encodeURIComponent(safeNext(back))}`, 303);
    }
    return c.json(
      { error: "Sign in to the desk first", details: [{ field: "session", problem: "is missing or has expired" }] },
      401,
    );
  };
}
