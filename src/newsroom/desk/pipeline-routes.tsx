/**
 * @module newsroom/desk/pipeline-routes
 * The desk's pipeline page (`/desk/pipeline`) and its forms: "Rebuild everything", replay dead
 * letters (one by its id, or all), and replay the newsletters' dead letters onto the mail queue. Over pipeline/status.ts, as `GET /api/pipeline` is, so the
 * desk, the API and `npm run rebuild` report the same thing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { pipelineStatus, replayDeadLetters, startRebuild } from "../../pipeline/status";
import type { AppEnv } from "../app-env";
import { audited } from "../audit";
import { replayMailDeadLetters, waitingMailDeadLetters } from "../mail/dead-letters";
import { requires } from "../permissions";
import { formText, readForm } from "./form";
import type { Notice } from "./pages/layout";
import { PipelinePage } from "./pages/pipeline";

/** What the page says after a form, by the `n` its redirect carried. */
function noticeOf(c: Context<AppEnv>): Notice | undefined {
  const n = c.req.query("n");
  if (n === "rebuild-started")
    return { role: "status", text: "Rebuild started: every page is being built again. Reload the page to follow it." };
  const count = c.req.query("count") ?? "";
  if (n !== "replayed" || !/^\d{1,6}$/.test(count)) return undefined;
  const replayed = Number(count);
  if (replayed === 0) return { role: "status", text: "Nothing to replay: it had been replayed already." };
  return {
    role: "status",
    text:
      replayed === 1
        ? "Replayed 1 dead letter: it is back on the queue."
        : `Replayed ${replayed} dead letters: they are back on the queue.`,
  };
}

/** The page, in the desk's layout (`deskLayout`, set by desk.tsx for every desk route). */
async function pipelinePage(c: Context<AppEnv>, notice: Notice | undefined, status: 200 | 400 = 200): Promise<Response> {
  const [pipeline, mail] = await Promise.all([pipelineStatus(c.env.DB), waitingMailDeadLetters(c.env.DB)]);
  const page = <PipelinePage status={pipeline} mail={mail} zone={c.var.site.timeZone ?? "UTC"} />;
  c.status(status);
  return c.render(page, { title: "Pipeline", notice });
}

/** Mounted at /desk/pipeline; each route declares that it needs `pipeline:manage` (admins). */
export const deskPipelineRoutes = new Hono<AppEnv>()
  .get("/", requires("pipeline:manage"), (c) => pipelinePage(c, noticeOf(c)))
  .post("/rebuild", requires("pipeline:manage"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    // The outbox rows it leaves go to the queue after the response (newsroom/index.ts).
    await startRebuild(c.env.DB, c.var.editor ?? "editor", c.var.clock.now(), [audited(c, "rebuild-started", "pipeline")]);
    return c.redirect("/desk/pipeline?n=rebuild-started", 303);
  })
  .post("/replay", requires("pipeline:manage"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    // With no id, every dead letter (the "Replay all" form); with one, that letter alone.
    const raw = formText(form, "id").trim();
    if (raw !== "" && !/^[1-9]\d{0,14}$/.test(raw))
      return pipelinePage(c, { role: "alert", text: "Not replayed: that dead letter's id is not valid." }, 400);
    const id = raw === "" ? undefined : Number(raw);
    const m = c.var.materialiser;
    const replayed = await replayDeadLetters(c.env.DB, m.queues, m.clock.now(), id, [
      audited(c, "dead-letters-replayed", id === undefined ? "pipeline" : `dead-letter:${id}`),
    ]);
    return c.redirect(`/desk/pipeline?n=replayed&count=${replayed}`, 303);
  })
  .post("/replay-mail", requires("pipeline:manage"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    // With no id, every newsletter dead letter; with one, that letter alone. Onto the mail queue.
    const raw = formText(form, "id").trim();
    if (raw !== "" && !/^[1-9]\d{0,14}$/.test(raw))
      return pipelinePage(c, { role: "alert", text: "Not replayed: that dead letter's id is not valid." }, 400);
    const id = raw === "" ? undefined : Number(raw);
    const replayed = await replayMailDeadLetters(c.env, c.var.clock.now(), id);
    if (replayed) await audited(c, "mail-dead-letters-replayed", id === undefined ? "mail" : `mail-dead-letter:${id}`).run();
    return c.redirect(`/desk/pipeline?n=replayed&count=${replayed}`, 303);
  });
