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
import type { MiddlewareHandler } from "hono";

export const ROLES = ["contributor", "editor", "standards", "admin"] as const;
export type Role = (typeof ROLES)[number];

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
}

/** Whether `role` holds `permission`. */
export const can = (role: Role, permission: Permission): boolean => ROLES.indexOf(role) >= ROLES.indexOf(PERMISSIONS[permission]);

/** What a route declared: a permission, or open to anyone (with why). */
export type Declaration = { permission: Permission } | { open: string };

const DECLARED = Symbol("declared");
type Declared = MiddlewareHandler & { [DECLARED]: Declaration };

/** What `handler` declares, if it is a `requires` or `open` middleware. */
export function declarationOf(handler: unknown): Declaration | undefined {
  return typeof handler === "function" ? (handler as Partial<Declared>)[DECLARED] : undefined;
}

/**
 * The route needs `permission`: no actor is 401, an actor whose role lacks it is 403
 * `{"error": "forbidden", "need": permission}`.
 */
export function requires(permission: Permission): MiddlewareHandler {
  const middleware = async function requires(c, next) {
    const actor = (c.var as { actor?: Actor }).actor;
    if (!actor)
      return c.json(
        {
          error: "A valid bearer token is required",
          details: [{ field: "Authorization", problem: "is missing or not a valid token" }],
        },
        401,
      );
    if (!can(actor.role, permission)) return c.json({ error: "forbidden", need: permission }, 403);
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
