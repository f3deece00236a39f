/**
 * @module editorial/corrections
 * Corrections and clarifications: each a record of its own in D1 (`corrections`, with every write
 * in `correction_revisions`), never a silent edit of the article. This module decides every change
 * to them; their statements are data/corrections.ts's.
 *
 * Readers' copies of the article carry its current notes: its stored record (which its page and
 * structured data are rendered from), its feed items and its `modified_at` are re-rendered from the
 * notes in the same guarded transaction as every change to them (`commitGuarded`, as saves use).
 * That transaction's head is the article row at the revision this change was built from, so a
 * save of the article that lands meanwhile (and carries the notes it read) makes this change retry
 * on the new state; a save checks the revision too (editorial/publishing.ts), so neither loses the
 * other's work.
 */
import type { CorrectionInput, StoredCorrection } from "../core/correction-schema";
import { correctionInputSchema } from "../core/correction-schema";
import { LIMITS } from "../core/limits";
import { renderNote } from "../core/markdown";
import { type FieldProblem, type StoredArticle, validate } from "../core/schema";
import { type ArticleRow, commitGuarded, correctionArticleHead, getArticleRow } from "../data/articles";
import {
  type CorrectionAction,
  type CorrectionRow,
  correctionRevisionStatement,
  correctionStatement,
  listCorrections,
} from "../data/corrections";
import { type OutboxWork, outboxStatements } from "../data/pipeline";
import { lastChange } from "../feeds/model";
import { CORRECTIONS } from "../targets/corrections";
import { feedItemsOf } from "./article";
import { statusOf, storedArticleOf } from "./database";
import { etagOf, ifMatchNames, listingsOfRow, type Preconditions, type PublishContext, type Refusal } from "./publishing";

export type CorrectionChanged = {
  ok: true;
  outcome: "created" | "updated" | "unchanged" | "deleted";
  article: ArticleRow;
  correction: CorrectionRow;
};

/** How many times a change retries after an article save landed between its read and its write. */
const ATTEMPTS = 3;

/**
 * Adds a correction or clarification to the article at `slug`: published (shown at once), scheduled
 * (shown when it goes live) or in the trash (kept, shown if it is restored). A draft cannot have one:
 * its text is still the editor's to change.
 */
export function addCorrection(context: PublishContext, slug: string, body: unknown): Promise<CorrectionChanged | Refusal> {
  const note = checkedNote(body);
  if (!note.ok) return Promise.resolve(note.refusal);
  return change(context, slug, (row, current, now) => {
    if (row.draft === 1)
      return refuse(
        409,
        `The article "${slug}" is a draft`,
        "slug",
        "is a draft: correct its text instead, before it is published",
      );
    if (current.length >= LIMITS.corrections)
      return refuse(
        409,
        `The article "${slug}" has ${LIMITS.corrections} corrections (the limit)`,
        "slug",
        "has too many corrections",
      );
    const correction: CorrectionRow = {
      id: crypto.randomUUID(),
      article_id: row.id,
      kind: note.input.kind,
      text: note.input.text,
      html: note.html,
      plain: note.text,
      version: newVersion(),
      created_at: now,
      created_by: context.editor,
      changed_at: now,
      changed_by: context.editor,
      deleted_at: null,
    };
    return { action: "create", correction, notes: [...current, correction] };
  });
}

/** Replaces a correction's kind and text, if it is still at the version `If-Match` names. */
export function editCorrection(
  context: PublishContext,
  slug: string,
  id: string,
  body: unknown,
  preconditions: Preconditions,
): Promise<CorrectionChanged | Refusal> {
  const note = checkedNote(body);
  if (!note.ok) return Promise.resolve(note.refusal);
  return change(context, slug, (_row, current, now) => {
    const found = matching(current, id, slug, preconditions);
    if ("ok" in found) return found;
    if (found.kind === note.input.kind && found.text === note.input.text) return { unchanged: found };
    const correction: CorrectionRow = {
      ...found,
      kind: note.input.kind,
      text: note.input.text,
      html: note.html,
      plain: note.text,
      version: newVersion(),
      changed_at: now,
      changed_by: context.editor,
    };
    return {
      action: "update",
      correction,
      expected: found.version,
      notes: current.map((c) => (c.id === id ? correction : c)),
    };
  });
}

/**
 * Withdraws a correction (`DELETE`): readers no longer see it, and the article's feeds show it as
 * changed. The row and its revisions stay, as the record of what was published.
 */
export function withdrawCorrection(
  context: PublishContext,
  slug: string,
  id: string,
  preconditions: Preconditions,
): Promise<CorrectionChanged | Refusal> {
  return change(context, slug, (_row, current, now) => {
    const found = matching(current, id, slug, preconditions);
    if ("ok" in found) return found;
    const correction: CorrectionRow = {
      ...found,
      version: newVersion(),
      changed_at: now,
      changed_by: context.editor,
      deleted_at: now,
    };
    return { action: "delete", correction, expected: found.version, notes: current.filter((c) => c.id !== id) };
  });
}

