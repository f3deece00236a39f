/**
 * @module targets/corrections
 * The corrections page: every correction and clarification, newest first, with its own three feeds.
 * One build target, `corrections` in D1's `listings` and in the outbox; this module names its KV
 * documents, its paths and its cache tags, so no other file spells them.
 */
import { type FeedFormat, feedPaths } from "../feeds/model";

const PATH = "/corrections";

export const CORRECTIONS = {
  /** The build target's name, in `listings` and the outbox, and its page's KV document. */
  name: "corrections",
  path: PATH,
  feeds: feedPaths(PATH),
  /** Its page's cache tag, and its feeds' (all three purge together). */
  pageTag: "list:corrections",
  feedTag: "feed:corrections",
} as const;

/** The KV document of the page, or of one of its feeds. */
export const correctionsDocument = (format?: FeedFormat): string => (format ? `${CORRECTIONS.name}:${format}` : CORRECTIONS.name);
