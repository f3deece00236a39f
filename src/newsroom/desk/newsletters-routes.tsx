/**
 * @module newsroom/desk/newsletters-routes
 * The desk's Newsletters page (`/desk/newsletters`), over the same reads as `GET /api/newsletters`,
 * and its form for a manual newsletter: Preview, Send a test, Send (now or at a time in the site's
 * zone), through newsroom/mail/manual.ts as `POST /api/newsletters` is. Editors and up
 * (newsletters:send).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { listsWithCounts, recentSends } from "../../data/mail";
import type { AppEnv } from "../app-env";
import { prepareManual, scheduleManual, sendTest } from "../mail/manual";
import { requires } from "../permissions";
import { formText, readForm } from "./form";
import type { Notice } from "./pages/layout";
import { EMPTY_MANUAL, type ManualFields, NewslettersPage } from "./pages/newsletters";
import { instantFromWallTime } from "./time-zone";

async function newslettersPage(
  c: Context<AppEnv>,
  options: {
    fields?: ManualFields;
    notice?: Notice;
    preview?: { subject: string; text: string };
    status?: 200 | 400 | 404 | 503;
  } = {},
): Promise<Response> {
  const [lists, sends] = await Promise.all([listsWithCounts(c.env.DB), recentSends(c.env.DB)]);
  c.status(options.status ?? 200);
  return c.render(
    <NewslettersPage
      lists={lists}
      sends={sends}
      zone={c.var.site.timeZone ?? "UTC"}
      fields={options.fields ?? EMPTY_MANUAL}
      preview={options.preview}
    />,
    { title: "Newsletters", notice: options.notice },
  );
}

const NOTICES: Record<string, Notice> = {
  sent: { role: "status", text: "The newsletter is on its way to the list." },
  scheduled: { role: "status", text: "The newsletter is scheduled." },
};

/** Mounted at /desk/newsletters; each route declares its permission (newsroom/permissions.ts). */
export const deskNewsletterRoutes = new Hono<AppEnv>()
  .get("/", requires("newsletters:send"), (c) => newslettersPage(c, { notice: NOTICES[c.req.query("n") ?? ""] }))
  .post("/", requires("newsletters:send"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const zone = c.var.site.timeZone ?? "UTC";
    const fields: ManualFields = {
      list: formText(form, "list").trim(),
      subject: formText(form, "subject").trim(),
      intro: formText(form, "intro"),
      articles: formText(form, "articles"),
      sendAt: formText(form, "sendAt").trim(),
      testTo: formText(form, "testTo").trim(),
    };
    const action = formText(form, "action");
    const sendAt = fields.sendAt ? instantFromWallTime(fields.sendAt, zone) : undefined;
    if (sendAt === null)
      return newslettersPage(c, {
        fields,
        status: 400,
        notice: { role: "alert", text: "Not sent: Send at is not a real date and time." },
      });
    const now = c.var.clock.now();
    const prepared = await prepareManual(
      c.env.DB,
      c.var.site,
      {
        list: fields.list,
        subject: fields.subject,
        intro: fields.intro.replaceAll("\r\n", "\n"),
        articles: fields.articles.split(/[\s,]+/).filter(Boolean),
        ...(sendAt && action === "send" ? { sendAt } : {}),
      },
      now,
    );
    if (!prepared.ok) {
      const text = `Not sent: ${prepared.details.map((d) => `${d.field} ${d.problem}`).join("; ")}.`;
      return newslettersPage(c, { fields, status: prepared.status, notice: { role: "alert", text } });
    }
    if (action === "preview")
      return newslettersPage(c, { fields, preview: { subject: prepared.mail.subject, text: prepared.mail.text } });
    if (action === "test") {
      const problem = await sendTest(c.env, prepared.mail, fields.testTo, now);
      if (problem)
        return newslettersPage(c, {
          fields,
          status: 400,
          notice: { role: "alert", text: `No test sent: ${problem.field} ${problem.problem}.` },
        });
      return newslettersPage(c, { fields, notice: { role: "status", text: `A test is on its way to ${fields.testTo}.` } });
    }
    if (action !== "send")
      return newslettersPage(c, { fields, status: 400, notice: { role: "alert", text: "Choose Preview, Send a test or Send." } });
    await scheduleManual(c.env.DB, fields.list, prepared.mail, prepared.due, now);
    return c.redirect(`/desk/newsletters?n=${prepared.due > now ? "scheduled" : "sent"}`, 303);
  });
