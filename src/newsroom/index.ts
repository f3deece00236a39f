/**
 * @module newsroom/index
 * The newsroom Worker: the editors' API, the desk and its assets, draft previews, new image widths,
 * and the pipeline: the queue consumer that builds the read model, the dead-letter consumer, and
 * the cron. It holds D1, KV writes, R2 writes, Images, the queues and the secrets. Readers never
 * reach it directly: the reader Worker hands it `/api/*`, `/desk/*`, `/preview/*`, the newsletter
 * routes (`/subscribe*`, `/unsubscribe`) and image widths over a service binding. Newsletters go out
 * through the mail queue's consumer (newsroom/mail/).
 */
import { type Handler, Hono, type MiddlewareHandler } from "hono";
import { NO_STORE } from "../cache/policy";
import { systemClock } from "../core/clock";
import { siteFromEnv } from "../core/config";
import { consumeBatch, recordDeadLetters } from "../pipeline/consumer";
import { runCron } from "../pipeline/cron";
import { DEAD_LETTER_QUEUE } from "../pipeline/messages";
import { sendOutbox } from "../pipeline/outbox";
import { apiRoutes } from "./api";
import type { AppEnv } from "./app-env";
import { archiveAudit, archiveDays } from "./audit-archive";
import { authenticate } from "./auth";
import { onError } from "./errors";
import { MAIL_DEAD_LETTER_QUEUE, recordMailDeadLetters } from "./mail/dead-letters";
import { consumeMail, MAIL_QUEUE, pruneDeliveries, queueDigests, queueNewMail } from "./mail/fanout";
import { mailPublicRoutes } from "./mail/public-routes";
import { materialiserFor, type PipelineOptions } from "./materialiser";
import { mediaVariants } from "./media";
import { open } from "./permissions";
import { pipelineSetup } from "./setup";

// The Durable Object class is exported from the Worker's main module (wrangler.newsroom.toml binds it).
export { ArticlePresence } from "./presence";

/** The newsroom's Hono app. */
export function createNewsroomApp(options: PipelineOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(pipelineSetup(options));
  // Who is calling; it decides nothing: every route below declares what it needs (permissions.ts).
  app.use(authenticate());
  app.use(sendOutboxAfterWrites());
  app.route("/api", apiRoutes);
  // The desk and draft previews load their modules (pages, jose, jsdiff) on their first request.
  // Their own routes declare what each needs (desk.tsx, preview.tsx): these only hand them over.
  const desk = lazyApp(options, "/desk", () => import("./desk").then((m) => m.deskRoutes));
  const handOver = open("hands the request to the desk, whose every route declares its own permission");
  app.all("/desk", handOver, desk).all("/desk/*", handOver, desk);
  app.all(
    "/preview/*",
    open("hands the request to the previews, whose every route declares its own permission"),
    lazyApp(options, "/preview", () => import("./preview").then((m) => m.previewRoutes)),
  );
  app.route("/", mailPublicRoutes);
  app.route("/", mediaVariants);
  app.notFound((c) => c.text("Not Found\n", 404, { "Cache-Control": NO_STORE }));
  app.onError(onError);
  return app;
}

/**
 * After any request that may have written (not GET or HEAD), the outbox rows its commit left are
 * sent to the queue, after the response, and after an editor's write, the newsletters it made due
 * (newsroom/mail/fanout.ts). One place, so no handler can forget it; a send that fails leaves the
 * rows for the cron.
 */
