/**
 * @module newsroom/desk
 * The editors' desk at /desk: server-rendered pages over editorial/publishing, the same module the
 * API calls. Every page works as a plain form; the script (src/desk/client/) adds the Markdown
 * editor, the live preview, autosave and image upload. The guard (desk/guard.ts) sets the headers,
 * checks CSRF and signs editors in.
 */
import type { Context, Next } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import type { JSX } from "hono/jsx/jsx-runtime";
import { type ArticleInput, describeProblems, validateSlug } from "../core/schema";
import { taxonomySlug } from "../core/taxonomy";
import { type ArticleRow, articleInputOf, getArticleRow, getRevision, listRevisions } from "../data/articles";
import { auditStatement } from "../data/audit";
import { listCorrections } from "../data/corrections";
import { invitationById, type PersonRow, personById, useInvitation } from "../data/people";
import { getAuthor, listAuthors, listSections } from "../data/taxonomy";
import { listNotes, workflowOf } from "../data/workflow";
import { addCorrection, withdrawCorrection } from "../editorial/corrections";
import { statusOf, storedArticleOf } from "../editorial/database";
import { addUpdate, labelOf, readLivePage } from "../editorial/live";
import { removeAuthor, saveAuthor, saveSection } from "../editorial/profiles";
import {
  etagOf,
  moveArticle,
  previewArticle,
  type Refusal,
  restoreRevision,
  saveArticle,
  trashArticle,
  untrashArticle,
} from "../editorial/publishing";
import { loadNav } from "../pipeline/listing-builders";
import { rebuildNeeded } from "../pipeline/status";
import { renderArticle } from "../render/article";
import { articlePath, authorPath, CORRECTIONS_PATH } from "../targets/document-name";
import { openPresence } from "./api-presence";
import type { AppEnv } from "./app-env";
import { personForToken } from "./auth";
import { accessFromEnv } from "./desk/access";
import { lineDiff } from "./desk/diff";
import {
  articleText,
  type EditorFields,
  fieldsFromForm,
  fieldsFromInput,
  formText,
  inputFromFields,
  lf,
  problemsByField,
  readForm,
} from "./desk/form";
import { articlePageCsp, currentSession, DESK_REFUSALS, deskHeaders, deskSecret, safeNext, sameOrigin } from "./desk/guard";
import { fingerprint } from "./desk/hmac";
import { deskNewsletterRoutes } from "./desk/newsletters-routes";
import { type AuthorFields, AuthorsPage, authorFields, SectionsPage } from "./desk/pages/bylines";
import { ConflictPage } from "./desk/pages/conflict";
import { EditorPage, type EditorProps } from "./desk/pages/editor";
import { HistoryPage } from "./desk/pages/history";
import { type DeskPage, deskDocument, deskLayout, type Notice } from "./desk/pages/layout";
import { ListPage } from "./desk/pages/list";
import { DESK_UPDATES_SHOWN, type LiveDeskProps } from "./desk/pages/live-update";
import { SignInPage } from "./desk/pages/sign-in";
import { deskPeopleRoutes } from "./desk/people-routes";
import { deskPipelineRoutes } from "./desk/pipeline-routes";
import { PREVIEW_HOURS, PREVIEW_SECONDS, previewLink } from "./desk/preview-link";
import { deskArticles, STATUSES, type Status } from "./desk/queries";
import { deskRedirectsRoutes } from "./desk/redirects-routes";
import { newSessionId, SESSION_COOKIE, SESSION_SECONDS, sealSession } from "./desk/session";
import { recordSignOut } from "./desk/sign-outs";
import { formatTime, zoneLabel } from "./desk/time-zone";
import { editorForToken, editorsFromEnv, publisher } from "./editors";
import { claimAttempt, clientAddress, forgiveAttempt } from "./failed-auth";
import { invitationIdOf } from "./invitations";
import { mediaApi } from "./media";
import { type Actor, can, open, requires } from "./permissions";
import { notifySaved } from "./presence";
import { requestSetup } from "./setup";
import { addNote, checkSave, moveArticleWorkflow, signOffArticle, type WorkflowRefusal, workflowView } from "./workflow";

/** The desk's environment under /articles/:slug, where `article` is the stored article the slug names. */
interface ArticleEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { article: ArticleRow };
}

/**
 * Any desk request's context, on an article's route or not: Hono's Context is invariant in its
 * environment, so the helpers below take either.
 */
type DeskContext = Context<AppEnv> | Context<ArticleEnv>;

/** A form post is an article and its fields: far below this. */
const MAX_FORM_BYTES = 1024 * 1024;

const formLimit = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: (c) => c.text("The form is larger than the desk accepts (1 MiB).\n", 413),
});

/** A desk page: its content, and what the layout shows around it (desk/pages/layout.tsx). */
interface Page extends DeskPage {
  content: JSX.Element;
}

/** Answers with a page in the desk's layout, which `deskLayout` set for every desk route. */
const page = async (c: DeskContext, { content, ...frame }: Page, status: 200 | 400 | 401 | 403 | 404 | 409 | 412 | 429 = 200) => {
  c.status(status);
  return c.render(content, frame);
};

