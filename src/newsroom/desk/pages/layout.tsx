/**
 * @module newsroom/desk/pages/layout
 * The frame of every desk page: its navigation, the notice after an action, and the desk's own
 * stylesheet and script (served from /desk/assets/, the only scripts the desk's CSP allows). It is
 * Hono's jsxRenderer layout, set once for the desk (`deskLayout`): a handler renders a page with
 * `c.render(<Page />, { title, notice })`, and the frame takes the site's title and the signed-in
 * editor from the request.
 */

import type { Context } from "hono";
import { html } from "hono/html";
import type { Child } from "hono/jsx";
import { jsxRenderer } from "hono/jsx-renderer";
import type { AppEnv } from "../../app-env";
import { can } from "../../permissions";

export const DESK_SCRIPT = "/desk/assets/desk.js";
export const DESK_STYLES = "/desk/assets/desk.css";

/** A message at the top of the page: `status` for what went well, `alert` for what did not. */
export interface Notice {
  role: "status" | "alert";
  text: string;
  link?: { href: string; text: string };
}

/** What a handler tells the frame about its page: `c.render(<Page />, { title, notice })`. */
export interface DeskPage {
  title: string;
  notice?: Notice | undefined;
}

declare module "hono" {
  // The desk is the only Hono app here that renders with c.render; this types its second argument.
  interface ContextRenderer {
    // biome-ignore lint/style/useShorthandFunctionType: Hono's ContextRenderer is an interface; a type alias would not merge with it.
    (content: string | Promise<string>, page: DeskPage): Response | Promise<Response>;
  }
}

function DeskLayout(props: DeskPage & { children?: Child }, c: Context<AppEnv>) {
  const siteTitle = c.var.site.title;
  // The signed-in editor; none on the sign-in page.
  const editor = c.var.editor;
  // Pages only admins may open are linked for admins only (each route checks for itself).
  const admin = c.var.actor ? can(c.var.actor.role, "people:manage") : false;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${props.title} · ${siteTitle} desk`}</title>
        <link rel="stylesheet" href={DESK_STYLES} />
        <script type="module" src={DESK_SCRIPT} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        {/* Named, so they stay distinct from the site's own header and main in the preview frame. */}
        {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: a top-level header is the banner landmark, which ARIA lets us name. */}
        <header class="desk" aria-label={`${siteTitle} desk`}>
          <a class="brand" href="/desk">
            {siteTitle} <span>desk</span>
          </a>
          {editor ? (
            <nav aria-label="Desk">
              <ul>
                <li>
                  <a href="/desk">Articles</a>
                </li>
                <li>
                  <a href="/desk/new">New article</a>
                </li>
                <li>
                  <a href="/desk?status=trash">Trash</a>
                </li>
                <li>
                  <a href="/desk/authors">Authors</a>
                </li>
                <li>
                  <a href="/desk/sections">Sections</a>
                </li>
                <li>
                  <a href="/desk/redirects">Redirects</a>
                </li>
                <li>
                  <a href="/desk/newsletters">Newsletters</a>
                </li>
                <li>
                  <a href="/desk/review">For review</a>
                </li>
                {admin ? (
                  <>
                    <li>
                      <a href="/desk/people">People</a>
                    </li>
                    <li>
                      <a href="/desk/audit">Audit log</a>
                    </li>
                    <li>
                      <a href="/desk/pipeline">Pipeline</a>
                    </li>
                  </>
                ) : null}
              </ul>
              <form method="post" action="/desk/sign-out" id="sign-out" data-editor={editor}>
                <span class="who">{editor}</span> <button type="submit">Sign out</button>
              </form>
            </nav>
          ) : null}
        </header>
        <main id="main" aria-labelledby="page-title">
          <h1 id="page-title">{props.title}</h1>
          <NoticeBox notice={props.notice} />
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function NoticeBox(props: { notice?: Notice | undefined }) {
  const { notice } = props;
  // Both live regions are always in the page, so a script's later messages are announced too:
  // successes politely (status), problems at once (alert).
  return (
    <>
      <NoticeRegion role="status" notice={notice?.role === "status" ? notice : undefined} />
      <NoticeRegion role="alert" notice={notice?.role === "alert" ? notice : undefined} />
    </>
  );
}

function NoticeRegion(props: { role: Notice["role"]; notice: Notice | undefined }) {
  const { notice } = props;
  return (
    <div class={`notice ${props.role}${notice ? "" : " empty"}`} role={props.role} id={`notice-${props.role}`}>
      {notice ? (
        <p>
          {notice.text}
          {notice.link ? (
            <>
              {" "}
              <a href={notice.link.href}>{notice.link.text}</a>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A wide table in a box of its own that scrolls sideways on a narrow screen, so the page itself
 * never does (WCAG 1.4.10 lets data tables scroll; the box is focusable for keyboard users).
 */
export function TableScroll(props: { label: string; children: Child }) {
  return (
    <section class="table-scroll" aria-label={props.label} tabindex={0}>
      {props.children}
    </section>
  );
}

/**
 * The desk's layout, set once as its renderer: every page a handler renders with `c.render` is
 * framed by DeskLayout.
 * @example new Hono<AppEnv>().use(deskLayout).get("/", (c) => c.render(<p>Hello</p>, { title: "Articles" }))
 */
export const deskLayout = jsxRenderer(DeskLayout, { docType: "<!doctype html>" });

/** A whole document of its own, not framed as a desk page: the preview frame's list of problems. */
export async function deskDocument(element: Child): Promise<string> {
  return String(await html`<!doctype html>${element}`);
}
