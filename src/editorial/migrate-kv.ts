/**
 * @module editorial/migrate-kv
 * Brings a site whose articles live only in KV (the layout before D1) into the editorial database,
 * without loss: each old `article:<slug>` record is saved again from the editor's own fields and
 * Markdown, keeping its permalink as the feed id so feed readers see no duplicates. Old keys are
 * removed only once their article is in D1. Safe to run again: it resumes where it stopped.
 */
import * as v from "valibot";
import { articleInputSchema, type FieldProblem, storedArticleSchema, validate } from "../core/schema";
import type { PublishContext } from "./publishing";
import { saveArticle } from "./publishing";

/** The old layout's keys: `article:<slug>`, `index:<13 digits>:<slug>`, and the purge queue. */
const OLD_ARTICLE_PREFIX = "article:";
const OLD_INDEX = /^index:\d{13}:/;
const OLD_REPURGE_PREFIX = "repurge:";
/** Articles per call, inside a Worker's limits on subrequests and time. */
const BATCH = 50;

export interface MigrationReport {
  migrated: string[];
  unchanged: string[];
  failed: Array<{ slug: string; problems: FieldProblem[] }>;
  /** Old article keys still in KV: call again until this is 0. */
  remaining: number;
}

/** Migrates up to BATCH old articles, oldest keys first. */
export async function migrateKvArticles(context: PublishContext, kv: KVNamespace): Promise<MigrationReport> {
  const report: MigrationReport = { migrated: [], unchanged: [], failed: [], remaining: 0 };
  const page = await kv.list({ prefix: OLD_ARTICLE_PREFIX, limit: BATCH });
  for (const key of page.keys) {
    const slug = key.name.slice(OLD_ARTICLE_PREFIX.length);
    const raw = await kv.get(key.name);
    const old = raw === null ? null : v.safeParse(storedArticleSchema, safeJson(raw));
    if (!old?.success) {
      report.failed.push({ slug, problems: [{ field: "record", problem: "is not an article record of the old layout" }] });
      continue;
    }
    const { markdown, summaryDerived, summary, html: _html, readingMinutes: _m, version: _v, slug: _s, ...fields } = old.output;
    const input = validate(articleInputSchema, { ...fields, ...(summaryDerived ? {} : { summary }), body: markdown });
    if (!input.ok) {
      report.failed.push({ slug, problems: input.problems });
      continue;
    }
    const saved = await saveArticle(context, slug, input.value, {}, "import");
    if (!saved.ok) {
      report.failed.push({ slug, problems: saved.details });
      continue;
    }
    (saved.outcome === "unchanged" ? report.unchanged : report.migrated).push(slug);
    await kv.delete(key.name);
  }
  if (page.list_complete) await removeOldIndexes(kv);
  report.remaining = page.list_complete ? report.failed.length : (await kv.list({ prefix: OLD_ARTICLE_PREFIX })).keys.length;
  return report;
}

/** The old index and purge-queue keys; the new read model has its own. */
async function removeOldIndexes(kv: KVNamespace): Promise<void> {
  for (const prefix of ["index:", OLD_REPURGE_PREFIX]) {
    let cursor: string | undefined;
    do {
      const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
      for (const key of page.keys) if (prefix === OLD_REPURGE_PREFIX || OLD_INDEX.test(key.name)) await kv.delete(key.name);
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
