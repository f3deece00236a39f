/**
 * @module readmodel/store
 * The KV read model: what readers read. Every key is written only by the materialiser, from D1's
 * state (see pipeline/materialise.ts); nothing else in the Worker writes KV. Documents are named by
 * their typed `StoredName`, and targets/document-name.ts alone turns one into a key:
 *
 *   an article's page               → its HTML (or "" for gone/moved)   metadata: PageMeta
 *   a listing's page, feed, sitemap → a prebuilt document                metadata: DocumentMeta
 *   a listing's index key           → ""                                 metadata: ListEntry (pages 2+)
 *   an archive part                 → an RFC 5005 archive feed           metadata: DocumentMeta
 *   an old path's redirect          → where it goes (a path or an absolute URL), for the reader's 301
 *
 * Invariants: a public route costs one KV read on a miss (`/page/N` past the first: two reads side by side, the first
 * page's and the navigation's, and one `list`). No key is shared between articles. `<sort>` orders every date the schema accepts
 * (years 0000–9999) newest first. A listing's `generation` in its metadata is the D1 generation
 * it was built from, so the cron can tell a stale listing from a current one with one `list`.
 */
import { isFlag, isNumber, isText, pickFields } from "../core/fields";
import { ENGLISH, type InterfaceText } from "../core/interface-text-en";
import type { ListEntry } from "../core/schema";
import type { NavSection } from "../render/layout";
import {
  DEFAULT_EDITION,
  documentKey,
  type Edition,
  indexPrefix,
  LISTING_KEY_PREFIX,
  type Listing,
  navigationName,
  pageName,
  redirectName,
  type StoredName,
} from "../targets/document-name";

export { indexKey, sortKey } from "../targets/document-name";

const KV_LIST_LIMIT = 1000;
// Scheduled articles sort before published ones; list this many extra so they rarely cost a second list.
const SCHEDULED_HEADROOM = 10;

/** KV with a count of operations, so responses and the benchmark can report what a request cost. */
export interface Store {
  kv: KVNamespace;
  ops: { reads: number; lists: number; writes: number };
  /** KV `cacheTtl` for reads, in seconds; unset leaves it to KV. */
  readCacheTtl?: number;
}

export function createStore(kv: KVNamespace, options: { readCacheTtl?: number } = {}): Store {
  return { kv, ops: { reads: 0, lists: 0, writes: 0 }, ...options };
}

/** What an article's key says about it. */
export type PageMeta =
  /** `edition`: another edition's segment (targets/document-name.ts); absent for the default edition. */
  | { state: "live"; etag: string; at: number; revision: number; edition?: string }
  | { state: "gone"; revision?: number }
  | { state: "moved"; to: string; revision?: number };

/** An article key's metadata, or undefined when it is not one of the three shapes. */
export function parsePageMeta(metadata: unknown): PageMeta | undefined {
  const state = typeof metadata === "object" && metadata !== null ? (metadata as { state?: unknown }).state : undefined;
  switch (state) {
    case "live":
      return pickFields(metadata, { state: isText, etag: isText, at: isNumber, revision: isNumber }, { edition: isText }) as
        | PageMeta
        | undefined;
    case "gone":
      return pickFields(metadata, { state: isText }, { revision: isNumber }) as PageMeta | undefined;
    case "moved":
      return pickFields(metadata, { state: isText, to: isText }, { revision: isNumber }) as PageMeta | undefined;
    default:
      return undefined;
  }
}

/** What a prebuilt document's key says about it. */
export interface DocumentMeta {
  etag: string;
  generation: number;
  /** When it was built (ms): feeds' Last-Modified. */
  builtAt: number;
  /** When it will change by itself: the next scheduled article's time (ms). */
  expiresAt?: number;
  /** How many entries the listing has in all, so `/page/N` past the end needs no `list`. */
  total?: number;
  /** An archive document that newer articles can no longer change: cached for long. */
  final?: boolean;
  /** The listing's display name, for its deeper pages, rendered on request. */
  label?: string;
}

/** A prebuilt document key's metadata, or undefined when it is not a DocumentMeta. */
export const parseDocumentMeta = (metadata: unknown): DocumentMeta | undefined =>
  pickFields(
    metadata,
    { etag: isText, generation: isNumber, builtAt: isNumber },
    { expiresAt: isNumber, total: isNumber, final: isFlag, label: isText },
  ) as DocumentMeta | undefined;

