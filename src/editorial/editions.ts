/**
 * @module editorial/editions
 * The site's editions: settings per edition in D1, the default edition seeded by the SITE_* vars.
 * The default edition is SITE_LANGUAGE and keeps today's URLs; an editor may save its settings too,
 * which then override the vars. Every workflow here answers an expected failure as a `Refusal`,
 * naming the field, and a refused request writes nothing.
 */
import type { Site } from "../core/config";
import { canonicalLanguage, type EditionSettings, editionInputSchema, languageProblem } from "../core/edition";
import { interfaceTextFor } from "../core/interface-text";
import { validate } from "../core/schema";
import { type ArticleStatus, statusOf } from "../core/visibility";
import {
  articleEditionOf,
  articlesInEdition,
  deleteUnusedEdition,
  type EditionRow,
  editionBySegment,
  editionRowOf,
  editionRows,
  groupVersionsOf,
  translationGroup,
  upsertEdition,
} from "../data/editions";
import { listingStatements } from "../data/pipeline";
import { formatTarget, listingTarget } from "../targets/build-target";
import { articlePath, DEFAULT_EDITION, type Edition, editionOf, homeOf } from "../targets/document-name";
import type { Refusal } from "./refusal";

/** An edition as the API and the desk show it. */
export interface EditionView extends EditionSettings {
  /** Whether it is the default edition (SITE_LANGUAGE), which keeps the site's unprefixed URLs. */
  default: boolean;
  /** Its segment in paths and keys: "" for the default edition, else the tag in lower case. */
  edition: Edition;
  /** Its home page's path. */
  path: string;
  /** The language its interface text is in (core/interface-text.ts): its own, or "en" when it falls back. */
  interfaceLanguage: string;
  /** Whether its interface text falls back to English, having none in its language. */
  interfaceFallback: boolean;
}

const viewOf = (site: Site, settings: EditionSettings): EditionView => {
  const edition = editionOf(settings.lang, site.language);
  const { text, fallback } = interfaceTextFor(settings.lang);
  return {
    ...settings,
    default: edition === DEFAULT_EDITION,
    edition,
    path: edition ? `/${edition}/` : "/",
    interfaceLanguage: text.lang,
    interfaceFallback: fallback,
  };
};

/** The site with the interface text of its language (core/interface-text.ts), as the pipeline renders it. */
export const withInterfaceText = (site: Site): Site => ({ ...site, text: interfaceTextFor(site.language).text });

const settingsOf = (row: EditionRow): EditionSettings => ({
  lang: row.lang,
  name: row.name,
  title: row.title,
  description: row.description,
  ...(row.time_zone === null ? {} : { timeZone: row.time_zone }),
});

/** The default edition as the SITE_* vars describe it, before any editor saved its settings. */
export const defaultEditionFromVars = (site: Site): EditionSettings => ({
  lang: site.language,
  name: displayName(site.language),
  title: site.title,
  description: site.description,
  ...(site.timeZone ? { timeZone: site.timeZone } : {}),
});

/** A language's own name for itself ("español"), or its tag when the runtime does not know it. */
export function displayName(lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: "language" }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

/** Every edition: the default first, then the others by tag. */
export async function listEditions(db: D1Database, site: Site): Promise<EditionView[]> {
  const rows = await editionRows(db);
  const saved = rows.find((row) => editionOf(row.lang, site.language) === DEFAULT_EDITION);
  return [
    viewOf(site, saved ? settingsOf(saved) : defaultEditionFromVars(site)),
    ...rows.filter((row) => row !== saved).map((row) => viewOf(site, settingsOf(row))),
  ];
}

/** One edition by its tag in any case, or undefined when the site has none in that language. */
export async function findEdition(db: D1Database, site: Site, tag: string): Promise<EditionView | undefined> {
  const lang = canonicalLanguage(tag);
  if (!lang) return undefined;
  return (await listEditions(db, site)).find((edition) => edition.lang.toLowerCase() === lang.toLowerCase());
}

const badTag = (tag: string): Refusal => ({
  ok: false,
  status: 400,
  error: "The language tag is not valid",
  details: [languageProblem(tag) ?? { field: "lang", problem: "is not valid" }],
});

