/**
 * @module targets/corrections
 * The corrections page: every correction and clarification, newest first, with its own three feeds.
 * One build target, `corrections` in D1's `listings` and in the outbox. Its KV documents, paths and
 * cache tags are targets/document-name.ts's `corrections` name; this module gathers them.
 */
import { CORRECTIONS_PATH, DEFAULT_EDITION, documentTags, type FeedFormat, feedPaths, type StoredName } from "./document-name";

/** The KV document of the page, or of one of its feeds. */
export const correctionsDocument = (format?: FeedFormat): StoredName =>
  format ? { kind: "corrections", edition: DEFAULT_EDITION, format } : { kind: "corrections", edition: DEFAULT_EDITION };

export const CORRECTIONS = {
  /** The build target's name, in `listings` and the outbox. */
  name: "corrections",
  path: CORRECTIONS_PATH,
  feeds: feedPaths(CORRECTIONS_PATH),
  /** Its page's cache tag, and its feeds' (all three purge together). */
  pageTag: documentTags(correctionsDocument())[0] as string,
  feedTag: documentTags(correctionsDocument("rss"))[0] as string,
} as const;
