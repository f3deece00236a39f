/**
 * @module newsroom/api-pipeline
 * The pipeline for admins' tools (each route declares `pipeline:manage`): `GET /api/pipeline` (backlog, failures,
 * dead letters, the latest rebuild and whether this release needs one), `POST /api/pipeline/rebuild`
 * and `POST /api/pipeline/replay` (every dead letter, or `?id=N` for one). The newsletters' dead
 * letters (newsroom/mail/dead-letters.ts) are listed beside them as `mailDeadLetters` and replayed
 * onto the mail queue by `POST /api/pipeline/replay-mail` (all, or `?id=N`).
 */
import { Hono } from "hono";
import { pipelineStatus, replayDeadLetters, startRebuild } from "../pipeline/status";
import type { AppEnv } from "./app-env";
import { audited } from "./audit";
import { replayMailDeadLetters, waitingMailDeadLetters } from "./mail/dead-letters";
import { requires } from "./permissions";

export const pipelineApi = new Hono<AppEnv>()
  .get("/", requires("pipeline:manage"), async (c) => {
    const [status, mail] = await Promise.all([pipelineStatus(c.env.DB), waitingMailDeadLetters(c.env.DB)]);
    return c.json({ ...status, mailDeadLetters: mail.letters, mailDeadLetterCount: mail.waiting });
  })
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
  })
  .post("/replay-mail", requires("pipeline:manage"), async (c) => {
    const raw = c.req.query("id");
    if (raw !== undefined && !/^[1-9]\d{0,14}$/.test(raw))
      return c.json(
        { error: "The dead letter's id is not valid", details: [{ field: "id", problem: "must be a whole number" }] },
        400,
      );
    const id = raw === undefined ? undefined : Number(raw);
    const replayed = await replayMailDeadLetters(c.env, c.var.clock.now(), id);
    if (replayed) await audited(c, "mail-dead-letters-replayed", id === undefined ? "mail" : `mail-dead-letter:${id}`).run();
    return c.json({ replayed });
  });