const zoneOf = (c: DeskContext): string => c.var.site.timeZone ?? "UTC";

/**
 * The routes of one stored article, mounted at /desk/articles/:slug. The article is looked up once,
 * before any of them runs: each finds it in `c.var.article`.
 */
const articleRoutes = new Hono<ArticleEnv>()
  .get("/", requires("articles:read"), withArticle, async (c) => {
    const row = c.var.article;
    return page(c, await editorPage(c, { fields: storedFields(c, row), row, notice: await noticeFor(c, row) }));
  })
  .post("/", requires("articles:draft"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const fields = fieldsFromForm(form);
    const version = formText(form, "version");
    const input = inputFromFields(fields, zoneOf(c));
    if (!input.ok) return invalid(c, { fields, row }, input.problems);
    const refusedByRole = await checkSave(c.env.DB, c.var.actor as Actor, row, input.value, c.var.clock.now());
    // The API's status: 403 for a role that may not, 409 for an article that needs sign-off.
    if (refusedByRole) return invalid(c, { fields, row }, [], refusalText(refusedByRole), refusedByRole.status);
    // The version the form was loaded from: a save over anyone else's is a conflict, never silent.
    const saved = await saveArticle(publisher(c), row.slug, input.value, { ifMatch: etagOf(version) });
    if (saved.ok) {
      if (saved.outcome !== "unchanged") {
        const save = { version: saved.article.version, by: c.var.editor ?? "editor", diff: `/desk/articles/${row.slug}/history` };
        c.executionCtx.waitUntil(notifySaved(c.env, row.id, save));
      }
      return c.redirect(`/desk/articles/${row.slug}?n=saved`, 303);
    }
    if (saved.status === 412) return conflict(c, row.slug, fields, input.value, version);
    return invalid(c, { fields, row }, saved.details, saved.error);
  })
  .get("/history", requires("articles:read"), withArticle, async (c) => {
    const row = c.var.article;
    const revisions = await listRevisions(c.env.DB, row.id);
    const from = Number(c.req.query("from"));
    const to = Number(c.req.query("to"));
    let compared: { from: number; to: number; lines: ReturnType<typeof lineDiff> } | undefined;
    if (from && to) {
      const [a, b] = await Promise.all([getRevision(c.env.DB, row.id, from), getRevision(c.env.DB, row.id, to)]);
      if (a && b) compared = { from, to, lines: lineDiff(articleText(JSON.parse(a.input)), articleText(JSON.parse(b.input))) };
    }
    const n = c.req.query("n");
    const notice: Notice | undefined =
      n === "restored-revision" && /^\d{1,12}$/.test(c.req.query("r") ?? "")
        ? { role: "status", text: `Restored revision ${c.req.query("r")}.` }
        : undefined;
    return page(c, {
      title: `History of “${row.title}”`,
      notice,
      content: (
        <HistoryPage
          slug={row.slug}
          title={row.title}
          version={row.version}
          revisions={revisions}
          compared={compared}
          zone={zoneOf(c)}
        />
      ),
    });
  })
  .post("/revisions/:id{[0-9]+}/restore", requires("articles:publish"), withArticle, async (c) => {
    const row = c.var.article;
    const id = c.req.param("id");
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const version = formText(form, "version");
    const saved = await restoreRevision(publisher(c), row.slug, Number(id), { ifMatch: etagOf(version) });
    if (!saved.ok) return refused(c, row, saved);
    return c.redirect(`/desk/articles/${row.slug}/history?n=restored-revision&r=${id}`, 303);
  })
  .post("/updates", requires("live:write"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const draft = { headline: formText(form, "headline").trim(), body: lf(formText(form, "body")), pinned: form.has("pinned") };
    const { headline, ...rest } = draft;
    const saved = await addUpdate(publisher(c), row.slug, headline ? draft : rest);
    if (saved.ok) return c.redirect(`/desk/articles/${row.slug}?n=update-posted#live-updates`, 303);
    if (saved.status !== 400) return refused(c, row, saved);
    const notice: Notice = { role: "alert", text: `Update not posted: ${describeProblems(saved.details)}.` };
    const liveProblems = new Map(saved.details.map((p) => [p.field || "body", p.problem]));
    return page(c, await editorPage(c, { fields: storedFields(c, row), row, notice, liveDraft: draft, liveProblems }), 400);
  })
  .post("/move", requires("articles:publish"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const to = formText(form, "to").trim();
    const moved = await moveArticle(publisher(c), row.slug, to, { ifMatch: etagOf(formText(form, "version")) });
    if (!moved.ok) return refused(c, row, moved);
    return c.redirect(`/desk/articles/${moved.slug}?n=renamed&from=${row.slug}`, 303);
  })
  .post("/trash", requires("articles:publish"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const version = formText(form, "version");
    const result = await trashArticle(publisher(c), row.slug, { ifMatch: etagOf(version) });
    if (!result.ok) return refused(c, row, result);
    return c.redirect(`/desk?n=trashed&slug=${row.slug}`, 303);
  })
  // Restoring reads no field, but its body must be a form as every desk form's is, and it is
  // checked before the lookup: a body that is no form is 400 or 415 even for an unknown slug.
  .post("/restore", requires("articles:publish"), requireForm, withArticle, async (c) => {
    const row = c.var.article;
    const result = await untrashArticle(publisher(c), row.slug, {});
    if (!result.ok) return refused(c, row, result);
    return c.redirect(`/desk?status=trash&n=restored&slug=${row.slug}`, 303);
  })
  .post("/corrections", requires("corrections:write"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const note = { kind: formText(form, "kind"), text: lf(formText(form, "text")) };
    const added = await addCorrection(publisher(c), row.slug, note);
    if (!added.ok) {
      const problem = describeProblems(added.details);
      const state = { fields: storedFields(c, row), row, correctionDraft: { ...note, problem } };
      return page(c, await editorPage(c, { ...state, notice: { role: "alert", text: `${added.error}: ${problem}.` } }), 400);
    }
    return c.redirect(`/desk/articles/${row.slug}?n=corrected#corrections-heading`, 303);
  })
  .post("/corrections/:id/withdraw", requires("corrections:write"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const version = formText(form, "version");
    const withdrawn = await withdrawCorrection(publisher(c), row.slug, c.req.param("id"), { ifMatch: etagOf(version) });
    if (!withdrawn.ok) return refused(c, row, withdrawn);
    return c.redirect(`/desk/articles/${row.slug}?n=withdrawn#corrections-heading`, 303);
  })
  // Review and sign-off from the desk (newsroom/workflow.ts), each bound to the version the page showed.
  .post("/submit", requires("articles:draft"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const actor = c.var.actor as Actor;
    if (!can(actor.role, "articles:publish") && (await workflowOf(c.env.DB, row.id)).owner_id !== actor.id)
      return DESK_REFUSALS.forbidden(c, "articles:publish");
    const moved = await moveArticleWorkflow(c, row, { from: ["draft"], to: "in-review", action: "submitted", version: null });
    return workflowDone(c, row, moved, "Submitted for review.", "Not submitted: it is not a draft.");
  })
  .post("/approve", requires("articles:review"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const version = formText(form, "version");
    const moved =
      version === row.version &&
      (await moveArticleWorkflow(c, row, { from: ["in-review"], to: "ready", action: "approved", version }));
    return workflowDone(
      c,
      row,
      moved,
      "Approved: ready to publish.",
      "Not approved: it changed since you loaded it, or is not in review.",
    );
  })
  .post("/return", requires("articles:review"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const note = formText(form, "note").trim();
    if (!note) return workflowDone(c, row, false, "", "Not returned: say why in the note.");
    const moved = await moveArticleWorkflow(c, row, {
      from: ["in-review", "ready"],
      to: "draft",
      action: "returned",
      version: null,
      note,
    });
    return workflowDone(c, row, moved, "Returned to its writer, with your note.", "Not returned: it is not in review.");
  })
  .post("/sign-off", requires("articles:sign-off"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const signed = formText(form, "version") === row.version && (await signOffArticle(c, row, row.version));
    return workflowDone(c, row, signed, "Signed off this version.", "Not signed off: the article changed since you loaded it.");
  })
  .post("/notes", requires("notes:write"), withArticle, async (c) => {
    const row = c.var.article;
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const body = formText(form, "note").trim();
    if (!body || body.length > 10_000)
      return workflowDone(c, row, false, "", "Note not added: write between 1 and 10,000 characters.");
    await addNote(c, row, body);
    return workflowDone(c, row, true, "Note added.", "");
  })
  // Who else has it open, and saves as they happen (newsroom/presence.ts), for the desk's script.
  .get("/presence", requires("articles:read"), withArticle, async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return c.text("Open this address as a WebSocket.\n", 426);
    return openPresence(c, c.var.article.id);
  })
  .post("/preview-link", requires("articles:draft"), withArticle, async (c) => {
    const row = c.var.article;
    const secret = deskSecret(c.env);
    const fields = storedFields(c, row);
    if (!secret) return invalid(c, { fields, row }, [], "Preview links need the DESK_SECRET secret.");
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const hours = Number(form.get("hours"));
    const seconds = PREVIEW_HOURS.includes(hours as (typeof PREVIEW_HOURS)[number]) ? hours * 3600 : PREVIEW_SECONDS;
    const link = await previewLink(row.id, secret, c.var.clock.now(), seconds);
    return page(
      c,
      await editorPage(c, { fields, row, previewLink: { url: `${c.var.site.url}${link.path}`, expires: link.expires } }),
    );
  });

