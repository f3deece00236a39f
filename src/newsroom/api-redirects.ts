/**
 * @module newsroom/api-redirects
 * Redirects from old paths (docs/redirects.md): `PUT /api/redirects` with `[{"from", "to"}]` (up to
 * 1,000), `GET /api/redirects?prefix=&cursor=&limit=`, `DELETE /api/redirects?from=`. Thin handlers
 * over editorial/redirects.ts; each route declares its permission where it is registered.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { listRedirects } from "../data/redirects";
import { checkRedirects, removeRedirect, storeRedirects } from "../editorial/redirects";
import { apiError, jsonInput, refusal } from "./api-input";
import type { AppEnv } from "./app-env";
import { requires } from "./permissions";

/** 1,000 redirects of two long URLs each fit; nothing bigger is read. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/** An opaque cursor: the last `from` of the page before, base64url. */
const encodeCursor = (from: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(from)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
function decodeCursor(cursor: string): string | undefined {
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

export const redirectsApi = new Hono<AppEnv>()
  .put(
    "/redirects",
    requires("redirects:write"),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        apiError(c, 413, `The body is larger than ${MAX_BODY_BYTES} bytes`, [{ field: "body", problem: "is too large" }]),
    }),
    jsonInput,
    async (c) => {
      const checked = checkRedirects(c.req.valid("json"), c.var.site.url);
      if (!checked.ok) return refusal(c, checked);
      const stored = await storeRedirects(c.env.DB, checked.value, c.var.clock.now());
      if (!stored.ok) return refusal(c, stored);
      return c.json({ redirects: stored.redirects, changed: stored.changed });
    },
  )
  .get("/redirects", requires("articles:read"), async (c) => {
    const prefix = c.req.query("prefix") ?? "";
    const cursor = c.req.query("cursor");
    const after = cursor === undefined ? "" : decodeCursor(cursor);
    if (after === undefined)
      return apiError(c, 400, "The cursor is not valid", [{ field: "cursor", problem: "is not one this API gave" }]);
    const limitText = c.req.query("limit");
    const limit = limitText === undefined ? PAGE_SIZE : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
      return apiError(c, 400, "The limit is not valid", [
        { field: "limit", problem: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` },
      ]);
    if (prefix.length > 1024)
      return apiError(c, 400, "The prefix is too long", [{ field: "prefix", problem: "is longer than 1024 characters" }]);
    const rows = await listRedirects(c.env.DB, { prefix, after, limit: limit + 1 });
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return c.json({
      redirects: shown.map((row) => ({
        from: row.from_path,
        to: row.to_location,
        ...(row.source ? { source: row.source } : {}),
        created: new Date(row.created_at).toISOString(),
        updated: new Date(row.updated_at).toISOString(),
      })),
      ...(rows.length > limit && last ? { cursor: encodeCursor(last.from_path) } : {}),
    });
  })
  .delete("/redirects", requires("redirects:write"), async (c) => {
    const from = c.req.query("from");
    if (from === undefined)
      return apiError(c, 400, "Say which redirect: ?from=/old/path", [{ field: "from", problem: "is required" }]);
    const removed = await removeRedirect(c.env.DB, from, c.var.site.url, c.var.clock.now());
    if (!removed.ok) return refusal(c, removed);
    return c.json({ from: removed.from, deleted: true });
  });