/** An index key's metadata as a list entry (core/schema.ts's listEntrySchema), or undefined. */
export const parseListEntry = (metadata: unknown): ListEntry | undefined =>
  pickFields(
    metadata,
    { slug: isText, title: isText, published: isText, category: isText, summary: isText },
    { updated: isText, section: isText },
  ) as ListEntry | undefined;

export interface StoredDocument {
  body: string;
  meta: DocumentMeta;
}

export interface StoredPage {
  body: string;
  meta: PageMeta;
}

const pageKey = (slug: string): string => documentKey(pageName(slug));

function readOptions(store: Store): { cacheTtl?: number } {
  return store.readCacheTtl ? { cacheTtl: store.readCacheTtl } : {};
}

/** An article's page, or null: one KV read. A record with broken metadata is logged and absent. */
export async function getPage(store: Store, slug: string): Promise<StoredPage | null> {
  store.ops.reads++;
  const { value, metadata } = await store.kv.getWithMetadata(pageKey(slug), { type: "text", ...readOptions(store) });
  if (value === null) return null;
  const meta = parsePageMeta(metadata);
  if (!meta) {
    console.error(`KV ${pageKey(slug)} has no valid page metadata; serving a 404`);
    return null;
  }
  return { body: value, meta };
}

/** A prebuilt listing document, or null: one KV read. */
export async function getDocument(store: Store, name: StoredName): Promise<StoredDocument | null> {
  store.ops.reads++;
  const key = documentKey(name);
  const { value, metadata } = await store.kv.getWithMetadata(key, { type: "text", ...readOptions(store) });
  if (value === null) return null;
  const meta = parseDocumentMeta(metadata);
  if (!meta) {
    console.error(`KV ${key} has no valid document metadata; serving a 404 until the pipeline rebuilds it`);
    return null;
  }
  const { label, ...rest } = meta;
  return { body: value, meta: label === undefined ? rest : { ...rest, label: decodeLabel(label) } };
}

/**
 * What an edition's pages rendered on request (deeper listing pages, 404 and 410) show around
 * their content: its language, title, description, time zone and interface text. The home page's
 * build writes it with the navigation (pipeline/listing-builders.ts), so the reader carries no
 * edition settings and no other language's text.
 */
export interface EditionFace {
  language: string;
  title: string;
  description: string;
  timeZone?: string;
  text?: InterfaceText;
}

/** The navigation document of an edition: its sections and, when written by this release, its face. */
export interface NavigationDocument {
  nav: NavSection[];
  face?: EditionFace;
}

/**
 * The navigation's sections of an edition and its face, as the home page's build wrote them from
 * D1: one KV read. Missing (a site not yet rebuilt) or broken, the header shows none. An older
 * release's document is the sections' array alone.
 */
export async function getNavigationDocument(store: Store, edition: Edition = DEFAULT_EDITION): Promise<NavigationDocument> {
  const document = await getDocument(store, navigationName(edition));
  if (!document) return { nav: [] };
  try {
    const parsed: unknown = JSON.parse(document.body);
    const sections: unknown = Array.isArray(parsed) ? parsed : (parsed as { sections?: unknown } | null)?.sections;
    const nav = Array.isArray(sections)
      ? sections.flatMap((item: unknown) => {
          const section = pickFields(item, { slug: isText, name: isText }) as NavSection | undefined;
          return section ? [{ slug: section.slug, name: section.name }] : [];
        })
      : [];
    const face = Array.isArray(parsed) ? undefined : faceOf((parsed as { face?: unknown } | null)?.face);
    return face ? { nav, face } : { nav };
  } catch {
    console.error("KV's navigation document is not JSON; rendering no navigation until the pipeline rebuilds it");
    return { nav: [] };
  }
}

/** The navigation's sections of an edition (getNavigationDocument's). */
export async function getNavigation(store: Store, edition: Edition = DEFAULT_EDITION): Promise<NavSection[]> {
  return (await getNavigationDocument(store, edition)).nav;
}

/** An edition's face as stored, checked field by field; its text over English, so a missing string never shows blank. */
function faceOf(value: unknown): EditionFace | undefined {
  const face = pickFields(value, { language: isText, title: isText, description: isText }, { timeZone: isText, text: isObject });
  if (!face) return undefined;
  const text = face.text as Record<string, unknown> | undefined;
  const strings = text
    ? Object.fromEntries(Object.entries(text).filter((entry): entry is [string, string] => typeof entry[1] === "string"))
    : {};
  return {
    language: face.language as string,
    title: face.title as string,
    description: face.description as string,
    ...(typeof face.timeZone === "string" ? { timeZone: face.timeZone } : {}),
    ...(text ? { text: { ...ENGLISH, ...strings } } : {}),
  };
}

