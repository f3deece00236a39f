/**
 * @module core/mail-strings
 * Every word newsletters show a reader, in one place: the subscribe form on prebuilt pages, and the
 * fixed text of each email. `mailStrings(language)` answers an edition's strings; today every
 * language gets the English ones, so that interface strings per language (issue 23's) can replace
 * this table without touching the form or the emails.
 */

/** A list's label as text says it: "the World section", "articles tagged floods". */
export type ListLabel = (kind: string, slug: string) => string;

export interface MailStrings {
  /** How a list is named in a sentence. */
  listLabel: ListLabel;
  form: { get: (label: string) => string; howOften: string; alerts: string; digest: string; subscribe: string };
  /** A digest's subject: how many articles are new. */
  newArticles: (count: number) => string;
  readArticle: string;
  correction: string;
  readCorrected: string;
  live: string;
  followCoverage: string;
  asDigest: string;
  footer: { why: (site: string) => string; manage: string; unsubscribe: string };
  confirm: {
    subject: (site: string) => string;
    heading: string;
    asked: (site: string, what: string) => string;
    link: string;
    note: string;
  };
}

const ENGLISH: MailStrings = {
  listLabel: (kind, slug) => {
    if (kind === "home") return "every new article";
    if (kind === "corrections") return "corrections";
    if (kind === "section") return `the ${slug} section`;
    if (kind === "tag") return `articles tagged ${slug}`;
    if (kind === "author") return `articles by ${slug}`;
    if (kind === "live") return `the key events of ${slug}`;
    return "articles you were sent";
  },
  form: {
    get: (label) => `Get ${label} by email`,
    howOften: "How often",
    alerts: "Each article",
    digest: "A daily digest",
    subscribe: "Subscribe",
  },
  newArticles: (count) => (count === 1 ? "1 new article" : `${count} new articles`),
  readArticle: "Read the article",
  correction: "Correction",
  readCorrected: "Read the corrected article",
  live: "Live",
  followCoverage: "Follow the coverage",
  asDigest: ", as a daily digest",
  footer: {
    why: (site) => `You receive this because you subscribed at ${site}.`,
    manage: "Manage your subscriptions",
    unsubscribe: "Unsubscribe",
  },
  confirm: {
    subject: (site) => `Confirm your subscription to ${site}`,
    heading: "Confirm your subscription",
    asked: (site, what) => `Someone, probably you, asked ${site} to email this address ${what}.`,
    link: "Confirm the subscription",
    note: "The link works for 7 days. If you did not ask, ignore this email: nothing will be sent.",
  },
};

/**
 * The strings of an edition in `language` (a BCP 47 tag). English for every language until the
 * interface strings per language arrive; a missing translation must fall back to these.
 */
export function mailStrings(_language: string): MailStrings {
  return ENGLISH;
}