/** The correction as the article's record carries it. */
export function storedCorrection(
  row: Pick<CorrectionRow, "id" | "kind" | "html" | "plain" | "created_at" | "changed_at">,
): StoredCorrection {
  return {
    id: row.id,
    kind: row.kind,
    html: row.html,
    text: row.plain,
    published: new Date(row.created_at).toISOString(),
    ...(row.changed_at > row.created_at ? { modified: new Date(row.changed_at).toISOString() } : {}),
  };
}

/** What one change does: the correction's new state, the version it replaces, and the notes after it. */
type Plan =
  | { action: CorrectionAction; correction: CorrectionRow; expected?: string; notes: CorrectionRow[] }
  | { unchanged: CorrectionRow };

/**
 * Reads the article and its notes, plans the change on them, and commits it with the article's
 * re-rendered record and feed items; retries on the new state if a save of the article won meanwhile.
 */
async function change(
  context: PublishContext,
  slug: string,
  plan: (row: ArticleRow, current: CorrectionRow[], now: number) => Plan | Refusal,
): Promise<CorrectionChanged | Refusal> {
  const { db } = context;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const row = await getArticleRow(db, slug);
    if (!row) return refuse(404, `There is no article "${slug}"`, "slug", "names no article");
    const now = context.clock.now();
    const planned = plan(row, await listCorrections(db, row.id), now);
    if ("ok" in planned) return planned;
    if ("unchanged" in planned) return { ok: true, outcome: "unchanged", article: row, correction: planned.unchanged };
    const { action, correction, expected, notes } = planned;
    const record = withNotes(storedArticleOf(row), notes.map(storedCorrection), now);
    const items = feedItemsOf(context.site, record, row.feed_id);
    const head = (writeId: string) =>
      correctionArticleHead(
        db,
        row,
        expected === undefined ? undefined : { correctionId: correction.id, version: expected },
        writeId,
        JSON.stringify(record),
        { rssItem: items.rss, atomItem: items.atom, jsonItem: items.json, modifiedAt: Date.parse(lastChange(record)) },
      );
    const won = await commitGuarded(db, row.id, head, (guard) => [
      correctionStatement(guard, action, correction),
      correctionRevisionStatement(guard, correction.id, action, context.editor, now),
      ...outboxStatements(guard, workFor(row, now), now),
    ]);
    if (won) {
      const outcome = action === "create" ? "created" : action === "update" ? "updated" : "deleted";
      return { ok: true, outcome, article: row, correction };
    }
    // The article or the correction changed since it was read: plan again on what is there now,
    // where a stale If-Match is refused.
  }
  return refuse(
    409,
    "Other changes to this article kept winning; try again",
    "slug",
    "is being changed by someone else right now",
  );
}

/** The article's record with these notes, dated by this change. */
function withNotes(article: StoredArticle, notes: StoredCorrection[], now: number): StoredArticle {
  const { corrections: _old, ...rest } = article;
  return { ...rest, ...(notes.length ? { corrections: notes } : {}), correctedAt: new Date(now).toISOString() };
}

/**
 * What a change to an article's notes leaves for the read model: its page, the corrections page,
 * and, while it is public, every listing whose feeds carry its item (never the whole archive).
 */
function workFor(row: ArticleRow, now: number): OutboxWork {
  const listings = statusOf(row, now) === "published" ? listingsOfRow(row) : [];
  return { articles: [row.slug], listings: [CORRECTIONS.name, ...listings] };
}

/** The correction `id` among the current ones, if `If-Match` (when sent) names its version. */
function matching(current: CorrectionRow[], id: string, slug: string, preconditions: Preconditions): CorrectionRow | Refusal {
  const found = current.find((c) => c.id === id);
  if (!found)
    return refuse(404, `The article "${slug}" has no correction ${id}`, "id", "names no current correction of this article");
  const { ifMatch } = preconditions;
  if (ifMatch !== undefined && !ifMatchNames(ifMatch, found.version)) {
    return refuse(
      412,
      "The correction has changed since you read it",
      "If-Match",
      `does not match the stored version ${etagOf(found.version)}`,
    );
  }
  return found;
}

type CheckedNote = { ok: true; input: CorrectionInput; html: string; text: string } | { ok: false; refusal: Refusal };

/** The body checked against the schema, and its text rendered and sanitized: what is stored. */
function checkedNote(body: unknown): CheckedNote {
  const input = validate(correctionInputSchema, body);
  if (!input.ok) return { ok: false, refusal: invalid(input.problems) };
  const rendered = renderNote(input.value.text);
  if (!rendered.ok) return { ok: false, refusal: invalid(rendered.problems) };
  return { ok: true, input: input.value, html: rendered.html, text: rendered.text };
}

const invalid = (details: FieldProblem[]): Refusal => ({ ok: false, status: 400, error: "The correction is not valid", details });

const newVersion = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 20);

function refuse(status: Refusal["status"], error: string, field: string, problem: string): Refusal {
  return { ok: false, status, error, details: [{ field, problem }] };
}
