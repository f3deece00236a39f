/**
 * @module editorial/profiles
 * Authors' profiles and sections' names and order: the workflows the API and the desk both call.
 * Each checks its input with the one schema, refuses by field, and writes through
 * data/taxonomy.ts, which queues the pages that show what changed in the same batch.
 */

import { authorProfileSchema, sectionUpdateSchema, validate } from "../core/schema";
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

/** Renames a section (its slug stays) or moves it in the navigation. */
export async function saveSection(
  db: D1Database,
  slug: string,
  data: unknown,
  now: number,
): Promise<{ ok: true; section: SectionRow } | Refusal> {
  const update = validate(sectionUpdateSchema, data);
  if (!update.ok) return { ok: false, status: 400, error: "The section is not valid", details: update.problems };
  const section = await getSection(db, slug);
  if (!section)
    return {
      ok: false,
      status: 404,
      error: `There is no section "${slug}"`,
      details: [{ field: "slug", problem: "names no section" }],
    };
  const next = { slug, name: update.value.name ?? section.name, position: update.value.position ?? section.position };
  await updateSection(db, next, now);
  return { ok: true, section: next };
}