/** The desk's pages and forms. Mounted at /desk. */
export const deskRoutes = new Hono<AppEnv>()
  .use(deskHeaders())
  .use(requestSetup())
  // Every page below, the pipeline's and an article's too, is framed by the one layout.
  .use(deskLayout)
  .use(sameOrigin())
  .use(async function deskRefusals(c, next) {
    c.set("refusals", DESK_REFUSALS);
    await next();
  })
  .use(async function deskOpen(c, next) {
    editorsFromEnv(c.env); // Throws, and the desk refuses every request, while a token is too short.
    if (deskSecret(c.env) || accessFromEnv(c.env)) return next();
    return c.text("The desk is closed: set the DESK_SECRET secret (32 characters or more). See docs/desk.md.\n", 503);
  })
  .get("/sign-in", open("the sign-in page"), async (c) => {
    const next = safeNext(c.req.query("next"));
    if (c.var.actor) return c.redirect(next, 303);
    const notice: Notice | undefined = c.req.query("n") === "signed-out" ? { role: "status", text: "Signed out." } : undefined;
    return page(c, {
      title: "Sign in",
      notice,
      content: <SignInPage next={next} notice={notice} access={!!accessFromEnv(c.env)} />,
    });
  })
  .post("/sign-in", open("signing in"), formLimit, async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const next = safeNext(formText(form, "next"));
    const now = c.var.clock.now();
    const address = clientAddress(c.req.raw.headers);
    const signInPage = (notice: Notice): Page => ({
      title: "Sign in",
      notice,
      content: <SignInPage next={next} notice={notice} />,
    });
    // Counted as a failure until the token proves right, so a burst of tries cannot outrun the count.
    const attempt = await claimAttempt(c.env.DB, address, now);
    if ("wait" in attempt) {
      c.header("Retry-After", String(attempt.wait));
      const text = `Too many failed sign-ins. Try again in ${attempt.wait} seconds.`;
      return page(c, signInPage({ role: "alert", text }), 429);
    }
    const secret = deskSecret(c.env);
    const token = formText(form, "token");
    const editor = await editorForToken(editorsFromEnv(c.env), token);
    // Not a bootstrap token: perhaps a person's own (data/people.ts), which signs that person in.
    const own = editor || !secret ? null : await personForToken(c.env.DB, token, now);
    const person = own?.person;
    if ((!editor && !person) || !secret) {
      await auditStatement(c.env.DB, {
        at: now,
        actorId: "anonymous",
        actorName: "anonymous",
        action: "sign-in-failed",
        target: `address:${address}`,
      }).run();
      return page(c, signInPage({ role: "alert", text: "That token is not valid." }), 401);
    }
    await forgiveAttempt(c.env.DB, attempt.id);
    const who = person ? { id: person.id, name: person.name } : { id: `token:${editor}`, name: editor ?? "editor" };
    await startSession(
      c,
      secret,
      own
        ? { editor: own.person.name, key: "person", person: own.person.id, token: own.tokenId }
        : { editor: who.name, key: await fingerprint(secret, token) },
    );
    await auditStatement(c.env.DB, {
      at: now,
      actorId: who.id,
      actorName: who.name,
      action: "sign-in",
      target: `person:${who.id}`,
    }).run();
    return c.redirect(next, 303);
  })
  .post("/sign-out", open("signing out: it ends whatever session the cookie holds"), formLimit, async (c) => {
    // Every desk form, this one too, answers a body that is no form with 400 or 415.
    const form = await readForm(c);
    if (form instanceof Response) return form;
    // The cookie is cleared here, and its session recorded as ended, so no copy of it still works.
    const secret = deskSecret(c.env);
    const session = secret ? await currentSession(c, secret) : null;
    if (session) {
      await recordSignOut(c.env.DB, session.id, session.expires, c.var.clock.now());
      const who = c.var.actor ?? { id: session.person ?? `token:${session.editor}`, name: session.editor };
      await auditStatement(c.env.DB, {
        at: c.var.clock.now(),
        actorId: who.id,
        actorName: who.name,
        action: "sign-out",
        target: `person:${who.id}`,
      }).run();
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/desk", secure: true, httpOnly: true, sameSite: "Strict" });
    return c.redirect("/desk/sign-in?n=signed-out", 303);
  })
  .get("/invitation/:link", open("an invitation link is its own credential: its signature is checked here"), async (c) => {
    const checked = await checkInvitation(c);
    if (!checked.ok) return checked.response;
    return page(c, {
      title: "Welcome",
      content: html`<h1>Welcome, ${checked.person.name}</h1>
        <p>You have been invited to the desk as ${checked.person.role === "admin" ? "an" : "a"} ${checked.person.role}.</p>
        <form method="post"><button type="submit">Sign in to the desk</button></form>`,
    });
  })
  // Only the button's POST uses the invitation, so a mail scanner that follows the link uses nothing.
  .post(
    "/invitation/:link",
    open("an invitation link is its own credential: its signature is checked here"),
    formLimit,
    async (c) => {
      const form = await readForm(c);
      if (form instanceof Response) return form;
      const checked = await checkInvitation(c);
      if (!checked.ok) return checked.response;
      const { person, invitation, secret } = checked;
      const db = c.env.DB;
      const now = c.var.clock.now();
      const [used] = await db.batch([
        useInvitation(db, { id: invitation, now }),
        auditStatement(db, {
          at: now,
          actorId: person.id,
          actorName: person.name,
          action: "invitation-used",
          target: `person:${person.id}`,
          onlyIf: { invitation },
        }),
      ]);
      if ((used?.meta.changes ?? 0) !== 1)
        return invitationRefused(c, 410, "This invitation has already been used, or has expired.");
      await startSession(c, secret, { editor: person.name, key: "person", person: person.id });
      return c.redirect("/desk", 303);
    },
  )
  // Images have their own, larger limit (newsroom/media.ts); every other form has this one.
  .route("/", mediaApi)
  .use(formLimit)
  .route("/pipeline", deskPipelineRoutes)
  .route("/newsletters", deskNewsletterRoutes)
  // People (admins) and the "For review" list (desk/people-routes.tsx).
  .route("/", deskPeopleRoutes)
  // Redirects from old paths (desk/redirects-routes.tsx).
  .route("/", deskRedirectsRoutes)
  .get("/", requires("articles:read"), async (c) => {
    const status = c.req.query("status");
    const filters = {
      status: STATUSES.includes(status as Status) ? (status as Status) : undefined,
      section: c.req.query("section") || undefined,
      author: c.req.query("author") || undefined,
      q: c.req.query("q") || undefined,
      page: Math.min(10_000, Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1)),
    };
    const now = c.var.clock.now();
    const [{ rows, more }, sections, authors, needsRebuild] = await Promise.all([
      deskArticles(c.env.DB, filters, now),
      listSections(c.env.DB),
      listAuthors(c.env.DB),
      rebuildNeeded(c.env.DB),
    ]);
    // The message names the article from D1, never from the address, which anyone could write.
    const slug = c.req.query("slug") ?? "";
    const named = validateSlug(slug).ok ? await getArticleRow(c.env.DB, slug) : null;
    const notices: Record<string, Notice> = named
      ? {
          trashed: { role: "status", text: `Moved “${named.title}” to the trash.` },
          restored: { role: "status", text: `Restored “${named.title}”.` },
        }
      : {};
    return page(c, {
      title: filters.status === "trash" ? "Trash" : "Articles",
      notice: notices[c.req.query("n") ?? ""],
      content: (
        <ListPage
          rows={rows}
          more={more}
          filters={filters}
          sections={sections}
          authors={authors}
          zone={zoneOf(c)}
          now={now}
          rebuildNeeded={needsRebuild}
        />
      ),
    });
  })
  .get("/new", requires("articles:draft"), async (c) => {
    const fields = fieldsFromInput(null, "", zoneOf(c), c.var.clock.now());
    return page(c, await editorPage(c, { fields }));
  })
  .post("/new", requires("articles:draft"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const fields = fieldsFromForm(form);
    const slug = fields.slug || taxonomySlug(fields.title);
    const input = inputFromFields(fields, zoneOf(c));
    const slugCheck = validateSlug(slug);
    const problems = [...(slugCheck.ok ? [] : slugCheck.problems), ...(input.ok ? [] : input.problems)];
    if (!input.ok || problems.length > 0) return invalid(c, { fields }, problems);
    const refusedByRole = await checkSave(c.env.DB, c.var.actor as Actor, null, input.value, c.var.clock.now());
    if (refusedByRole) return invalid(c, { fields }, [], refusalText(refusedByRole), refusedByRole.status);
    const saved = await saveArticle(publisher(c), slug, input.value, { createOnly: true }, "create");
    if (!saved.ok) {
      if (saved.status === 412 || saved.status === 409)
        return invalid(c, { fields }, [{ field: "slug", problem: `is taken: ${articlePath(slug)} exists. Choose another.` }]);
      return invalid(c, { fields }, saved.details);
    }
    return c.redirect(`/desk/articles/${slug}?n=saved`, 303);
  })
  .post("/preview", requires("articles:draft"), async (c) => {
    // The live preview: the form as it stands, through the same build and page as a save.
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const fields = fieldsFromForm(form);
    const slug = formText(form, "article") || fields.slug || taxonomySlug(fields.title || "preview");
    c.header("X-Frame-Options", "SAMEORIGIN");
    c.header("Content-Security-Policy", articlePageCsp("'self'"));
    const input = inputFromFields(fields, zoneOf(c));
    const built = input.ok && validateSlug(slug).ok ? await previewArticle(publisher(c), slug, input.value) : null;
    if (!built?.ok) {
      const problems =
        built && !built.ok ? built.details : input.ok ? [{ field: "slug", problem: "is not valid" }] : input.problems;
      return c.html(await deskDocument(<PreviewProblems problems={problems.map((p) => `${p.field}: ${p.problem}`)} />));
    }
    return c.html(await renderArticle(c.var.site, built.built.article, await loadNav(c.env.DB, c.var.clock.now())));
  })
  // One stored article's pages and forms, each with the article already looked up.
  .route("/articles/:slug", articleRoutes)
  .get("/authors", requires("articles:read"), async (c) => page(c, await authorsPage(c, { fields: authorFields(null) })))
  .post("/authors", requires("taxonomy:write"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const data = profileData(form);
    const fields = { ...authorFields(null), ...data };
    const slug = taxonomySlug(data.name);
    // A new profile never replaces one that has the same address.
    const taken = slug !== "" && (await getAuthor(c.env.DB, slug)) !== null;
    const saved = taken
      ? {
          ok: false as const,
          status: 409 as const,
          details: [{ field: "name", problem: `is taken: ${authorPath(slug)} exists` }],
        }
      : await saveAuthor(c.env.DB, slug, withoutEmpty(data), c.var.clock.now());
    if (!saved.ok) return page(c, await authorsPage(c, { fields }, saved.details), saved.status);
    return c.redirect(`/desk/authors/${slug}?n=saved`, 303);
  })
  .get("/authors/:slug", requires("articles:read"), async (c) => {
    const author = await getAuthor(c.env.DB, c.req.param("slug"));
    if (!author) return c.redirect("/desk/authors", 303);
    const notice: Notice | undefined = c.req.query("n") === "saved" ? { role: "status", text: "Saved." } : undefined;
    return page(c, await authorsPage(c, { slug: author.slug, fields: authorFields(author), notice }));
  })
  .post("/authors/:slug", requires("taxonomy:write"), async (c) => {
    const slug = c.req.param("slug");
    if (!(await getAuthor(c.env.DB, slug))) return c.redirect("/desk/authors", 303);
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const data = profileData(form);
    const saved = await saveAuthor(c.env.DB, slug, withoutEmpty(data), c.var.clock.now());
    if (!saved.ok) return page(c, await authorsPage(c, { slug, fields: { ...authorFields(null), ...data } }, saved.details), 400);
    return c.redirect(`/desk/authors/${slug}?n=saved`, 303);
  })
  .post("/authors/:slug/delete", requires("taxonomy:write"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const slug = c.req.param("slug");
    const author = await getAuthor(c.env.DB, slug);
    const removed = await removeAuthor(c.env.DB, slug, c.var.clock.now());
    if (!removed.ok) {
      const text = `Not deleted: ${removed.details.map((d) => d.problem).join("; ")}.`;
      return page(
        c,
        await authorsPage(c, { slug, fields: authorFields(author), notice: { role: "alert", text } }),
        removed.status,
      );
    }
    return page(
      c,
      await authorsPage(c, {
        fields: authorFields(null),
        notice: { role: "status", text: `Deleted the profile of ${author?.name ?? slug}.` },
      }),
    );
  })
  .get("/sections", requires("articles:read"), async (c) => {
    const notice: Notice | undefined =
      c.req.query("n") === "saved" ? { role: "status", text: "Saved. Every page shows the new navigation shortly." } : undefined;
    return page(c, await sectionsPage(c, notice));
  })
  .post("/sections/:slug", requires("taxonomy:write"), async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const position = formText(form, "position").trim();
    const saved = await saveSection(
      c.env.DB,
      c.var.site,
      c.req.param("slug"),
      { name: formText(form, "name"), ...(position ? { position: Number(position) } : {}) },
      c.var.clock.now(),
    );
    if (!saved.ok) {
      const text = `Not saved: ${describeProblems(saved.details)}.`;
      return page(c, await sectionsPage(c, { role: "alert", text }), saved.status);
    }
    return c.redirect("/desk/sections?n=saved", 303);
  })
  .all("*", open("an unknown desk page answers 404"), (c) => c.text("There is no such desk page.\n", 404));

