/**
 * @module cache/local-cache
 * Workers Caching's behaviour over the Cache API, for where `ctx.cache` does not exist: the same
 * keys, the same TTLs, stale-while-revalidate, and purge by tag. Purging writes a marker per tag;
 * a cached response older than any of its tags' markers is a miss.
 */
import type { EdgeCache } from "./edge-cache";
import { cacheKeyUrl, parseCacheControl } from "./policy";

const STORED_AT = "X-Broadsheet-Stored-At";
const ORIGINAL_CACHE_CONTROL = "X-Broadsheet-Cache-Control";
const MARKER_BASE = "https://purge-markers.broadsheet.internal/";
// Markers must outlive any response they could invalidate.
const MARKER_TTL = 7 * 86_400;

export function localCache(cache: Cache, ctx: ExecutionContext, keyBase: string): EdgeCache {
  const markerKey = (tag: string) => `${MARKER_BASE}${encodeURIComponent(tag)}`;

  async function purgedAt(tags: string[]): Promise<number> {
    const markers = await Promise.all(tags.map((tag) => cache.match(markerKey(tag))));
    let latest = 0;
    for (const marker of markers) if (marker) latest = Math.max(latest, Number(await marker.text()));
    return latest;
  }

  async function store(key: string, response: Response): Promise<void> {
    const { ttl, swr } = parseCacheControl(response.headers.get("Cache-Control"));
    const copy = new Response(response.body, response);
    copy.headers.set(STORED_AT, String(Date.now()));
    copy.headers.set(ORIGINAL_CACHE_CONTROL, response.headers.get("Cache-Control") ?? "");
    // The Cache API evicts at this age: keep the entry through its stale-while-revalidate window.
    copy.headers.set("Cache-Control", `public, max-age=${ttl + swr}`);
    copy.headers.delete("X-Cache");
    await cache.put(key, copy);
  }

  async function renderAndStore(key: string, render: () => Promise<Response>, label: string): Promise<Response> {
    const response = await render();
    if (!isStorable(response)) return withCacheStatus(response, "BYPASS");
    const [forClient, forCache] = teeResponse(response);
    ctx.waitUntil(store(key, forCache));
    return withCacheStatus(forClient, label);
  }

  return {
    kind: "local",
    async serve(request, render) {
      if ((request.method !== "GET" && request.method !== "HEAD") || request.headers.has("Authorization")) {
        return withCacheStatus(await render(), "BYPASS");
      }
      const key = cacheKeyUrl(keyBase, request.url);
      const hit = await cache.match(key);
      if (hit) {
        const storedAt = Number(hit.headers.get(STORED_AT));
        const original = hit.headers.get(ORIGINAL_CACHE_CONTROL);
        const tags = (hit.headers.get("Cache-Tag") ?? "").split(",").filter(Boolean);
        const { ttl } = parseCacheControl(original);
        if ((await purgedAt(tags)) < storedAt) {
          const age = Math.max(0, Math.floor((Date.now() - storedAt) / 1000));
          const served = new Response(hit.body, hit);
          served.headers.set("Cache-Control", original ?? "");
          served.headers.set("Age", String(age));
          served.headers.delete(STORED_AT);
          served.headers.delete(ORIGINAL_CACHE_CONTROL);
          served.headers.delete("Server-Timing");
          if (age <= ttl) return withCacheStatus(served, "HIT");
          // Past its TTL but inside stale-while-revalidate: serve it, refresh it in the background.
          ctx.waitUntil(render().then((fresh) => (isStorable(fresh) ? store(key, fresh) : undefined)));
          return withCacheStatus(served, "STALE");
        }
        ctx.waitUntil(cache.delete(key));
      }
      return renderAndStore(key, render, "MISS");
    },
    async purge(tags) {
      const now = String(Date.now());
      await Promise.all(
        tags.map((tag) =>
          cache.put(markerKey(tag), new Response(now, { headers: { "Cache-Control": `public, max-age=${MARKER_TTL}` } })),
        ),
      );
    },
  };
}

/** What Workers Caching would keep: public, with a TTL, no cookies, success or 404. */
function isStorable(response: Response): boolean {
  if (response.status !== 200 && response.status !== 404) return false;
  if (response.headers.has("Set-Cookie")) return false;
  return parseCacheControl(response.headers.get("Cache-Control")).cacheable;
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
