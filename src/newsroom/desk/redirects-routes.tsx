/**
 * @module newsroom/desk/redirects-routes
 * The desk's Redirects page (`/desk/redirects`): lists redirects from old paths (anyone signed in,
 * as `GET /api/redirects`), adds one and deletes one (`redirects:write`, as the API's PUT and
 * DELETE), over the same functions as the API (editorial/redirects.ts). Each route declares its
 * permission where it is registered.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { listRedirects } from "../../data/redirects";
import { checkRedirects, removeRedirect, storeRedirects } from "../../editorial/redirects";
import type { Refusal } from "../../editorial/refusal";
import type { AppEnv } from "../app-env";
import { type Actor, can, requires } from "../permissions";
import { formText, readForm } from "./form";
import type { Notice } from "./pages/layout";
import { RedirectsPage } from "./pages/redirects";

const PAGE_SIZE = 100;
/** A filter or a cursor longer than any stored path is no path: cut, never an error. */
const MAX_QUERY_LENGTH = 1024;

const NOTICES = new Map<string, Notice>([
  ["saved", { role: "status", text: "Redirect saved." }],
  ["deleted", { role: "status", text: "Redirect deleted." }],
]);

async function redirectsPage(
  c: Context<AppEnv>,
  state: { notice?: Notice | undefined; draft?: { from: string; to: string } },
  status: 200 | 400 | 404 | 409 | 412 = 200,
): Promise<Response> {
  const prefix = (c.req.query("prefix") ?? "").slice(0, MAX_QUERY_LENGTH);
  const after = (c.req.query("after") ?? "").slice(0, MAX_QUERY_LENGTH);
  const rows = await listRedirects(c.env.DB, { prefix, after, limit: PAGE_SIZE + 1 });
  const shown = rows.slice(0, PAGE_SIZE);
  c.status(status);
  return c.render(
    <RedirectsPage
      rows={shown}
      prefix={prefix}
      next={rows.length > PAGE_SIZE ? (shown.at(-1)?.from_path ?? null) : null}
      zone={c.var.site.timeZone ?? "UTC"}
      mayWrite={can((c.var.actor as Actor).role, "redirects:write")}
      draft={state.draft ?? { from: "", to: "" }}
    />,
    { title: "Redirects", notice: state.notice },
  );
}

/** A refusal from editorial/redirects.ts, said on the page, the form kept as it was typed. */
const refusedText = (refused: Refusal): string =>
  `Not saved: ${refused.error}${refused.details.length ? ` (${refused.details.map((d) => `${d.field.replace(/^\[0\]\./, "")} ${d.problem}`).join("; ")})` : ""}.`;

export const deskRedirectsRoutes = new Hono<AppEnv>()
  .get("/redirects", requires("articles:read"), (c) => redirectsPage(c, { notice: NOTICES.get(c.req.query("n") ?? "") }))
  .post("/redirects", requires("redirects:write"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const draft = { from: formText(form, "from").trim(), to: formText(form, "to").trim() };
    const checked = checkRedirects([draft], c.var.site.url);
    const stored = checked.ok ? await storeRedirects(c.env.DB, checked.value, c.var.clock.now()) : checked;
    if (!stored.ok) return redirectsPage(c, { notice: { role: "alert", text: refusedText(stored) }, draft }, stored.status);
    return c.redirect("/desk/redirects?n=saved", 303);
  })
  .post("/redirects/delete", requires("redirects:write"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const removed = await removeRedirect(c.env.DB, formText(form, "from"), c.var.site.url, c.var.clock.now());
    if (!removed.ok)
      return redirectsPage(
        c,
        { notice: { role: "alert", text: refusedText(removed).replace("Not saved", "Not deleted") } },
        removed.status,
      );
    return c.redirect("/desk/redirects?n=deleted", 303);
  });