type InvitationCheck =
  | { ok: true; person: PersonRow; invitation: string; secret: string }
  | { ok: false; response: Response | Promise<Response> };

/** The invitation a link names: genuine, unused, unexpired, for a person who is active. */
async function checkInvitation(c: Context<AppEnv>): Promise<InvitationCheck> {
  const secret = deskSecret(c.env);
  const id = secret ? await invitationIdOf(c.req.param("link") ?? "", secret) : null;
  const invitation = id ? await invitationById(c.env.DB, id) : null;
  if (!secret || !invitation) return { ok: false, response: invitationRefused(c, 403, "This invitation link is not valid.") };
  if (invitation.used_at !== null)
    return {
      ok: false,
      response: invitationRefused(
        c,
        410,
        "This invitation has already been used. Sign in with a token, or ask an admin for a new invitation.",
      ),
    };
  if (invitation.expires_at <= c.var.clock.now())
    return { ok: false, response: invitationRefused(c, 410, "This invitation has expired. Ask an admin for a new one.") };
  const person = await personById(c.env.DB, invitation.person_id);
  if (person?.active !== 1) return { ok: false, response: invitationRefused(c, 403, "This invitation is no longer valid.") };
  return { ok: true, person, invitation: invitation.id, secret };
}

function invitationRefused(c: Context<AppEnv>, status: 403 | 410, text: string): Promise<Response> {
  c.status(status);
  return Promise.resolve(c.render(html`<h1>Invitation</h1><p>${text}</p>`, { title: "Invitation" }));
}