const isObject = (value: unknown): boolean => typeof value === "object" && value !== null && !Array.isArray(value);

function decodeLabel(label: string): string {
  try {
    return decodeURIComponent(label);
  } catch {
    return label;
  }
}

export interface IndexPage {
  entries: ListEntry[];
  hasMore: boolean;
  nextPublishAt?: number;
}

/**
 * Entries `offset` to `offset + limit` of a listing, newest first, live at `now`: always exactly one
 * `list` (up to 1,000 keys), so a deep page costs what the second page costs. Pages stop at 1,000
 * keys: `MAX_PAGE` in reader/public.ts keeps within them, and the archived feeds reach further.
 */
export async function listIndex(
  store: Store,
  listing: Listing,
  options: { offset: number; limit: number; now: number },
): Promise<IndexPage> {
  const visible: ListEntry[] = [];
  const seen = new Set<string>();
  let nextPublishAt: number | undefined;
  store.ops.lists++;
  const page: KVNamespaceListResult<unknown, string> = await store.kv.list({
    prefix: indexPrefix(listing),
    limit: Math.min(KV_LIST_LIMIT, options.offset + options.limit + 1 + SCHEDULED_HEADROOM),
  });
  for (const key of page.keys) {
    const entry = parseListEntry(key.metadata);
    if (!entry) {
      console.error(`Skipping index key ${key.name}: its metadata is not a list entry`);
      continue;
    }
    const at = Date.parse(entry.published);
    if (at > options.now) nextPublishAt = Math.min(nextPublishAt ?? at, at);
    else if (!seen.has(entry.slug)) {
      seen.add(entry.slug);
      visible.push(entry);
    }
  }
  return {
    entries: visible.slice(options.offset, options.offset + options.limit),
    hasMore: visible.length > options.offset + options.limit,
    ...(nextPublishAt === undefined ? {} : { nextPublishAt }),
  };
}

/** The generation each stored listing document was built from: one `list` (metadata rides along). */
export async function listDocumentGenerations(store: Store): Promise<Map<string, number>> {
  const generations = new Map<string, number>();
  let cursor: string | undefined;
  do {
    store.ops.lists++;
    const page: KVNamespaceListResult<unknown, string> = await store.kv.list({
      prefix: LISTING_KEY_PREFIX,
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) {
      const meta = parseDocumentMeta(key.metadata);
      generations.set(key.name.slice(LISTING_KEY_PREFIX.length), meta ? meta.generation : -1);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return generations;
}

// Writes: for the materialiser only.

export async function putPage(store: Store, slug: string, body: string, meta: PageMeta): Promise<void> {
  store.ops.writes++;
  await store.kv.put(pageKey(slug), body, { metadata: meta });
}

export async function deletePage(store: Store, slug: string): Promise<void> {
  store.ops.writes++;
  await store.kv.delete(pageKey(slug));
}

export async function deleteDocument(store: Store, name: StoredName): Promise<void> {
  store.ops.writes++;
  await store.kv.delete(documentKey(name));
}

export async function putDocument(store: Store, name: StoredName, document: StoredDocument): Promise<void> {
  store.ops.writes++;
  const { label, ...meta } = document.meta;
  // Metadata travels in an HTTP header on its way to KV: keep the label ASCII (and so its size
  // predictable) by percent-encoding it.
  await store.kv.put(documentKey(name), document.body, {
    metadata: label === undefined ? meta : { ...meta, label: encodeURIComponent(label) },
  });
}

export async function putIndexEntry(store: Store, key: string, entry: ListEntry): Promise<void> {
  store.ops.writes++;
  await store.kv.put(key, "", { metadata: entry });
}

export async function deleteIndexEntry(store: Store, key: string): Promise<void> {
  store.ops.writes++;
  await store.kv.delete(key);
}

/** Where an old path (in targets/redirects.ts's normal form) goes, or null: one KV read. */
export async function getRedirect(store: Store, path: string): Promise<string | null> {
  store.ops.reads++;
  const to = await store.kv.get(documentKey(redirectName(path)), { type: "text", ...readOptions(store) });
  return to === null || to === "" ? null : to;
}

export async function putRedirect(store: Store, path: string, to: string): Promise<void> {
  store.ops.writes++;
  await store.kv.put(documentKey(redirectName(path)), to);
}

export async function deleteRedirectDocument(store: Store, path: string): Promise<void> {
  store.ops.writes++;
  await store.kv.delete(documentKey(redirectName(path)));
}
