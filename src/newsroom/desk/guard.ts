/**
 * @module newsroom/desk/guard
 * What stands in front of every desk request: its headers (never cached, indexed or framed; a CSP
 * that allows scripts only from this site), the CSRF check, and how the desk refuses someone not
 * signed in or without the permission a route declares. Who is signed in (a session cookie, or
 * Cloudflare Access's JWT) is settled by newsroom/auth.ts.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import { NO_STORE } from "../../cache/policy";
import type { AppEnv } from "../app-env";
import type { Refusals } from "../permissions";
import { MIN_SECRET_LENGTH } from "./hmac";
import { openSession, SESSION_COOKIE, type Session } from "./session";
import { hasSignedOut } from "./sign-outs";

/**
 * The desk's CSP. Scripts and connections only to this site. Styles also allow inline ones:
 * the Markdown editor (OverType) injects its stylesheet as a <style> element.
 */
const DESK_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "https:", "data:", "blob:"],
  connectSrc: ["'self'"],
  frameSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

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
 * Headers for every desk response: Hono's secureHeaders with the desk's CSP, `X-Frame-Options:
 * DENY` and a same-origin referrer, plus never cached or indexed. A handler that answers for the
 * preview frame sets its own `X-Frame-Options: SAMEORIGIN` and CSP, which are kept (`overwrite:
 * false` keeps any header a handler set).
 */
export function deskHeaders(): MiddlewareHandler<AppEnv> {
  const secure = secureHeaders({
    contentSecurityPolicy: DESK_CSP,
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
    overwrite: false,
  });
  return async function deskHeaders(c, next) {
    await secure(c, next);
    c.res.headers.set("Cache-Control", NO_STORE);
    c.res.headers.set("X-Robots-Tag", "noindex, nofollow");
  };
}

/**
 * CSRF, with Hono's csrf(): a request that changes anything must come from a page of this site, by
 * its `Origin` (this Worker's own, or SITE_URL's when a proxy in front renames the host) or, when a
 * privacy setting strips that, by `Sec-Fetch-Site: same-origin`. Hono checks the bodies a
 * cross-site form can send (form types and text/plain, or none); any other type would need a CORS
 * preflight the desk never grants, and every desk form refuses it with 415 (readForm). The session
 * cookie's SameSite=Strict is the second wall.
 */
export function sameOrigin(): MiddlewareHandler<AppEnv> {
  return csrf({
    origin: (origin, c: Context<AppEnv>) => origin === new URL(c.req.url).origin || origin === new URL(c.var.site.url).origin,
  });
}

/** DESK_SECRET, when it is set and long enough; otherwise the desk is closed. */
export function deskSecret(env: NewsroomBindings): string | null {
  const secret = env.DESK_SECRET ?? "";
  return secret.length >= MIN_SECRET_LENGTH ? secret : null;
}

/** The session the request's cookie holds: genuine, unexpired and not signed out; or null. */
export async function currentSession(c: Context<AppEnv>, secret: string): Promise<Session | null> {
  const session = await openSession(getCookie(c, SESSION_COOKIE), secret, c.var.clock.now());
  return session && !(await hasSignedOut(c.env.DB, session.id)) ? session : null;
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
 * How the desk refuses (newsroom/permissions.ts's `requires`): someone not signed in is sent to sign
 * in (a page load, which comes back here afterwards) or gets 401 (a script's fetch); someone whose
 * role lacks the permission gets a page that says which one (403), or the API's JSON to a fetch.
 */
export const DESK_REFUSALS: Refusals = {
  unauthenticated(c) {
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
  },
  forbidden(c, permission) {
    if (!isNavigation(c)) return c.json({ error: "forbidden", need: permission }, 403);
    c.status(403);
    return c.render(
      html`<h1>Not allowed</h1>
        <p>Your role cannot do this: it needs the permission <code>${permission}</code>.</p>
        <p>Ask an admin if you should have it. <a href="/desk">Back to the articles</a></p>`,
      { title: "Not allowed" },
    );
  },
};
