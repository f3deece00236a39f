/**
 * @module cli/scrape
 * The importer's public names, in one place for the CLI and the tests. Only re-exports: the work is
 * in the modules named here, which import from each other directly, never from this file.
 */
export { fileComments, formatArticleFile } from "./article-file";
export { cleanScrape } from "./clean-scrape";
export { type Dateline, readDateline } from "./dateline";
export { type FoundDate, findDate, findFullDate, type InferredDate, inferPublicationDate, toDateTime } from "./dates";
export { readLabel } from "./labels";
export { findNearDuplicates, NEAR_DUPLICATE_THRESHOLD, type NearDuplicateMatch } from "./near-duplicates";
export { normalizeCharacters, toLines } from "./normalize";
export { choosePublished } from "./publication-date";
export { BOILERPLATE_RULES, TRAILER_RULES } from "./rules/boilerplate";
export { BYLINE_RULES, parseBy } from "./rules/byline";
export { CAPTION_RULES, splitCaption } from "./rules/caption";
export { DATE_LINE_RULES } from "./rules/date-line";
export { breadcrumbs, SECTION_RULES } from "./rules/section";
export { classifyLine, LINE_RULES } from "./rules/table";
export type { LineRule, Verdict } from "./rules/verdict";
export { altFromCaption, escapeMarkdown, slugify } from "./text";
export { chooseTitle, titleScore } from "./title";
export * from "./types";
