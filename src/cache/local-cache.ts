/**
 * @module cache/local-cache
 * Workers Caching's behaviour over the Cache API, for where `ctx.cache` does not exist (wrangler
 * dev, tests, the benchmark): the same keys, the same TTLs, stale-while-revalidate, stale-if-error,
 * and purge and invalidate by tag. Purging or invalidating writes a marker per tag; a cached
 * response older than a purge marker is gone, one older than an invalidate marker must be
 * revalidated. Responses say what happened in `X-Cache`: HIT, STALE, REVALIDATED, STALE-IF-ERROR,
 * MISS or BYPASS.
 */
import type { Clock } from "../core/clock";
import type { EdgeCache } from "./edge-cache-type";
import { cacheKeyUrl, edgePolicy, STALE_IF_ERROR_SECONDS } from "./policy";

const STORED_AT = "X-Broadsheet-Stored-At";
const ORIGINAL_CACHE_CONTROL = "X-Broadsheet-Cache-Control";
const MARKER_BASE = "https://purge-markers.broadsheet.internal/";
// Markers must outlive any response they could invalidate.
const MARKER_TTL = 7 * 86_400;
/** A tag every entry carries implicitly: purging it empties the whole cache. */
export const EVERYTHING = "*";

type Mode = "purge" | "invalidate";

interface Cached {
  response: Response;
  ageMs: number;
  /** Invalidated: usable only while revalidating fails. */
  invalidated: boolean;
}

export function localCache(cache: Cache, ctx: ExecutionContext, keyBase: string, clock: Clock): EdgeCache {
  const markerKey = (mode: Mode, tag: string) => `${MARKER_BASE}${mode}/${encodeURIComponent(tag.toLowerCase())}`;

  async function markedAt(mode: Mode, tags: string[]): Promise<number> {
    const markers = await Promise.all(tags.map((tag) => cache.match(markerKey(mode, tag))));
    let latest = 0;
    for (const marker of markers) if (marker) latest = Math.max(latest, Number(await marker.text()));
    return latest;
  }

  /** `renderedFrom` is when rendering began: a purge after that must win over what it read. */
  async function store(key: string, response: Response, renderedFrom: number): Promise<void> {
    const { ttl, swr } = edgePolicy(response.headers);
    const copy = new Response(response.body, response);
    copy.headers.set(STORED_AT, String(renderedFrom));
    copy.headers.set(ORIGINAL_CACHE_CONTROL, response.headers.get("Cache-Control") ?? "");
    // The Cache API evicts by Cache-Control: keep the entry through its stale windows.
    copy.headers.set("Cache-Control", `public, max-age=${ttl + swr + STALE_IF_ERROR_SECONDS}`);
    copy.headers.delete("X-Cache");
    await cache.put(key, copy);
  }

  /** A stored response as the client gets it, with its original headers, or null if none or purged. */
  async function lookup(key: string): Promise<Cached | null> {
    const hit = await cache.match(key);
    if (!hit) return null;
    const storedAt = Number(hit.headers.get(STORED_AT));
    const tags = [EVERYTHING, ...(hit.headers.get("Cache-Tag") ?? "").split(",").filter(Boolean)];
    if ((await markedAt("purge", tags)) >= storedAt) {
      ctx.waitUntil(cache.delete(key));
      return null;
    }
    const invalidated = (await markedAt("invalidate", tags)) >= storedAt;
    const ageMs = Math.max(0, clock.now() - storedAt);
    const response = new Response(hit.body, hit);
    response.headers.set("Cache-Control", hit.headers.get(ORIGINAL_CACHE_CONTROL) ?? "");
    response.headers.set("Age", String(Math.floor(ageMs / 1000)));
    response.headers.delete(STORED_AT);
    response.headers.delete(ORIGINAL_CACHE_CONTROL);
    // It records the KV work of the render that produced it; a hit did none.
    response.headers.delete("Server-Timing");
    return { response, ageMs, invalidated };
  }

  async function mark(mode: Mode, tags: string[]): Promise<boolean> {
    const now = String(clock.now());
    const headers = { "Cache-Control": `public, max-age=${MARKER_TTL}` };
    await Promise.all(tags.map((tag) => cache.put(markerKey(mode, tag), new Response(now, { headers }))));
    return true;
  }

  return {
    kind: "local",
    async serve(request, render) {
      // Only GET (and HEAD, answered as GET) is ever looked up or stored.
      if (request.method !== "GET" && request.method !== "HEAD") return withCacheStatus(await render(), "BYPASS");
      const key = cacheKeyUrl(keyBase, request.url);
      const cached = await lookup(key);
      if (cached && !cached.invalidated) {
        const { ttl, swr } = edgePolicy(cached.response.headers);
        if (cached.ageMs < ttl * 1000) return withCacheStatus(cached.response, "HIT");
        if (cached.ageMs < (ttl + swr) * 1000) {
          // Past its TTL but inside stale-while-revalidate: serve it, refresh it in the background.
          const from = clock.now();
          ctx.waitUntil(
            render()
              .then((fresh) => (isStorable(fresh) ? store(key, fresh, from) : undefined))
              .catch((error: unknown) => console.error("background refresh failed:", error)),
          );
          return withCacheStatus(cached.response, "STALE");
        }
      }
      const renderedFrom = clock.now();
      let response: Response;
      try {
        response = await render();
      } catch (error) {
        // Stale if error: a failed refresh serves the copy it would have replaced.
        if (cached) {
          console.error("render failed; serving the stale copy:", error);
          return withCacheStatus(cached.response, "STALE-IF-ERROR");
        }
        throw error;
      }
      if (response.status >= 500 && cached) return withCacheStatus(cached.response, "STALE-IF-ERROR");
      if (!isStorable(response)) return withCacheStatus(response, "BYPASS");
      const revalidated = cached?.invalidated && cached.response.headers.get("ETag") === response.headers.get("ETag");
      const [forClient, forCache] = teeResponse(response);
      ctx.waitUntil(store(key, forCache, renderedFrom));
      return withCacheStatus(forClient, revalidated ? "REVALIDATED" : "MISS");
    },
    purge: (tags) => mark("purge", tags),
    invalidate: (tags) => mark("invalidate", tags),
  };
}

/** What Workers Caching would keep: public, with a TTL, no cookies, a success, 301, 404 or 410. */
function isStorable(response: Response): boolean {
  if (![200, 301, 404, 410].includes(response.status)) return false;
  if (response.headers.has("Set-Cookie")) return false;
  return edgePolicy(response.headers).cacheable;
}

function teeResponse(response: Response): [Response, Response] {
  if (!response.body) return [response, response.clone()];
  const [a, b] = response.body.tee();
  return [new Response(a, response), new Response(b, response)];
}

function withCacheStatus(response: Response, status: string): Response {
  const out = new Response(response.body, response);
  out.headers.set("X-Cache", status);
  return out;
}
