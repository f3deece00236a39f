/**
 * @module pipeline/status
 * What editors see of the pipeline: the backlog, recent failures, dead letters, rebuilds and
 * whether this release's render pipeline has been rebuilt yet; and the two things they can do:
 * replay dead letters, and rebuild everything.
 */

import { PIPELINE_VERSION } from "../core/pipeline-version";
import { rebuildEverythingStatements } from "../editorial/database";
import { inListStatements } from "./in-list";
import { type PipelineQueues, parseMessage, sendAll } from "./messages";

export interface PipelineStatus {
  backlog: { unsent: number; waiting: number; dead: number; purges: number };
  failures: Array<{ kind: string; target: string; attempts: number; error: string; at: string }>;
  deadLetters: Array<{ id: number; body: string; attempts: number; error: string | null; failedAt: string }>;
  rebuild: { id: number; total: number; done: number; startedAt: string; startedBy: string; finishedAt: string | null } | null;
  pipelineVersion: { release: number; rebuilt: number | null; needsRebuild: boolean };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The render pipeline of the newest finished rebuild. */
const REBUILT_VERSION = "SELECT max(pipeline_version) AS v FROM rebuilds WHERE finished_at IS NOT NULL";

/** Whether pages may still be built by an older render pipeline than this release's. */
const needsRebuild = (rebuilt: number | null): boolean => rebuilt === null || rebuilt < PIPELINE_VERSION;

/** Whether this release changed how pages are rendered and no rebuild has finished since: one query, for the desk's home page. */
export async function rebuildNeeded(db: D1Database): Promise<boolean> {
  return needsRebuild((await db.prepare(REBUILT_VERSION).first<{ v: number | null }>())?.v ?? null);
}

export async function pipelineStatus(db: D1Database): Promise<PipelineStatus> {
  const [counts, failures, dead, rebuild, rebuilt] = await db.batch([
    db.prepare(
      `SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL) AS unsent,
              (SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND dead_at IS NULL) AS waiting,
              (SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL) AS dead,
              (SELECT count(*) FROM pending_purges) AS purges`,
    ),
    db.prepare("SELECT kind, target, attempts, error, at FROM pipeline_failures ORDER BY id DESC LIMIT 50"),
    db.prepare(
      "SELECT id, body, attempts, error, failed_at FROM dead_letters WHERE replayed_at IS NULL ORDER BY id DESC LIMIT 100",
    ),
    db.prepare("SELECT id, total, done, started_at, started_by, finished_at FROM rebuilds ORDER BY id DESC LIMIT 1"),
    db.prepare(REBUILT_VERSION),
  ]);
  const c = counts?.results[0] as PipelineStatus["backlog"];
  const r = rebuild?.results[0] as
    | { id: number; total: number; done: number; started_at: number; started_by: string; finished_at: number | null }
    | undefined;
  const version = (rebuilt?.results[0] as { v: number | null } | undefined)?.v ?? null;
  return {
    backlog: c,
    failures: (
      (failures?.results ?? []) as Array<{ kind: string; target: string; attempts: number; error: string; at: number }>
    ).map((f) => ({
      ...f,
      at: iso(f.at),
    })),
    deadLetters: (
      (dead?.results ?? []) as Array<{ id: number; body: string; attempts: number; error: string | null; failed_at: number }>
    ).map((d) => ({ id: d.id, body: d.body, attempts: d.attempts, error: d.error, failedAt: iso(d.failed_at) })),
    rebuild: r
      ? {
          id: r.id,
          total: r.total,
          done: r.done,
          startedAt: iso(r.started_at),
          startedBy: r.started_by,
          finishedAt: r.finished_at === null ? null : iso(r.finished_at),
        }
      : null,
    pipelineVersion: {
      release: PIPELINE_VERSION,
      rebuilt: version,
      needsRebuild: needsRebuild(version),
    },
  };
}

/** Sends dead letters (one, or all with `id` undefined) back to the queue. Resolves how many. */
export async function replayDeadLetters(
  db: D1Database,
  queues: PipelineQueues,
  now: number,
  id?: number,
  /** More statements for the replay's batch (the newsroom's audit entry); written only if something was replayed. */
  also: D1PreparedStatement[] = [],
): Promise<number> {
  const { results } = await (id === undefined
    ? db.prepare("SELECT id, body FROM dead_letters WHERE replayed_at IS NULL ORDER BY id LIMIT 500")
    : db.prepare("SELECT id, body FROM dead_letters WHERE replayed_at IS NULL AND id = ?").bind(id)
  ).all<{ id: number; body: string }>();
  const messages = results.flatMap((row) => {
    const message = parseMessage(JSON.parse(row.body));
    return message ? [message] : [];
  });
  await sendAll(queues.urgent, messages);
  const ids = results.map((row) => row.id);
  const rowIds = messages.flatMap((m) => (m.id === undefined ? [] : [m.id]));
  const statements = [
    ...inListStatements(db, "UPDATE dead_letters SET replayed_at = ? WHERE id IN ({in})", ids, [now]),
    ...inListStatements(db, "UPDATE outbox SET dead_at = NULL, sent_at = ? WHERE id IN ({in})", rowIds, [now]),
  ];
  if (statements.length) await db.batch([...statements, ...also]);
  return results.length;
}

/** Starts a rebuild of every document of the read model, with `also` (its audit entry) in the same batch. Resolves its id. */
export async function startRebuild(
  db: D1Database,
  editor: string,
  now: number,
  also: D1PreparedStatement[] = [],
): Promise<number> {
  await db.batch([...rebuildEverythingStatements(db, now, editor), ...also]);
  const row = await db.prepare("SELECT max(id) AS id FROM rebuilds").first<{ id: number }>();
  return row?.id ?? 0;
}
