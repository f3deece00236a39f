/**
 * @module newsroom/api-pipeline
 * The pipeline for admins' tools (each route declares `pipeline:manage`): `GET /api/pipeline` (backlog, failures,
 * dead letters, the latest rebuild and whether this release needs one), `POST /api/pipeline/rebuild`
 * and `POST /api/pipeline/replay` (every dead letter, or `?id=N` for one).
 */
import { Hono } from "hono";
import { pipelineStatus, replayDeadLetters, startRebuild } from "../pipeline/status";
import type { AppEnv } from "./app-env";
import { audited } from "./audit";
import { requires } from "./permissions";

export const pipelineApi = new Hono<AppEnv>()
  .get("/", requires("pipeline:manage"), async (c) => c.json(await pipelineStatus(c.env.DB)))
  .post("/rebuild", requires("pipeline:manage"), async (c) => {
    const id = await startRebuild(c.env.DB, c.var.editor ?? "editor", c.var.clock.now(), [
      audited(c, "rebuild-started", "pipeline"),
    ]);
    return c.json({ rebuild: id, status: `/api/pipeline` }, 202);
  })
  .post("/replay", requires("pipeline:manage"), async (c) => {
    const raw = c.req.query("id");
    const id = raw === undefined ? undefined : Number(raw);
    if (id !== undefined && !Number.isSafeInteger(id)) {
      return c.json(
        { error: "The dead letter's id is not valid", details: [{ field: "id", problem: "must be a whole number" }] },
        400,
      );
    }
    const m = c.var.materialiser;
    return c.json({
      replayed: await replayDeadLetters(c.env.DB, m.queues, m.clock.now(), id, [
        audited(c, "dead-letters-replayed", id === undefined ? "pipeline" : `dead-letter:${id}`),
      ]),
    });
  });