/** After a workflow form: back to the article, saying what happened. */
async function workflowDone(c: Context<ArticleEnv>, row: ArticleRow, done: boolean, ok: string, refused: string) {
  if (done) return page(c, await editorPage(c, { fields: storedFields(c, row), row, notice: { role: "status", text: ok } }));
  return page(c, await editorPage(c, { fields: storedFields(c, row), row, notice: { role: "alert", text: refused } }), 409);
}

/** What the desk says when a role may not make a save (newsroom/workflow.ts). */
const refusalText = (refusal: WorkflowRefusal): string =>
  refusal.status === 409
    ? "Not published: this article needs sign-off from the standards desk on its current version."
    : "Not saved: your role can save drafts only, and only your own. An editor publishes.";

/** Sets the cookie of a new desk session (desk/session.ts). */
export async function startSession(
  c: Context<AppEnv>,
  secret: string,
  who: { editor: string; key: string; person?: string; token?: string },
): Promise<void> {
  const session = await sealSession({ id: newSessionId(), ...who, expires: c.var.clock.now() + SESSION_SECONDS * 1000 }, secret);
  setCookie(c, SESSION_COOKIE, session, {
    path: "/desk",
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: SESSION_SECONDS,
  });
}

/** An author's form as posted. */
function profileData(form: FormData): { name: string; bio: string; url: string; photoUrl: string } {
  return {
    name: formText(form, "name"),
    bio: lf(formText(form, "bio")),
    url: formText(form, "url").trim(),
    photoUrl: formText(form, "photoUrl").trim(),
  };
}