/** Creates or replaces an edition's settings: `PUT /api/editions/:lang`. */
export async function saveEdition(
  db: D1Database,
  site: Site,
  tag: string,
  body: unknown,
  by: string,
  now: number,
): Promise<{ ok: true; created: boolean; edition: EditionView } | Refusal> {
  const lang = canonicalLanguage(tag);
  if (!lang) return badTag(tag);
  const input = validate(editionInputSchema, body);
  if (!input.ok) return { ok: false, status: 400, error: "The edition is not valid", details: input.problems };
  // The default edition is stored under SITE_LANGUAGE's own form, whatever case the path used.
  const stored = editionOf(lang, site.language) === DEFAULT_EDITION ? site.language : lang;
  const existing = await editionRowOf(db, stored);
  // Its home page is built again: its build notices new settings, and rebuilds that edition's pages
  // (a new edition's: none yet), and no other's (pipeline/listing-builders.ts).
  const home = formatTarget(listingTarget(homeOf(editionOf(lang, site.language))));
  await db.batch([
    upsertEdition(db, {
      lang: stored,
      name: input.value.name,
      title: input.value.title,
      description: input.value.description ?? "",
      time_zone: input.value.timeZone ?? null,
      now,
      by,
    }),
    ...listingStatements(db, [home], now),
  ]);
  const settings: EditionSettings = {
    lang: stored,
    name: input.value.name,
    title: input.value.title,
    description: input.value.description ?? "",
    ...(input.value.timeZone ? { timeZone: input.value.timeZone } : {}),
  };
  return { ok: true, created: existing === null, edition: viewOf(site, settings) };
}

/** Deletes an edition: `DELETE /api/editions/:lang`. 409 for the default edition, or while articles use it. */
export async function removeEdition(db: D1Database, site: Site, tag: string): Promise<{ ok: true; lang: string } | Refusal> {
  const lang = canonicalLanguage(tag);
  if (!lang) return badTag(tag);
  if (editionOf(lang, site.language) === DEFAULT_EDITION)
    return {
      ok: false,
      status: 409,
      error: "The default edition cannot be deleted",
      details: [{ field: "lang", problem: `is the default edition (SITE_LANGUAGE is ${site.language})` }],
    };
  const existing = await editionRowOf(db, lang);
  if (!existing)
    return {
      ok: false,
      status: 404,
      error: `There is no edition "${lang}"`,
      details: [{ field: "lang", problem: "names no edition" }],
    };
  const result = await deleteUnusedEdition(db, { lang }).run();
  if (result.meta.changes === 0) {
    const count = await articlesInEdition(db, lang);
    return {
      ok: false,
      status: 409,
      error: `The edition "${lang}" still has articles`,
      details: [{ field: "lang", problem: `is used by ${count} article${count === 1 ? "" : "s"}; move or delete them first` }],
    };
  }
  return { ok: true, lang };
}

/** Where a save files its article: its edition and translation group (editorial/database.ts's ArticleWrite). */
export interface Filing {
  language: string | null;
  group: string | null;
  joinFirst?: string;
  /**
   * The group's other articles, whose pages and sitemap entries link this one (hreflang): a save
   * rebuilds their pages and their months' sitemaps too.
   */
  members?: Array<{ slug: string; publishedAt: number }>;
}

const refuse = (status: 400 | 409, error: string, field: string, problem: string): Refusal => ({
  ok: false,
  status,
  error,
  details: [{ field, problem }],
});

/**
 * The edition and translation group a save of `slug` files its article in, or why it may not:
 * 400 for an edition the site does not have or a `translationOf` that names no other article, 409
 * for one in the trash or a group that already has a version in this edition. Nothing is written.
 */