function sendOutboxAfterWrites(): MiddlewareHandler<AppEnv> {
  return async function sendOutboxAfterWrites(c, next) {
    await next();
    if (c.req.method === "GET" || c.req.method === "HEAD") return;
    const m = c.var.materialiser;
    c.executionCtx.waitUntil(
      sendOutbox(m.db, m.queues, m.clock.now()).catch((error: unknown) => console.error("sending the outbox failed:", error)),
    );
    // An editor's write may have published an article for the first time, or corrected one: its email
    // goes now, not at the next cron. (A reader's subscription publishes nothing.)
    if (!/^\/(?:api|desk)\//.test(c.req.path)) return;
    c.executionCtx.waitUntil(
      queueNewMail(c.env, m.site, m.clock.now()).catch((error: unknown) => console.error("queueing mail failed:", error)),
    );
  };
}

/**
 * A sub-app mounted at `path` whose module is imported on its first request. It runs on a context
 * of its own, so it sets up its own variables, and takes over who is calling from the outer app's
 * authentication (handed over by the request, so it is not looked up twice); the outbox is sent by
 * the outer app's middleware, once, after the sub-app has answered.
 */
function lazyApp(options: PipelineOptions, path: string, load: () => Promise<Hono<AppEnv>>): Handler<AppEnv> {
  let mounted: Promise<Hono<AppEnv>> | undefined;
  return async function lazyApp(c) {
    mounted ??= load()
      .then((routes) => new Hono<AppEnv>().use(pipelineSetup(options)).use(takeOverCaller).route(path, routes).onError(onError))
      .catch((error: unknown) => {
        mounted = undefined; // The next request tries again.
        throw error;
      });
    callers.set(c.req.raw, { actor: c.var.actor, authProblem: c.var.authProblem });
    return (await mounted).fetch(c.req.raw, c.env, c.executionCtx);
  };
}

/** Who the outer app found calling, by request, for a lazily loaded sub-app. */
const callers = new WeakMap<Request, Pick<AppEnv["Variables"], "actor" | "authProblem">>();

const takeOverCaller: MiddlewareHandler<AppEnv> = async function takeOverCaller(c, next) {
  const caller = callers.get(c.req.raw);
  if (caller?.actor) {
    c.set("actor", caller.actor);
    c.set("editor", caller.actor.name);
  }
  if (caller?.authProblem) c.set("authProblem", caller.authProblem);
  await next();
};

/** The newsroom's handlers on given options: tests build one on a clock they move. */
export function createNewsroom(options: PipelineOptions) {
  const app = createNewsroomApp(options);
  return {
    fetch: (request: Request, env: NewsroomBindings, ctx: ExecutionContext) => app.fetch(request, env, ctx),
    /** The pipeline's queues: the read model's work, and the dead letters. */
    async queue(batch: MessageBatch<unknown>, env: NewsroomBindings, ctx: ExecutionContext): Promise<void> {
      if (batch.queue === DEAD_LETTER_QUEUE) {
        await recordDeadLetters(env.DB, batch, options.clock.now());
        return;
      }
      if (batch.queue === MAIL_DEAD_LETTER_QUEUE) {
        await recordMailDeadLetters(env, batch, options.clock.now());
        return;
      }
      if (batch.queue === MAIL_QUEUE) {
        await consumeMail(env, siteFromEnv(env), batch, () => options.clock.now());
        return;
      }
      const report = await consumeBatch(materialiserFor(env, ctx, options), batch);
      if (report.failed.length)
        console.error(`pipeline: ${report.failed.length} failed: ${report.failed.slice(0, 10).join(" ")}`);
    },
    /** Once a minute: work that comes due by itself, and anything the queue never acknowledged. */
    async scheduled(_controller: ScheduledController, env: NewsroomBindings, ctx: ExecutionContext): Promise<void> {
      const report = await runCron(materialiserFor(env, ctx, options));
      const now = options.clock.now();
      const site = siteFromEnv(env);
      const mail = (await queueDigests(env, site, now)) + (await queueNewMail(env, site, now));
      await pruneDeliveries(env, now);
      if (mail) console.log(`cron: queued ${mail} newsletter sends`);
      try {
        const archived = await archiveAudit(env.DB, env.MEDIA, options.clock.now(), archiveDays(env));
        if (archived) console.log(`cron: archived ${archived.moved} audit entries of ${archived.month} to R2`);
      } catch (error) {
        console.error("cron: archiving the audit log failed:", error);
      }
      if (report.sent || report.purges.requests.length || report.staleListings.length) {
        console.log(
          `cron: sent ${report.sent}, purge requests ${report.purges.requests.length}, stale listings ${report.staleListings.length}`,
        );
      }
    },
  };
}

const newsroom = createNewsroom({ clock: systemClock });

export default {
  fetch: newsroom.fetch,
  queue: newsroom.queue,
  scheduled: newsroom.scheduled,
} satisfies ExportedHandler<NewsroomBindings>;