/** Optional fields left empty are absent, not empty strings the schema would refuse as URLs. */
const withoutEmpty = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).filter(([, value]) => value !== ""));

async function authorsPage(
  c: DeskContext,
  state: { slug?: string; fields: AuthorFields; notice?: Notice | undefined },
  problems: Refusal["details"] = [],
): Promise<Page> {
  const notice: Notice | undefined =
    state.notice ?? (problems.length ? { role: "alert", text: "Not saved: see the fields marked below." } : undefined);
  return {
    title: state.slug ? `Author “${state.fields.name}”` : "Authors",
    notice,
    content: (
      <AuthorsPage
        authors={await listAuthors(c.env.DB)}
        slug={state.slug}
        fields={state.fields}
        problems={problemsByField(problems)}
      />
    ),
  };
}

async function sectionsPage(c: DeskContext, notice: Notice | undefined): Promise<Page> {
  return { title: "Sections", notice, content: <SectionsPage sections={await listSections(c.env.DB)} /> };
}

/**
 * Looks up the stored article the route's `:slug` names and sets it as `c.var.article`; a slug that
 * is not valid, or names no article, gets the list saying there is none (404).
 */
async function withArticle(c: Context<ArticleEnv>, next: Next): Promise<Response | undefined> {
  const slug = c.req.param("slug") ?? "";
  const row = validateSlug(slug).ok ? await getArticleRow(c.env.DB, slug) : null;
  if (!row) return missingArticle(c, slug);
  c.set("article", row);
  await next();
}

