/**
 * @module cli/scrape/rules/section
 * Rules for the lines that name the page's section: a section name on its own line ("National"),
 * a breadcrumb ("Home › World › Asia", or run together as "HomeWorldAsia"), and "Posted in Local".
 */
import type { LineRule, Verdict } from "./verdict";

// Section names news sites print above a story, in the languages the date reader knows.
const SECTIONS = [
  "national",
  "nation",
  "world",
  "international",
  "latest news",
  "news",
  "top news",
  "politics",
  "business",
  "economy",
  "markets",
  "sport",
  "sports",
  "science",
  "technology",
  "tech",
  "health",
  "environment",
  "climate",
  "education",
  "entertainment",
  "culture",
  "arts",
  "lifestyle",
  "opinion",
  "local",
  "local news",
  "metro",
  "region",
  "regional",
  "europe",
  "asia",
  "africa",
  "americas",
  "middle east",
  "weather",
  // German, French, Spanish.
  "politik",
  "wirtschaft",
  "ausland",
  "inland",
  "welt",
  "kultur",
  "wissen",
  "monde",
  "politique",
  "économie",
  "société",
  "mundo",
  "internacional",
  "política",
  "economía",
  "sociedad",
  "deportes",
];
const SECTION = new RegExp(`^(?:${SECTIONS.join("|")})$`, "iu");
// "Latest news" both heads a page and, after the story, starts a list of other stories.
const ALSO_TRAILER = /^latest news$/i;
const POSTED_IN = /^(?:posted in|filed under|categor(?:y|ies)\s*:)\s*:?\s*([^.!?]{2,60})$/i;
const CRUMB_SEPARATOR = /\s*[>›»/|]\s*/;
const SEPARATED_CRUMBS = /^home\s*[>›»/|]\s*\S/i;
// Breadcrumbs whose separators were lost in the scrape: "HomeNational", "HomeWorldSouth Asia".
const RUN_TOGETHER_CRUMBS = /^Home(?=\p{Lu})(?:\p{Lu}[\p{Ll}-]+(?: \p{Lu}[\p{Ll}-]+)?){1,4}$/u;

/** Splits a breadcrumb into its crumbs, or gives undefined for any other line. */
export function breadcrumbs(text: string): string[] | undefined {
  if (SEPARATED_CRUMBS.test(text) && text.length <= 120) {
    return text.split(CRUMB_SEPARATOR).filter(Boolean);
  }
  if (RUN_TOGETHER_CRUMBS.test(text)) {
    // A new crumb starts where a capital letter follows a lower-case one with no space between.
    return text.split(/(?<=\p{Ll})(?=\p{Lu})/u);
  }
  return undefined;
}

/** The words of a site's navigation: "Home" and the section names. Longest first, so "Latest news" beats "Latest". */
const NAVIGATION_WORDS = ["home", ...SECTIONS].sort((a, b) => b.length - a.length);

/**
 * A headline that a scrape ran together with its breadcrumb, with no separator between the crumbs
 * or before the title ("HomeNationalChinese Foreign Minister Will Visit Russia"): the crumbs and the
 * headline, or undefined. A line is taken for one only when it starts with a run of navigation
 * words, each joined to the next with no space and the next starting with a capital, and the run is
 * "Home", or two sections: a headline that merely starts with "World Cup" stays whole.
 * @example crumbsBeforeTitle("HomeWorldFloods Cut Off Villages") // { crumbs: ["Home", "World"], title: "Floods Cut Off Villages" }
 */
export function crumbsBeforeTitle(text: string): { crumbs: string[]; title: string } | undefined {
  const crumbs: string[] = [];
  let at = 0;
  for (;;) {
    const rest = text.slice(at);
    const word = NAVIGATION_WORDS.find(
      (w) => rest.slice(0, w.length).toLowerCase() === w && /^\p{Lu}/u.test(rest.slice(w.length)) && /^\p{Lu}/u.test(rest),
    );
    if (!word) break;
    crumbs.push(rest.slice(0, word.length));
    at += word.length;
  }
  const title = text.slice(at).trim();
  const enough = crumbs.length >= 2 || crumbs[0]?.toLowerCase() === "home";
  if (!enough || title.length < 12) return undefined;
  return { crumbs, title };
}

function section(text: string): Verdict | undefined {
  if (!SECTION.test(text)) return undefined;
  return {
    kind: "section",
    // A section printed in capitals ("SCIENCE") is named as the site's other categories are.
    value: text === text.toUpperCase() ? `${text.charAt(0)}${text.slice(1).toLowerCase()}` : text,
    from: "section",
    reason: "a section name from the page's navigation",
    ...(ALSO_TRAILER.test(text) ? { trailer: true } : {}),
  };
}

function breadcrumb(text: string): Verdict | undefined {
  const crumbs = breadcrumbs(text);
  const last = crumbs?.at(-1);
  if (!crumbs || crumbs.length < 2 || !last) return undefined;
  return { kind: "section", value: last, from: "breadcrumb", reason: `a breadcrumb (${crumbs.join(" › ")})` };
}

function postedIn(text: string): Verdict | undefined {
  const [, value] = POSTED_IN.exec(text) ?? [];
  if (!value) return undefined;
  return { kind: "section", value: value.trim(), from: "section", reason: `the page's category line ("${text}")` };
}

export const SECTION_RULES: readonly LineRule[] = [
  { name: "section", match: section },
  { name: "breadcrumb", match: breadcrumb },
  { name: "posted in", match: postedIn },
];
