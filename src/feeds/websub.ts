/**
 * @module feeds/websub
 * WebSub (https://www.w3.org/TR/websub/): telling a hub that feeds changed, and telling
 * subscribers which hub to ask. Sending the ping is the caller's: these only build what is sent.
 */

/** What `fetch(hub, init)` sends to ping a hub. */
export interface WebSubPing {
  method: "POST";
  body: URLSearchParams;
}

/**
 * The request that tells a hub to fetch feeds again. WebSub leaves publishing to the hub; this is
 * the form every public hub accepts (`hub.mode=publish`, one `hub.url` per feed), sent as
 * `application/x-www-form-urlencoded`, which `fetch` sets for a URLSearchParams body.
 * @example await fetch(hub, websubPing("https://news.example/rss.xml"))
 */
export function websubPing(feedUrls: string | readonly string[]): WebSubPing {
  const body = new URLSearchParams({ "hub.mode": "publish" });
  for (const url of typeof feedUrls === "string" ? [feedUrls] : feedUrls) body.append("hub.url", url);
  return { method: "POST", body };
}

/**
 * The `Link` header a feed is served with so subscribers find its hub (W3C WebSub §4). The URLs
 * go through the URL parser, which percent-encodes any `>` that would end the reference early.
 * @example websubLinkHeader("https://hub.example/", "https://news.example/rss.xml")
 * // '<https://hub.example/>; rel="hub", <https://news.example/rss.xml>; rel="self"'
 */
export function websubLinkHeader(hub: string, self: string): string {
  return `<${new URL(hub).href}>; rel="hub", <${new URL(self).href}>; rel="self"`;
}