/** For a form whose fields go unread: its body must still be a form (desk/form.ts's readForm). */
async function requireForm(c: Context, next: Next): Promise<Response | undefined> {
  const form = await readForm(c);
  if (form instanceof Response) return form;
  await next();
}

/** The editor's form for a stored article, as it was last saved. */
const storedFields = (c: DeskContext, row: ArticleRow): EditorFields =>
  fieldsFromInput(articleInputOf(row), row.slug, zoneOf(c), c.var.clock.now());

/** The list, saying the article asked for does not exist. */
function missingArticle(c: DeskContext, slug: string): Promise<Response> {
  return page(
    c,
    {
      title: "Articles",
      notice: { role: "alert", text: `There is no article “${slug}”.`, link: { href: "/desk", text: "All articles" } },
      content: (
        <ListPage rows={[]} more={false} filters={{}} sections={[]} authors={[]} zone={zoneOf(c)} now={c.var.clock.now()} />
      ),
    },
    404,
  );
}

interface EditorState {
  fields: EditorFields;
  row?: ArticleRow | undefined;
  problems?: Map<string, string>;
  notice?: Notice | undefined;
  previewLink?: EditorProps["previewLink"];
  correctionDraft?: EditorProps["correctionDraft"];
  /** A refused update, kept in its form with its problems. */
  liveDraft?: { headline: string; body: string; pinned: boolean };
  liveProblems?: Map<string, string>;
}

async function editorPage(c: DeskContext, state: EditorState): Promise<Page> {
  const { row } = state;
  const [authors, sections, corrections, workflow, notes] = await Promise.all([
    listAuthors(c.env.DB),
    listSections(c.env.DB),
    row ? listCorrections(c.env.DB, row.id) : [],
    row ? workflowOf(c.env.DB, row.id) : null,
    row ? listNotes(c.env.DB, row.id) : [],
  ]);
  const now = c.var.clock.now();
  const role = c.var.actor?.role ?? "contributor";
  const content = (
    <EditorPage
      slug={row?.slug}
      autosaveKey={`${c.var.editor ?? ""}:${row?.id ?? "new"}`}
      version={row?.version}
      status={row ? statusOf(row, now) : undefined}
      fields={state.fields}
      problems={state.problems ?? new Map()}
      authors={authors}
      sections={sections}
      zone={zoneOf(c)}
      zoneLabel={zoneLabel(zoneOf(c), now)}
      now={now}
      previewLink={state.previewLink}
      corrections={corrections.map((note) => ({
        id: note.id,
        kind: note.kind,
        text: note.text,
        version: note.version,
        createdAt: note.created_at,
        createdBy: note.created_by,
      }))}
      correctionDraft={state.correctionDraft}
      live={row ? await liveDesk(c, row, state) : undefined}
      may={{
        publish: can(role, "articles:publish"),
        review: can(role, "articles:review"),
        signOff: can(role, "articles:sign-off"),
        corrections: can(role, "corrections:write"),
      }}
      workflow={
        row && workflow
          ? {
              ...workflowView(workflow, row, statusOf(row, now)),
              notes: notes.map((n) => ({ at: n.at, by: n.by_name, body: n.body })),
            }
          : undefined
      }
    />
  );
  return { title: row ? `Edit “${state.fields.title}”` : "New article", notice: state.notice, content };
}

