/**
 * @module newsroom/mail/api-mail
 * Newsletters in the editors' API, each route declaring what it needs:
 *
 *   GET    /api/newsletters             every list with its subscribers by mode; recent sends by status (newsletters:send)
 *   POST   /api/newsletters             a manual newsletter: {"list", "subject", "intro", "articles": [slug…], "sendAt"?,
 *                                       "preview"?: true (answers it, stores nothing), "testTo"?: address (sends it there
 *                                       alone)} → 201, sent now or at sendAt (newsletters:send)
 *   GET    /api/mail?to=&limit=         captured mail, newest first, with headers and bodies; 404 unless MAIL_CAPTURE=1 (subscribers:manage)
 *   GET    /api/subscribers/:email      everything held about one address (subscribers:manage)
 *   DELETE /api/subscribers/:email      erases it, keeping only a keyed hash that suppresses sends to it (subscribers:manage)
 */
import { Hono } from "hono";
import { normaliseAddress } from "../../core/mail";
import {
  deliveriesOf,
  eraseAddress,
  getSubscriber,
  listCaptured,
  listsWithCounts,
  recentSends,
  subscriptionsOf,
} from "../../data/mail";
import { apiError } from "../api-input";
import type { AppEnv } from "../app-env";
import { requires } from "../permissions";
import { prepareManual, scheduleManual, sendTest } from "./manual";
import { suppressionHash } from "./tokens";

const MAX_CAPTURED = 200;
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

export const mailApi = new Hono<AppEnv>()
  .get("/newsletters", requires("newsletters:send"), async (c) => {
    const [lists, sends] = await Promise.all([listsWithCounts(c.env.DB), recentSends(c.env.DB)]);
    return c.json({
      lists: lists.map((l) => ({ list: l.list, mode: l.mode, confirmed: l.confirmed, pending: l.pending })),
      sends: sends.map((s) => ({
        id: s.id,
        kind: s.kind,
        list: s.list,
        subject: s.subject,
        created: iso(s.created_at),
        finished: iso(s.finished_at),
        deliveries: { queued: s.queued, sending: s.sending, sent: s.sent, failed: s.failed, suppressed: s.suppressed },
      })),
    });
  })
  .post("/newsletters", requires("newsletters:send"), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return apiError(c, 400, "The body is not valid JSON", [{ field: "body", problem: "is not valid JSON" }]);
    }
    const now = c.var.clock.now();
    const prepared = await prepareManual(c.env.DB, c.var.site, body, now);
    if (!prepared.ok) return apiError(c, prepared.status, prepared.error, prepared.details);
    const { mail, due, input } = prepared;
    if (input?.preview) return c.json(mail);
    if (input?.testTo !== undefined) {
      const problem = await sendTest(c.env, mail, input.testTo, now);
      if (problem) return apiError(c, problem.field === "testTo" ? 400 : 503, "The test was not sent", [problem]);
      return c.json({ tested: normaliseAddress(input.testTo) });
    }
    await scheduleManual(c.env.DB, input?.list ?? "", mail, due, now);
    // Queued after the response (newsroom/index.ts), or by the cron once sendAt comes.
    return c.json({ list: input?.list, subject: mail.subject, sendAt: new Date(due).toISOString() }, 201);
  })
  .get("/mail", requires("subscribers:manage"), async (c) => {
    if (c.env.MAIL_CAPTURE !== "1") return apiError(c, 404, "Mail is not captured here: MAIL_CAPTURE is not set to 1");
    const toText = c.req.query("to");
    const to = toText === undefined || toText === "" ? undefined : normaliseAddress(toText);
    if (to === null) return apiError(c, 400, "The address is not valid", [{ field: "to", problem: "is not an email address" }]);
    const limitText = c.req.query("limit") ?? "50";
    if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_CAPTURED)
      return apiError(c, 400, "The limit is not valid", [
        { field: "limit", problem: `must be a whole number from 1 to ${MAX_CAPTURED}` },
      ]);
    const rows = await listCaptured(c.env.DB, to, Number(limitText));
    return c.json({
      mail: rows.map((m) => ({
        id: m.id,
        at: iso(m.at),
        to: m.recipient,
        from: m.sender,
        subject: m.subject,
        headers: m.headers,
        html: m.html,
        text: m.text,
      })),
    });
  })
  .get("/subscribers/:email", requires("subscribers:manage"), async (c) => {
    const email = normaliseAddress(c.req.param("email"));
    if (!email) return apiError(c, 400, "The address is not valid", [{ field: "email", problem: "is not an email address" }]);
    const subscriber = await getSubscriber(c.env.DB, email);
    if (!subscriber)
      return apiError(c, 404, "No subscriber has that address", [{ field: "email", problem: "is not subscribed" }]);
    const [subscriptions, deliveries] = await Promise.all([
      subscriptionsOf(c.env.DB, subscriber.id),
      deliveriesOf(c.env.DB, subscriber.id),
    ]);
    return c.json({
      email: subscriber.email,
      created: iso(subscriber.created_at),
      subscriptions: subscriptions.map((s) => ({
        list: s.list,
        mode: s.mode,
        status: s.confirmed_at === null ? "pending" : "confirmed",
        requested: iso(s.created_at),
        confirmed: iso(s.confirmed_at),
      })),
      deliveries: deliveries.map((d) => ({ subject: d.subject, kind: d.kind, list: d.list, status: d.status, at: iso(d.at) })),
    });
  })
  .delete("/subscribers/:email", requires("subscribers:manage"), async (c) => {
    const email = normaliseAddress(c.req.param("email"));
    if (!email) return apiError(c, 400, "The address is not valid", [{ field: "email", problem: "is not an email address" }]);
    const hash = await suppressionHash(c.env.DESK_SECRET, email);
    const erased = await eraseAddress(c.env.DB, email, hash, c.var.clock.now());
    return c.json({ email, erased, suppressed: true });
  });
