/**
 * @module cache/local-cache
 * Workers Caching's behaviour over the Cache API, for where `ctx.cache` does not exist (wrangler
 * dev, tests, the benchmark): the same keys, the same TTLs, stale-while-revalidate, and purge by
 * tag. Purging writes a marker per tag; a cached response older than any of its tags' markers is
 * a miss. Responses say what happened in `X-Cache`: HIT, STALE, MISS or BYPASS.
 */
import type { EdgeCache } from "./edge-cache";
import { cacheKeyUrl, edgePolicy } from "./policy";

const STORED_AT = "X-Broadsheet-Stored-At";
const ORIGINAL_CACHE_CONTROL = "X-Broadsheet-Cache-Control";
const MARKER_BASE = "https://purge-markers.broadsheet.internal/";
// Markers must outlive any response they could invalidate.
const MARKER_TTL = 7 * 86_400;
/** A tag every entry carries implicitly: purging it empties the whole cache. */
export const EVERYTHING = "*";

export function localCache(cache: Cache, ctx: ExecutionContext, keyBase: string): EdgeCache {
  const markerKey = (tag: string) => `${MARKER_BASE}${encodeURIComponent(tag.toLowerCase())}`;

  async function purgedAt(tags: string[]): Promise<number> {
    const markers = await Promise.all(tags.map((tag) => cache.match(markerKey(tag))));
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
    // The Cache API evicts by Cache-Control: keep the entry through its stale-while-revalidate window.
    copy.headers.set("Cache-Control", `public, max-age=${ttl + swr}`);
    copy.headers.delete("X-Cache");
    await cache.put(key, copy);
  }

  /** A stored response as the client gets it, with its original headers, or null if it is purged. */
  async function lookup(key: string): Promise<{ response: Response; ageMs: number } | null> {
    const hit = await cache.match(key);
    if (!hit) return null;
    const storedAt = Number(hit.headers.get(STORED_AT));
    const tags = [EVERYTHING, ...(hit.headers.get("Cache-Tag") ?? "").split(",").filter(Boolean)];
    if ((await purgedAt(tags)) >= storedAt) {
      ctx.waitUntil(cache.delete(key));
      return null;
    }
    const ageMs = Math.max(0, Date.now() - storedAt);
    const response = new Response(hit.body, hit);
    response.headers.set("Cache-Control", hit.headers.get(ORIGINAL_CACHE_CONTROL) ?? "");
    response.headers.set("Age", String(Math.floor(ageMs / 1000)));
    response.headers.delete(STORED_AT);
    response.headers.delete(ORIGINAL_CACHE_CONTROL);
    // It records the KV work of the render that produced it; a hit did none.
    response.headers.delete("Server-Timing");
    return { response, ageMs };
  }

  return {
    kind: "local",
    async serve(request, render) {
      const key = cacheKeyUrl(keyBase, request.url);
      const cached = await lookup(key);
      if (cached) {
        const { ttl, swr } = edgePolicy(cached.response.headers);
        if (cached.ageMs < ttl * 1000) return withCacheStatus(cached.response, "HIT");
        if (cached.ageMs < (ttl + swr) * 1000) {
          // Past its TTL but inside stale-while-revalidate: serve it, refresh it in the background.
          const from = Date.now();
          ctx.waitUntil(render().then((fresh) => (edgePolicy(fresh.headers).cacheable ? store(key, fresh, from) : undefined)));
          return withCacheStatus(cached.response, "STALE");
        }
      }
      const renderedFrom = Date.now();
      const response = await render();
      if (!isStorable(response)) return withCacheStatus(response, "BYPASS");
      const [forClient, forCache] = teeResponse(response);
      ctx.waitUntil(store(key, forCache, renderedFrom));
      return withCacheStatus(forClient, "MISS");
    },
    async purge(tags) {
      const now = String(Date.now());
      const headers = { "Cache-Control": `public, max-age=${MARKER_TTL}` };
      await Promise.all(tags.map((tag) => cache.put(markerKey(tag), new Response(now, { headers }))));
      return true;
    },
  };
}

/** What Workers Caching would keep: public, with a TTL, no cookies, a success or a 404. */
function isStorable(response: Response): boolean {
  if (response.status !== 200 && response.status !== 404) return false;
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
