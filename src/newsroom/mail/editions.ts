/**
 * @module newsroom/mail/editions
 * Lists per edition: which edition an article's mail belongs to, the site each edition's emails are
 * written for (its language, title and links), and whether the list a reader asks for exists there.
 * A list's name carries its edition as the listings' names do (core/mail.ts: `es/section:world`).
 */
import type { Site } from "../../core/config";
import type { List } from "../../core/mail";
import { listTargetExists } from "../../data/mail";
import { siteForEdition } from "../../editorial/editions";
import { DEFAULT_EDITION, type Edition, editionOf } from "../../targets/document-name";

/** The edition of an article whose `language` column is this (null: the default edition). */
export const articleEdition = (site: Site, language: string | null): Edition =>
  language === null ? DEFAULT_EDITION : editionOf(language, site.language);

/**
 * The site each edition's emails are written for, read once per edition for as long as the
 * returned function is kept (one look, one page): an edition the site no longer has falls back to
 * the default edition's site.
 */
export function editionSites(db: D1Database, site: Site): (edition: Edition) => Promise<Site> {
  const known = new Map<Edition, Promise<Site>>();
  return (edition) => {
    let found = known.get(edition);
    if (!found) {
      found = edition === DEFAULT_EDITION ? Promise.resolve(site) : siteForEdition(db, site, edition).then((s) => s ?? site);
      known.set(edition, found);
    }
    return found;
  };
}

/** Whether a list names something that exists: its edition, and the section, tag, author or live article it names. */
export async function listExists(db: D1Database, site: Site, list: List): Promise<boolean> {
  if (list.edition !== DEFAULT_EDITION && !(await siteForEdition(db, site, list.edition))) return false;
  return "slug" in list ? listTargetExists(db, list.kind, list.slug) : true;
}
