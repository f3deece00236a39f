/**
 * @module pipeline/status
 * What editors see of the pipeline: the backlog, recent failures, dead letters, rebuilds and
 * whether this release's render pipeline has been rebuilt yet; and the two things they can do:
 * replay dead letters, and rebuild everything.
 */

import { PIPELINE_VERSION } from "../core/pipeline-version";
import { deadLettersToReplay, markReplayed, pipelineState, rebuiltPipelineVersion, startRebuild } from "../data/pipeline";
import { type PipelineQueues, parseMessage, sendAll } from "./messages";

export interface PipelineStatus {
  backlog: { unsent: number; waiting: number; dead: number; purges: number };
  failures: Array<{ kind: string; target: string; attempts: number; error: string; at: string }>;
  deadLetters: Array<{ id: number; body: string; attempts: number; error: string | null; failedAt: string }>;
  rebuild: { id: number; total: number; done: number; startedAt: string; startedBy: string; finishedAt: string | null } | null;
  pipelineVersion: { release: number; rebuilt: number | null; needsRebuild: boolean };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Whether pages may still be built by an older render pipeline than this release's. */
const needsRebuild = (rebuilt: number | null): boolean => rebuilt === null || rebuilt < PIPELINE_VERSION;

/** Whether this release changed how pages are rendered and no rebuild has finished since: one query, for the desk's home page. */
export async function rebuildNeeded(db: D1Database): Promise<boolean> {
  return needsRebuild(await rebuiltPipelineVersion(db));
}

export async function pipelineStatus(db: D1Database): Promise<PipelineStatus> {
  const { backlog, failures, deadLetters, rebuild: r, rebuiltVersion: version } = await pipelineState(db);
  return {
    backlog,
    failures: failures.map((f) => ({ ...f, at: iso(f.at) })),
    deadLetters: deadLetters.map((d) => ({
      id: d.id,
      body: d.body,
      attempts: d.attempts,
      error: d.error,
      failedAt: iso(d.failed_at),
    })),
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
export async function replayDeadLetters(db: D1Database, queues: PipelineQueues, now: number, id?: number): Promise<number> {
  const results = await deadLettersToReplay(db, id);
  const messages = results.flatMap((row) => {
    const message = parseMessage(parseBody(row.body));
    return message ? [message] : [];
  });
  await sendAll(queues.urgent, messages);
  const ids = results.map((row) => row.id);
  const rowIds = messages.flatMap((m) => (m.id === undefined ? [] : [m.id]));
  await markReplayed(db, ids, rowIds, now);
  return results.length;
}

/** A dead letter's body as JSON, or null when it is not (parseMessage then refuses it). */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

export { startRebuild };
