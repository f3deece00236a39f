/**
 * @module newsroom/desk/people-routes
 * The desk's People page (`/desk/people`, admins) and its forms, over the same functions as
 * `/api/people` (newsroom/people.ts); the "For review" list (`/desk/review`); and the audit log
 * (`/desk/audit`, admins). Each route
 * declares its permission.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { listAudit } from "../../data/audit";
import { listPeople } from "../../data/people";
import { listForReview } from "../../data/workflow";
import type { AppEnv } from "../app-env";
import { changePerson, createPerson } from "../people";
import { requires } from "../permissions";
import { formText, readForm } from "./form";
import type { Notice } from "./pages/layout";
import { AuditPage, PeoplePage, ReviewPage } from "./pages/people";
import { formatTime } from "./time-zone";

const zoneOf = (c: Context<AppEnv>): string => c.var.site.timeZone ?? "UTC";

async function peoplePage(
  c: Context<AppEnv>,
  state: {
    notice?: Notice | undefined;
    invitation?: { name: string; url: string; expires: string } | undefined;
    draft?: { name: string; email: string; role: string };
    problems?: Map<string, string>;
  },
  status: 200 | 201 | 400 | 404 | 409 = 200,
): Promise<Response> {
  c.status(status);
  return c.render(
    <PeoplePage
      people={await listPeople(c.env.DB)}
      zone={zoneOf(c)}
      invitation={state.invitation}
      draft={state.draft}
      problems={state.problems ?? new Map()}
    />,
    { title: "People", notice: state.notice },
  );
}

export const deskPeopleRoutes = new Hono<AppEnv>()
  .get("/people", requires("people:manage"), (c) =>
    peoplePage(c, { notice: c.req.query("n") === "saved" ? { role: "status", text: "Saved." } : undefined }),
  )
  .post("/people", requires("people:manage"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const draft = { name: formText(form, "name"), email: formText(form, "email"), role: formText(form, "role") };
    const made = await createPerson(c, draft);
    if (!made.ok) {
      const problems = new Map(made.details.map((d) => [d.field, d.problem]));
      return peoplePage(c, { notice: { role: "alert", text: `Not invited: ${made.error}.` }, draft, problems }, made.status);
    }
    const invitation = made.invitation
      ? { name: made.person.name, url: made.invitation.url, expires: formatTime(Date.parse(made.invitation.expires), zoneOf(c)) }
      : undefined;
    const text = invitation
      ? `Added ${made.person.name}. Copy the invitation link below.`
      : `Added ${made.person.name}, but there is no invitation link: the desk needs DESK_SECRET.`;
    return peoplePage(c, { notice: { role: "status", text }, invitation }, 201);
  })
  .post("/people/:id", requires("people:manage"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const changed = await changePerson(c, c.req.param("id"), { role: formText(form, "role"), active: form.has("active") });
    if (!changed.ok) {
      const text = `Not saved: ${changed.details.map((d) => `${d.field} ${d.problem}`).join("; ")}.`;
      return peoplePage(c, { notice: { role: "alert", text } }, changed.status);
    }
    return c.redirect("/desk/people?n=saved", 303);
  })
  .get("/audit", requires("audit:read"), async (c) => {
    const filters = {
      person: (c.req.query("person") ?? "").slice(0, 200),
      article: (c.req.query("article") ?? "").slice(0, 200),
      action: (c.req.query("action") ?? "").slice(0, 200),
    };
    const cursor = c.req.query("cursor") ?? "";
    const page = await listAudit(c.env.DB, {
      person: filters.person || undefined,
      article: filters.article || undefined,
      action: filters.action || undefined,
      before: /^[1-9]\d{0,15}$/.test(cursor) ? Number(cursor) : undefined,
      limit: 100,
    });
    const next = page.next === null ? null : String(page.next);
    return c.render(<AuditPage entries={page.entries} zone={zoneOf(c)} filters={filters} next={next} />, { title: "Audit log" });
  })
  .get("/review", requires("articles:read"), async (c) =>
    c.render(<ReviewPage rows={await listForReview(c.env.DB)} zone={zoneOf(c)} />, { title: "For review" }),
  );
