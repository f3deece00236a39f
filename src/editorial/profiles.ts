/**
 * @module editorial/profiles
 * Authors' profiles and sections' names and order: the workflows the API and the desk both call.
 * Each checks its input with the one schema, refuses by field, and writes through
 * data/taxonomy.ts, which queues the pages that show what changed in the same batch.
 */

import type { Site } from "../core/config";
import { canonicalLanguage } from "../core/edition";
import { authorProfileSchema, sectionUpdateSchema, validate } from "../core/schema";
import { sectionNamesOf, upsertSectionName } from "../data/editions";
import { listingStatements } from "../data/pipeline";
import {
  type AuthorRow,
  articlesByAuthor,
  authorNamed,
  deleteAuthor,
  getAuthor,
  getSection,
  putAuthor,
  type SectionRow,
  updateSection,
} from "../data/taxonomy";
import { archiveTarget, formatTarget, listingTarget } from "../targets/build-target";
import { type Edition, homeOf, listingOf } from "../targets/document-name";
import { listEditions } from "./editions";
import type { Refusal } from "./publishing";

/**
 * Creates or replaces the profile at `slug`. A name another author already has (in any case) is
 * refused: bylines are matched to profiles by name.
 * @example await saveAuthor(db, "ana-reyes", { name: "Ana Reyes", bio: "Covers the harbour." }, Date.now())
 */
export async function saveAuthor(
  db: D1Database,
  slug: string,
  data: unknown,
  now: number,
): Promise<{ ok: true; author: AuthorRow; created: boolean } | Refusal> {
  const profile = validate(authorProfileSchema, data);
  if (!profile.ok) return { ok: false, status: 400, error: "The author's profile is not valid", details: profile.problems };
  const existing = await getAuthor(db, slug);
  const clash = await authorNamed(db, profile.value.name, slug);
  if (clash) {
    return {
      ok: false,
      status: 409,
      error: "Another author is called that",
      details: [{ field: "name", problem: `is the name of the author "${clash}"` }],
    };
  }
  const author: AuthorRow = {
    slug,
    name: profile.value.name,
    bio: profile.value.bio,
    url: profile.value.url ?? null,
    photo_url: profile.value.photoUrl ?? null,
  };
  await putAuthor(db, author, now);
  return { ok: true, author, created: !existing };
}

/** Removes a profile, unless an article still names the author (the delete itself checks, in one statement). */
export async function removeAuthor(db: D1Database, slug: string, now: number): Promise<{ ok: true } | Refusal> {
  if (!(await getAuthor(db, slug)))
    return {
      ok: false,
      status: 404,
      error: `There is no author "${slug}"`,
      details: [{ field: "slug", problem: "names no author" }],
    };
  if (await deleteAuthor(db, slug, now)) return { ok: true };
  const articles = await articlesByAuthor(db, slug);
  return {
    ok: false,
    status: 409,
    error: "The author still has articles",
    details: [{ field: "slug", problem: `names the author of ${articles} article(s): change their bylines first` }],
  };
}

/**
 * Renames a section (its slug stays), names it in other editions, or moves it in the navigation.
 * Each edition whose navigation or section page may show the change has its home page and the
 * section's listing queued; a home page whose navigation changed rebuilds its own edition's pages,
 * and no other's (pipeline/listing-builders.ts). A name in another edition touches that edition only.
 */
export async function saveSection(
  db: D1Database,
  site: Site,
  slug: string,
  data: unknown,
  now: number,
): Promise<{ ok: true; section: SectionRow & { names: Record<string, string> } } | Refusal> {
  const update = validate(sectionUpdateSchema, data);
  if (!update.ok) return { ok: false, status: 400, error: "The section is not valid", details: update.problems };
  const editions = await listEditions(db, site);
  const names: Array<{ lang: string; name: string; edition: Edition }> = [];
  for (const [tag, name] of Object.entries(update.value.names ?? {})) {
    const edition = editions.find((view) => view.lang.toLowerCase() === canonicalLanguage(tag)?.toLowerCase());
    if (!edition || edition.default)
      return {
        ok: false,
        status: 400,
        error: "The section is not valid",
        details: [
          {
            field: `names.${tag.slice(0, 40)}`,
            problem: edition
              ? "is the default edition: its name is `name`"
              : "names no edition the site has: create it first with PUT /api/editions/:lang",
          },
        ],
      };
    names.push({ lang: edition.lang, name, edition: edition.edition });
  }
  const section = await getSection(db, slug);
  if (!section)
    return {
      ok: false,
      status: 404,
      error: `There is no section "${slug}"`,
      details: [{ field: "slug", problem: "names no section" }],
    };
  const next = { slug, name: update.value.name ?? section.name, position: update.value.position ?? section.position };
  // A new name or place shows in every edition (the default name is the others' until they have
  // their own); a name in one edition, in that one only.
  const touched =
    next.name !== section.name || next.position !== section.position
      ? editions.map((view) => view.edition)
      : names.map((named) => named.edition);
  const queued = [...new Set(touched)].flatMap((edition) => [
    formatTarget(listingTarget(homeOf(edition))),
    formatTarget(listingTarget(listingOf("section", slug, edition))),
    formatTarget(archiveTarget(listingOf("section", slug, edition))),
  ]);
  await updateSection(db, next, [
    ...names.map((named) => upsertSectionName(db, { slug, lang: named.lang, name: named.name })),
    ...listingStatements(db, queued, now),
  ]);
  return { ok: true, section: { ...next, names: await sectionNamesOf(db, slug) } };
}
