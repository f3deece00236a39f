/**
 * @module core/interface-text-en
 * The interface text's shape, and its English: what every page says around the articles (navigation
 * labels, "Search", "Live", "Correction", "Updated", pagination, the 404 and 410 pages). The other
 * languages are in core/interface-text.ts, which the newsroom renders with at publish time; this
 * module is all the reader carries, so its bundle holds one language, not nine.
 */

/** Every string the interface shows. A language missing one fails typecheck (core/interface-text.ts). */
export interface InterfaceText {
  /** The tag whose text this is: "en", "es", "zh-Hans"… */
  lang: string;
  skip: string;
  search: string;
  go: string;
  feeds: string;
  sections: string;
  languages: string;
  /** The footer's link to /corrections, and its page's heading. */
  corrections: string;
  /** Before a byline's names. */
  by: string;
  /** Between a byline's names, and before its last. */
  comma: string;
  and: string;
  updated: string;
  /** "{n} read", where {n} is the minutes as Intl formats them ("5 min"). */
  minRead: string;
  tags: string;
  newer: string;
  older: string;
  pages: string;
  /** "Page {n}". */
  page: string;
  /** After a heading on page n: ", page {n}". */
  pageSuffix: string;
  live: string;
  correction: string;
  clarification: string;
  latest: string;
  nothingYet: string;
  notFoundTitle: string;
  notFoundDescription: string;
  notFoundBody: string;
  seeLatest: string;
  goneTitle: string;
  goneDescription: string;
  goneBody: string;
}

export const ENGLISH: InterfaceText = {
  lang: "en",
  skip: "Skip to content",
  search: "Search",
  go: "Go",
  feeds: "Feeds",
  sections: "Sections",
  languages: "Languages",
  corrections: "Corrections and clarifications",
  by: "By",
  comma: ", ",
  and: " and ",
  updated: "Updated",
  minRead: "{n} read",
  tags: "Tags",
  newer: "← Newer articles",
  older: "Older articles →",
  pages: "Pages",
  page: "Page {n}",
  pageSuffix: ", page {n}",
  live: "Live",
  correction: "Correction",
  clarification: "Clarification",
  latest: "Latest articles",
  nothingYet: "Nothing has been published yet.",
  notFoundTitle: "Page not found",
  notFoundDescription: "There is no page at this address.",
  notFoundBody: "There is no page at this address. It may have moved, or it may not be published yet.",
  seeLatest: "See the latest articles",
  goneTitle: "Article removed",
  goneDescription: "This article has been removed.",
  goneBody: "The article that was at this address has been removed by the editors.",
};

/**
 * A string with its `{n}` filled in.
 * @example fill("Page {n}", 2) // "Page 2"
 */
export const fill = (template: string, n: string | number): string => template.replace("{n}", String(n));

/** The text a page renders with: its site's, else English. */
export const textOf = (site: { text?: InterfaceText }): InterfaceText => site.text ?? ENGLISH;