export async function filingFor(
  db: D1Database,
  site: Site,
  slug: string,
  input: { language?: string; translationOf?: string },
): Promise<Filing | Refusal> {
  let language: string | null = null;
  if (input.language !== undefined && editionOf(input.language, site.language) !== DEFAULT_EDITION) {
    const edition = await editionRowOf(db, input.language);
    if (!edition)
      return refuse(
        400,
        "The article's edition does not exist",
        "language",
        `names no edition: create it first with PUT /api/editions/${input.language}`,
      );
    language = edition.lang;
  }
  const self = await articleEditionOf(db, slug);
  let group = self?.translation_group ?? null;
  let joinFirst: string | undefined;
  if (input.translationOf !== undefined) {
    if (input.translationOf === slug)
      return refuse(400, "An article cannot be a translation of itself", "translationOf", "must name another article");
    const original = await articleEditionOf(db, input.translationOf);
    if (!original) return refuse(400, `There is no article "${input.translationOf}"`, "translationOf", "names no article");
    if (original.deleted_at !== null)
      return refuse(
        409,
        `The article "${input.translationOf}" is in the trash`,
        "translationOf",
        "names an article in the trash",
      );
    group = original.translation_group ?? original.id;
    if (original.translation_group === null) joinFirst = original.id;
  }
  // The group's articles; its first, before it has joined its own group, is a member too.
  const first = joinFirst ? await articleEditionOf(db, input.translationOf ?? "") : null;
  const versions = group === null ? [] : [...(await translationGroup(db, group)), ...(first ? [first] : [])];
  const clash = versions.find((member) => member.slug !== slug && (member.language ?? null) === language);
  if (clash) {
    const name = language ?? site.language;
    return refuse(
      409,
      `The translation group already has a version in ${name}`,
      input.translationOf ? "translationOf" : "language",
      `already holds "${clash.slug}" in ${name}: a group has one article per edition`,
    );
  }
  // The others, whose pages link this one: a save rewrites them too (editorial/publishing.ts).
  const members = versions
    .filter((member, i, all) => member.slug !== slug && all.findIndex((other) => other.slug === member.slug) === i)
    .map((member) => ({ slug: member.slug, publishedAt: member.published_at }));
  return { language, group, ...(joinFirst ? { joinFirst } : {}), ...(members.length ? { members } : {}) };
}

/** The other articles of the translation group of the article at `slug` (none when it has no group). */
export async function groupMembersOf(db: D1Database, slug: string): Promise<NonNullable<Filing["members"]>> {
  const self = await articleEditionOf(db, slug);
  if (!self?.translation_group) return [];
  return (await translationGroup(db, self.translation_group))
    .filter((member) => member.slug !== slug)
    .map((member) => ({ slug: member.slug, publishedAt: member.published_at }));
}

/** One version of an article, as its page's hreflang links and language switcher show it (render/article.tsx). */
export interface VersionView {
  lang: string;
  name: string;
  path: string;
  current: boolean;
  xDefault: boolean;
}

/**
 * The versions of the article at `slug` that readers can see at `now`, itself included, for its
 * page's hreflang links and switcher: [] when it has no other. The x-default is the default
 * edition's version, else the group's original.
 */
export async function versionsOf(db: D1Database, site: Site, slug: string, now: number): Promise<VersionView[]> {
  const rows = await groupVersionsOf(db, slug, now);
  if (rows.length < 2) return [];
  const editions = await listEditions(db, site);
  const hasDefault = rows.some((row) => row.language === null);
  return rows.map((row) => {
    const lang = row.language ?? site.language;
    const edition = editionOf(lang, site.language);
    const saved = editions.find((view) => view.edition === edition);
    return {
      lang: saved?.lang ?? lang,
      name: saved?.name ?? displayName(lang),
      path: articlePath(row.slug, edition),
      current: row.slug === slug,
      xDefault: hasDefault ? row.language === null : row.original === 1,
    };
  });
}

/** An article's versions in other editions, as `GET /api/articles/:slug` lists them. */
export interface TranslationView {
  language: string;
  slug: string;
  status: ArticleStatus;
  originalChanged: boolean;
}

/** Every version of the article at `slug` (itself included), or [] when it has no translation group. */
export async function translationsOf(db: D1Database, site: Site, slug: string, now: number): Promise<TranslationView[]> {
  const self = await articleEditionOf(db, slug);
  if (!self?.translation_group) return [];
  return (await translationGroup(db, self.translation_group)).map((member) => ({
    language: member.language ?? site.language,
    slug: member.slug,
    status: statusOf(member, now),
    originalChanged: member.original_changed_at !== null,
  }));
}

/**
 * The site as an edition renders it: the default edition's is `site` with any settings an editor
 * saved over the vars; another's has its own language, title, description and time zone, and its
 * segment as `edition`; each with its language's interface text. Undefined for an edition the site
 * does not have.
 */
export async function siteForEdition(db: D1Database, site: Site, edition: Edition): Promise<Site | undefined> {
  const row = edition === DEFAULT_EDITION ? await editionRowOf(db, site.language) : await editionBySegment(db, edition);
  if (!row) return edition === DEFAULT_EDITION ? withInterfaceText(site) : undefined;
  return withInterfaceText({
    ...site,
    language: edition === DEFAULT_EDITION ? site.language : row.lang,
    title: row.title,
    description: row.description || site.description,
    ...(row.time_zone ? { timeZone: row.time_zone } : {}),
    ...(edition === DEFAULT_EDITION ? {} : { edition }),
  });
}
