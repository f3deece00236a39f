/**
 * @module pipeline/corrections-builder
 * The `corrections` build target: the corrections page and its RSS, Atom and JSON Feed, prebuilt
 * in KV like any listing. It lists the notes of public articles only: a scheduled article's join
 * when it goes live (the cron queues every listing of an article with notes), a trashed one's leave.
 */
import { strongEtag } from "../cache/conditional";
import { absoluteUrl, type Site } from "../core/config";
import { type CorrectionKind, correctionLabel, noteAnchor } from "../core/corrections";
import { readCorrectionsListing } from "../data/corrections";
import { storedCorrection } from "../editorial/corrections";
import { atomItem } from "../feeds/atom";
import { buildFeed, type FeedItems, latestChange } from "../feeds/build";
import { jsonFeedItem } from "../feeds/json-feed";
import { channelFor, correctionNotesHtml, FEED_FORMATS, FEED_SIZE, type FeedItemModel } from "../feeds/model";
import { rssItem } from "../feeds/rss";
import type { DocumentMeta } from "../readmodel/store";
import { CORRECTIONS_HEADING, type CorrectionsEntry, renderCorrectionsPage } from "../render/corrections";
import type { NavSection } from "../render/layout";
import { SubscribeForm } from "../render/subscribe";
import { CORRECTIONS, correctionsDocument } from "../targets/corrections";
import { articlePath, type StoredName } from "../targets/document-name";

/** Notes the page shows at most; every one stays on its article, and the newest are in the feeds. */
export const CORRECTIONS_PAGE_SIZE = 200;

export interface CorrectionsSnapshot {
  generation: number;
  rows: Array<{
    id: string;
    kind: CorrectionKind;
    html: string;
    plain: string;
    created_at: number;
    changed_at: number;
    slug: string;
    title: string;
  }>;
  total: number;
  /** The next time a scheduled article with notes goes live, when the page changes by itself. */
  nextPublishAt: number | null;
  nav: NavSection[];
}

/** A document the builder writes (listing-builders.ts's `BuiltDocument`). */
interface CorrectionsDocument {
  name: StoredName;
  body: string;
  feedUrl?: string;
  meta: Omit<DocumentMeta, "generation">;
}

/**
 * The builder of the corrections page and feeds. It has the shape of listing-builders.ts's
 * `ListingBuilder`, where it is registered (and type-checked) by name.
 */
export function correctionsBuilder() {
  return {
    async read(db: D1Database, now: number, name: string): Promise<CorrectionsSnapshot> {
      return readCorrectionsListing(db, name, now, Math.max(CORRECTIONS_PAGE_SIZE, FEED_SIZE));
    },
    async render(site: Site, snapshot: CorrectionsSnapshot, now: number): Promise<CorrectionsDocument[]> {
      const entries = snapshot.rows.map(entryOf);
      const base = { builtAt: now, ...(snapshot.nextPublishAt === null ? {} : { expiresAt: snapshot.nextPublishAt }) };
      const page = await renderCorrectionsPage(site, {
        entries: entries.slice(0, CORRECTIONS_PAGE_SIZE),
        total: snapshot.total,
        nav: snapshot.nav,
        subscribe: SubscribeForm({ site, list: "corrections" }),
      });
      const items = snapshot.rows
        .slice(0, FEED_SIZE)
        .map((row, i) => feedItems(site, entries[i] ?? entryOf(row), row.changed_at));
      const updated = latestChange(items);
      const documents: CorrectionsDocument[] = [
        { name: correctionsDocument(), body: page, meta: { ...base, etag: await strongEtag(page) } },
      ];
      for (const format of FEED_FORMATS) {
        const channel = channelFor(site, {
          format,
          homePath: CORRECTIONS.path,
          paths: CORRECTIONS.feeds,
          title: `${CORRECTIONS_HEADING} · ${site.title}`,
          ...(updated === undefined ? {} : { updated }),
        });
        const body = buildFeed(format, channel, items, now);
        documents.push({
          name: correctionsDocument(format),
          body,
          feedUrl: channel.selfUrl,
          meta: { ...base, etag: await strongEtag(body) },
        });
      }
      return documents;
    },
  };
}

function entryOf(row: CorrectionsSnapshot["rows"][number]): CorrectionsEntry {
  return { ...storedCorrection(row), article: { slug: row.slug, title: row.title } };
}

/**
 * One note as a feed item of its own: its id is the note's (a URN, so a move of its article never
 * makes it new), its link the note on the article's page, its content the note as the article shows it.
 */
function feedItems(site: Site, entry: CorrectionsEntry, changedAt: number): FeedItems & { modified_at: number } {
  const url = `${absoluteUrl(site, articlePath(entry.article.slug))}#${noteAnchor(entry.id)}`;
  const item: FeedItemModel = {
    id: `urn:uuid:${entry.id}`,
    url,
    title: `${correctionLabel(entry.kind)}: ${entry.article.title}`,
    summary: entry.text,
    contentHtml: `${correctionNotesHtml(site, { slug: entry.article.slug, corrections: [entry] })}<p><a href="${url}">Read the article</a></p>\n`,
    published: entry.published,
    modified: entry.modified ?? entry.published,
    category: correctionLabel(entry.kind),
    authors: [],
    tags: [],
  };
  return { rss_item: rssItem(item), atom_item: atomItem(item), json_item: jsonFeedItem(item), modified_at: changedAt };
}
