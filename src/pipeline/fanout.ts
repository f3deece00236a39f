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
import { type PipelineMessage, sendAll } from "./messages";

/** Targets one fan-out message sends: five `sendBatch` calls, well inside a consumer's limits. */
export const FANOUT_PAGE = 500;

/** Sends one page of a fan-out and, if there is more, the message for the next page. */
export async function expandFanout(m: Materialiser, message: PipelineMessage): Promise<void> {
  const after = message.after ?? "";
  const size = m.fanoutPage ?? FANOUT_PAGE;
  const rebuild = message.rebuild === undefined ? {} : { rebuild: message.rebuild };
  let pages: PipelineMessage[];
  if (message.target === "articles") {
    const rows = await articleSlugsAfter(m.db, after, size);
    pages = rows.map((row) => ({ kind: "article", target: row.slug, generation: row.revision, ...rebuild }));
  } else if (message.target === "listings") {
    const rows = await listingNamesAfter(m.db, after, size);
    pages = rows.map((row) => ({ kind: "listing", target: row.name, generation: row.generation, ...rebuild }));
  } else {
    console.error(`pipeline: a fan-out of unknown scope ${JSON.stringify(message.target)}; dropping it`);
    return;
  }
  const next: PipelineMessage[] =
    pages.length === size
      ? [{ kind: "fanout", target: message.target, after: (pages.at(-1) as PipelineMessage).target, ...rebuild }]
      : [];
  await sendAll(m.queues.bulk, [...pages, ...next]);
}
