/**
 * @module newsroom/permissions
 * Who may do what in the newsroom. Every route, API and desk, declares what it needs where it is
 * registered, with `requires(permission)` or `open(reason)`; no route is safe only because a
 * middleware was mounted above it, and a test walks the app's routes for any that declares neither.
 *
 * Four roles, each able to do everything the one before it can: contributor < editor < standards < admin.
 *
 * @example
 * api.post("/articles/:slug/submit", requires("articles:submit"), handler)
 */
import type { Context, MiddlewareHandler } from "hono";
import { ROLES, type Role } from "../core/roles";

export { ROLES, type Role };

/** Each permission and the least role that holds it. docs/permissions.md has the table. */
export const PERMISSIONS = {
  /** Read articles, the lists, the history: anyone signed in. */
  "articles:read": "contributor",
  /** Create drafts, edit one's own drafts until published, submit them for review. */
  "articles:draft": "contributor",
  /** Internal notes on an article. */
  "notes:write": "contributor",
  /** Upload media. */
  "media:write": "contributor",
  /** One's own tokens: make, list, revoke. */
  "tokens:own": "contributor",
  /** Every action on every article: publish, schedule, unpublish, trash, move, restore, edit anyone's. */
  "articles:publish": "editor",
  /** Return to draft, approve. */
  "articles:review": "editor",
  "live:write": "editor",
  "corrections:write": "editor",
  /** Authors and sections. */
  "taxonomy:write": "editor",
  "redirects:write": "editor",
  /** Newsletters: lists, sends, manual newsletters. */
  "newsletters:send": "editor",
  /** Sign off an article marked signOff. */
  "articles:sign-off": "standards",
  /** People, other people's tokens. */
  "people:manage": "admin",
  /** Site settings and editions. */
  "settings:write": "admin",
  /** The Pipeline page, rebuilds, replays. */
  "pipeline:manage": "admin",
  "audit:read": "admin",
  /** Subscribers: look up, export, erase; the captured mail. */
  "subscribers:manage": "admin",
  /** Imports and exports of the whole site. */
  "site:import-export": "admin",
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

/** Whoever is making a request, however they signed in. */
export interface Actor {
  /** A person's id, or `token:<name>` for a bootstrap token from EDITOR_TOKENS. */
  id: string;
  name: string;
  email?: string;
  role: Role;
  via: "bootstrap" | "token" | "session" | "access";
  /** The person's token the request carried (via "token"), or the desk session's id (via "session"). */
  credential?: string;
}

/** Whether an actor is a person in D1 (not a bootstrap token from EDITOR_TOKENS). */
export const isPerson = (actor: Actor): boolean => !actor.id.startsWith("token:");

/**
 * Why a request that carried credentials has no actor (newsroom/auth.ts): they were malformed,
 * wrong, expired, or the client must wait after too many failures. Only a route that requires a
 * permission reports it; an open route ignores it.
 */
export type AuthProblem =
  | { kind: "malformed" }
  | { kind: "invalid" }
  | { kind: "expired" }
  | { kind: "deactivated" }
  | { kind: "held"; wait: number };

/**
 * How a front door answers a refusal: the API in JSON (the default below), the desk with its sign-in
 * page and an HTML page that says what is missing (desk.tsx sets its own).
 */
export interface Refusals {
  unauthenticated(c: Context, problem: AuthProblem | undefined): Response | Promise<Response>;
  forbidden(c: Context, permission: Permission): Response | Promise<Response>;
}

const REALM = 'Bearer realm="Broadsheet editors"';

/** The API's refusals: RFC 6750 §3 for a missing, malformed or wrong bearer token. */
export const API_REFUSALS: Refusals = {
  unauthenticated(c, problem) {
    const body = (problem: string) => ({
      error: "A valid bearer token is required",
      details: [{ field: "Authorization", problem }],
    });
    if (!problem) return c.json(body("is missing or not a valid token"), 401, { "WWW-Authenticate": REALM });
    switch (problem.kind) {
      case "malformed":
        return c.json(body("is not a bearer token"), 400, { "WWW-Authenticate": `${REALM}, error="invalid_request"` });
      case "expired":
        return c.json(
          { error: "The token has expired", details: [{ field: "Authorization", problem: "has expired: make a new token" }] },
          401,
          { "WWW-Authenticate": `${REALM}, error="invalid_token", error_description="The token expired"` },
        );
      case "deactivated":
        return c.json(body("belongs to a person who is no longer active"), 401, {
          "WWW-Authenticate": `${REALM}, error="invalid_token"`,
        });
      case "held":
        return c.json(
          {
            error: `Too many failed authentications from this address. Try again in ${problem.wait} seconds.`,
            details: [{ field: "Authorization", problem: "was refused: too many wrong tokens in the last minute" }],
          },
          429,
          { "Retry-After": String(problem.wait) },
        );
      default:
        return c.json(body("is missing or not a valid token"), 401, { "WWW-Authenticate": `${REALM}, error="invalid_token"` });
    }
  },
  forbidden: (c, permission) => c.json({ error: "forbidden", need: permission }, 403),
};

/** The variables `requires` reads: set by newsroom/auth.ts and by a front door's setup. */
interface AuthVariables {
  actor?: Actor;
  authProblem?: AuthProblem;
  refusals?: Refusals;
}

/** Whether `role` holds `permission`. */
export const can = (role: Role, permission: Permission): boolean => ROLES.indexOf(role) >= ROLES.indexOf(PERMISSIONS[permission]);

/** What a route declared: a permission, or open to anyone (with why). */
export type Declaration = { permission: Permission } | { open: string };

const DECLARED = Symbol("declared");
type Declared = MiddlewareHandler & { [DECLARED]: Declaration };

/**
 * What `handler` declares, if it is a `requires` or `open` middleware. A handler that Hono wrapped
 * when it mounted a sub-app with its own error handler is looked through (Hono keeps the original
 * as `__COMPOSED_HANDLER`, hono/src/utils/constants.ts).
 */
export function declarationOf(handler: unknown): Declaration | undefined {
  const inner = unwrapped(handler);
  return typeof inner === "function" ? (inner as Partial<Declared>)[DECLARED] : undefined;
}

/** The handler Hono wrapped, if it did. */
export function unwrapped(handler: unknown): unknown {
  let current = handler;
  while (typeof current === "function" && COMPOSED in current)
    current = (current as unknown as Record<string, unknown>)[COMPOSED];
  return current;
}
const COMPOSED = "__COMPOSED_HANDLER";

/**
 * The route needs `permission`: no actor is 401, an actor whose role lacks it is 403
 * `{"error": "forbidden", "need": permission}`.
 */
export function requires(permission: Permission): MiddlewareHandler {
  if (!(permission in PERMISSIONS)) throw new Error(`requires(): no permission named ${JSON.stringify(permission)}`);
  const middleware = async function requires(c, next) {
    const vars = c.var as AuthVariables;
    const refusals = vars.refusals ?? API_REFUSALS;
    const actor = vars.actor;
    if (!actor) return refusals.unauthenticated(c, vars.authProblem);
    if (!can(actor.role, permission)) return refusals.forbidden(c, permission);
    await next();
  } as Declared;
  middleware[DECLARED] = { permission };
  return middleware;
}

/** The route is open to anyone, signed in or not; `reason` says why (the route test prints it). */
export function open(reason: string): MiddlewareHandler {
  const middleware = async function open(_c, next) {
    await next();
  } as Declared;
  middleware[DECLARED] = { open: reason };
  return middleware;
}

/** One route of an app's table (Hono's `app.routes`), with what it declared. */
export interface DeclaredRoute {
  method: string;
  path: string;
  declaration: Declaration | undefined;
}

/**
 * The routes of a Hono route table (`app.routes`), each with what it declared. An entry that takes
 * `next` is middleware; the entries registered with a handler (same method and path, in a row) are
 * one route, which must carry a declaration among them. Middleware registered alone (`use`) is
 * no route.
 */
export function declaredRoutes(routes: ReadonlyArray<{ method: string; path: string; handler: unknown }>): DeclaredRoute[] {
  const found: DeclaredRoute[] = [];
  let pending: Array<{ method: string; path: string; handler: unknown }> = [];
  for (const route of routes) {
    const last = pending.at(-1);
    if (last && (last.method !== route.method || last.path !== route.path)) pending = [];
    pending.push(route);
    const inner = unwrapped(route.handler);
    const isMiddleware = typeof inner === "function" && inner.length >= 2;
    if (isMiddleware) continue;
    const declaration = pending.map((r) => declarationOf(r.handler)).find((d) => d !== undefined);
    found.push({ method: route.method, path: route.path, declaration });
    pending = [];
  }
  return found;
}
