/**
 * @module pipeline/fanout
 * Fan-outs and rebuilds. A change that touches every page (the navigation, a rebuild after a new
 * release) leaves two outbox rows, not one per page: a fan-out of the articles and one of the
 * listings. Each fan-out message sends one page of 500 targets to the bulk queue, in `sendBatch`
 * calls of 100, then the message for the next page; in production consumers take those side by
 * side. Every full fan-out is recorded as a rebuild, so editors see its progress.
 */
import { articleSlugsAfter } from "../data/articles";
import { listingNamesAfter } from "../data/pipeline";
import type { Materialiser } from "./materialise";
import { decodeWork, type PipelineMessage, sendAll } from "./messages";

/** Targets one fan-out message sends: five `sendBatch` calls, well inside a consumer's limits. */
export const FANOUT_PAGE = 500;

/** Sends one page of a fan-out and, if there is more, the message for the next page. */
export async function expandFanout(m: Materialiser, message: PipelineMessage & { kind: "fanout" }): Promise<void> {
  const after = message.after ?? "";
  const size = m.fanoutPage ?? FANOUT_PAGE;
  const rebuild = message.rebuild === undefined ? {} : { rebuild: message.rebuild };
  const kind = message.scope === "articles" ? "article" : "listing";
  const { edition } = message;
  const rows =
    message.scope === "articles"
      ? (await articleSlugsAfter(m.db, after, size, edition)).map((row) => ({ target: row.slug, generation: row.revision }))
      : (await listingNamesAfter(m.db, after, size, edition)).map((row) => ({ target: row.name, generation: row.generation }));
  // Each row's work, through the messages' codec; a name no target has (none should be) is left out.
  const pages = rows.flatMap((row): PipelineMessage[] => {
    const work = decodeWork(kind, row.target);
    if (!work) console.error(`pipeline: a fan-out left out ${kind} ${JSON.stringify(row.target)}, which names nothing`);
    return work ? [{ ...work, generation: row.generation, ...rebuild }] : [];
  });
  // The next page starts after the last row read, whether or not it was sent.
  const last = rows.at(-1);
  const next: PipelineMessage[] =
    rows.length === size && last
      ? [{ kind: "fanout", scope: message.scope, after: last.target, ...(edition === undefined ? {} : { edition }), ...rebuild }]
      : [];
  await sendAll(m.queues.bulk, [...pages, ...next]);
}
