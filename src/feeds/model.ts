/**
 * @module feeds/model
 * What every feed format shares.
 */
import type { StoredArticle } from "../content/schema";

/** How many items each feed carries. */
export const FEED_SIZE = 20;

/** The latest moment any of the articles changed, in ms: the feed's own last modification. */
export function lastModified(articles: Pick<StoredArticle, "published" | "updated">[]): number | undefined {
  let latest: number | undefined;
  for (const article of articles) {
    const at = Date.parse(article.updated ?? article.published);
    if (latest === undefined || at > latest) latest = at;
  }
  return latest;
}
