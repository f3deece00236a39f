/**
 * A rebuild's progress, as `npm run rebuild` and the desk's pipeline page read it: `done` counts
 * documents (article pages and listings), the same things `total` counts, so `finished_at` is set
 * when the last document is built, not before.
 */
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MessageBody } from "../../src/pipeline/messages";
import { startRebuild } from "../../src/pipeline/status";
import { clock, drainQueues, newsroom, publish, testEnv } from "./helpers";

interface RebuildRow {
  total: number;
  done: number;
  finished_at: number | null;
}

const latestRebuild = () =>
  env.DB.prepare("SELECT total, done, finished_at FROM rebuilds ORDER BY id DESC LIMIT 1").first<RebuildRow>();

/** Delivers `bodies` to the newsroom's consumer as one batch of the rebuild queue, and nothing more. */
async function deliver(bodies: MessageBody[]): Promise<void> {
  const batch = createMessageBatch(
    "broadsheet-rebuild",
    bodies.map((body, i) => ({ id: `r${i}`, timestamp: new Date(clock.now()), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await newsroom.queue(batch, testEnv(), ctx);
  await waitOnExecutionContext(ctx);
}

describe("rebuild progress", () => {
  it("counts no fan-out as a document: the rebuild is not finished until its pages are built", async () => {
    for (const slug of ["one", "two", "three"]) await publish(slug, { title: `Story ${slug}` });
    const id = await startRebuild(env.DB, "ana", clock.now());
    const before = await latestRebuild();
    expect(before?.total).toBeGreaterThan(3);

    // The two fan-outs send the pages; they are not pages themselves.
    await deliver([
      { kind: "fanout", target: "articles", rebuild: id },
      { kind: "fanout", target: "listings", rebuild: id },
    ]);
    expect(await latestRebuild()).toMatchObject({ done: 0, finished_at: null });

    // The pages they sent, delivered as the queue would.
    await drainQueues();
    const after = await latestRebuild();
    expect(after?.done).toBe(after?.total);
    expect(after?.finished_at).not.toBeNull();
  });

  it("finishes a rebuild of an empty site at once, since nothing would ever count towards it", async () => {
    await startRebuild(env.DB, "ana", clock.now());
    expect(await latestRebuild()).toMatchObject({ total: 0, done: 0, finished_at: clock.now() });
  });
});