/** A live article's update form and latest updates; undefined for an article that is not live. */
async function liveDesk(c: DeskContext, row: ArticleRow, state: EditorState): Promise<LiveDeskProps | undefined> {
  if (!storedArticleOf(row).live) return undefined;
  const live = await readLivePage(c.env.DB, row.id);
  return {
    slug: row.slug,
    zone: zoneOf(c),
    total: live.total,
    updates: live.updates
      .slice(0, DESK_UPDATES_SHOWN)
      .map((u) => ({ id: u.id, at: u.created_at, label: labelOf(u), pinned: u.pinned === 1 })),
    ...(state.liveDraft ? { draft: state.liveDraft } : {}),
    ...(state.liveProblems ? { problems: state.liveProblems } : {}),
  };
}

/** The editor again, with the editor's own values and each problem beside its field. */
async function invalid(
  c: DeskContext,
  state: EditorState,
  problems: Refusal["details"],
  message?: string,
  status: 400 | 403 | 409 = 400,
) {
  const count = problems.length;
  const notice: Notice = {
    role: "alert",
    text: message ?? `Not saved: ${count === 1 ? "1 field needs" : `${count} fields need`} attention.`,
  };
  return page(c, await editorPage(c, { ...state, problems: problemsByField(problems), notice }), status);
}

/** A refusal of an action on a stored article, shown on its editor. */
async function refused(c: DeskContext, row: ArticleRow, refusal: Refusal) {
  const fields = storedFields(c, row);
  const detail = describeProblems(refusal.details);
  const text = `${refusal.error}${detail ? `: ${detail}` : ""}.`;
  return page(c, await editorPage(c, { fields, row, notice: { role: "alert", text } }), refusal.status === 412 ? 409 : 400);
}

/** Someone else saved first: both versions and the diff, and the choice left to the editor. */
async function conflict(c: DeskContext, slug: string, fields: EditorFields, mine: ArticleInput, myVersion: string) {
  const current = await getArticleRow(c.env.DB, slug);
  if (!current) return missingArticle(c, slug);
  const theirsText = articleText(JSON.parse(current.input));
  const mineText = articleText(mine);
  const content = (
    <ConflictPage
      slug={slug}
      myVersion={myVersion}
      theirVersion={current.version}
      theirs={{ text: theirsText, by: current.changed_by, at: current.changed_at }}
      mine={{ text: mineText, fields }}
      diff={lineDiff(theirsText, mineText)}
      zone={zoneOf(c)}
    />
  );
  return page(c, { title: "This article changed while you were editing", content }, 409);
}

/** The message after a redirect back to the editor. */
async function noticeFor(c: DeskContext, row: ArticleRow): Promise<Notice | undefined> {
  const n = c.req.query("n");
  const now = c.var.clock.now();
  if (n === "renamed") {
    const from = c.req.query("from") ?? "";
    if (!validateSlug(from).ok) return undefined;
    return { role: "status", text: `Renamed. ${articlePath(from)} now redirects (301) to ${articlePath(row.slug)}.` };
  }
  if (n === "corrected")
    return { role: "status", text: "Note published.", link: { href: CORRECTIONS_PATH, text: "All corrections" } };
  if (n === "withdrawn") return { role: "status", text: "Note withdrawn. Its record stays in the correction's history." };
  if (n === "update-posted")
    return { role: "status", text: "Update posted.", link: { href: articlePath(row.slug), text: "View on the site" } };
  if (n !== "saved") return undefined;
  const status = statusOf(row, now);
  if (status === "published")
    return { role: "status", text: "Saved. Published.", link: { href: articlePath(row.slug), text: "View on the site" } };
  if (status === "scheduled") return { role: "status", text: `Saved. Scheduled for ${formatTime(row.published_at, zoneOf(c))}.` };
  return { role: "status", text: "Saved. Draft: not public." };
}

/** The preview frame when the form does not validate yet: what is missing, plainly. */
function PreviewProblems(props: { problems: string[] }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Preview</title>
      </head>
      <body>
        <p>The preview appears when these are fixed:</p>
        <ul>
          {props.problems.map((problem) => (
            <li>{problem}</li>
          ))}
        </ul>
      </body>
    </html>
  );
}
