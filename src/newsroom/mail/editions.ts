/**
 * @module newsroom/mail/editions
 * Lists per edition: which edition an article's mail belongs to, the site each edition's emails are
 * written for (its language, title and links), and whether the list a reader asks for exists there.
 * A list's name carries its edition as the listings' names do (core/mail.ts: `es/section:world`).
 * Each edition's digests go at the digest hour in its own time zone.
 */
import type { Site } from "../../core/config";
import { type List, localDayAndHour } from "../../core/mail";
import { editionRows } from "../../data/editions";
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

/**
 * The editions whose clock shows `hour` at `now`, each with its local date: the default edition in
 * its zone (an editor's saved setting, else SITE_TIME_ZONE), every other edition in its own, or the
 * default's when it has none. One read of the small `editions` table.
 */
export async function editionsAtHour(db: D1Database, site: Site, now: number, hour: number): Promise<Map<Edition, string>> {
  const rows = await editionRows(db);
  const defaultZone = rows.find((row) => row.lang === site.language)?.time_zone ?? site.timeZone ?? "UTC";
  const zones = new Map<Edition, string>([[DEFAULT_EDITION, defaultZone]]);
  for (const row of rows) zones.set(editionOf(row.lang, site.language), row.time_zone ?? defaultZone);
  const due = new Map<Edition, string>();
  for (const [edition, zone] of zones) {
    const local = localDayAndHour(now, zone);
    if (local.hour === hour) due.set(edition, local.day);
  }
  return due;
}
