/**
 * @module feeds/build
 * One feed document in any format, from its channel and its items' prebuilt fragments: what the
 * listings, their archives and a new site's empty home feeds all build.
 */
import { buildAtom } from "./atom";
import { buildJsonFeed } from "./json-feed";
import type { FeedChannel, FeedFormat } from "./model";
import { buildRss } from "./rss";

/** An article's prebuilt item in each format, as D1 keeps them (`articles.rss_item`, …). */
export interface FeedItems {
  rss_item: string;
  atom_item: string;
  json_item: string;
}

/**
 * The feed document in `format`. `builtAt` is Atom's `updated` when the channel has none.
 * @example buildFeed("rss", channelFor(site, { format: "rss" }), rows.map((row) => row.rss_item), now)
 */
export function buildFeed(format: FeedFormat, channel: FeedChannel, items: readonly FeedItems[], builtAt: number): string {
  if (format === "rss")
    return buildRss(
      channel,
      items.map((item) => item.rss_item),
    );
  if (format === "atom")
    return buildAtom(
      channel,
      items.map((item) => item.atom_item),
      builtAt,
    );
  return buildJsonFeed(
    channel,
    items.map((item) => item.json_item),
  );
}

/** The latest change among feed items (ms), a channel's `updated`; undefined for none. */
export const latestChange = (items: readonly { modified_at: number }[]): number | undefined =>
  items.length ? Math.max(...items.map((item) => item.modified_at)) : undefined;
