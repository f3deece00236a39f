/**
 * @module tests/browser/support/desk
 * What an editor does on the desk, in the contract's words (labels, roles, button names), so the
 * scenarios read as steps and a renamed label fails in one place.
 */
import type { Locator, Page, Response } from "playwright-core";
import { EDITORS } from "./worker";

/** The fields of the article form, as an editor fills them. Missing ones are left alone. */
export interface ArticleFields {
  title?: string;
  slug?: string;
  section?: string;
  tags?: string;
  summary?: string;
  /** A datetime-local value, "YYYY-MM-DDTHH:mm", in the site's time zone. */
  published?: string;
  draft?: boolean;
  /** Replaces the whole body. */
  body?: string;
}

/** A form control by its label, exactly: "Title" must not match "Search titles". */
export function field(page: Page, label: string): Locator {
  return page.getByLabel(label, { exact: true });
}

/** The body's real textarea, which OverType keeps under its overlay. */
export function bodyField(page: Page): Locator {
  return page.locator('textarea[name="body"]');
}

/** A button by its exact name. */
export function button(page: Page, name: string): Locator {
  return page.getByRole("button", { name, exact: true });
}

/**
 * Waits for a role=status message containing `text` and returns it; fails after the step timeout.
 *
 * @example
 * await expectStatus(page, "Saved.");
 */
export async function expectStatus(page: Page, text: string | RegExp): Promise<Locator> {
  const message = page.getByRole("status").filter({ hasText: text }).first();
  await message.waitFor({ state: "visible" });
  return message;
}

/** Waits for a role=alert message containing `text` and returns it. */
export async function expectAlert(page: Page, text: string | RegExp): Promise<Locator> {
  const message = page.getByRole("alert").filter({ hasText: text }).first();
  await message.waitFor({ state: "visible" });
  return message;
}

/** The page's one h1, once it says `text`. */
export async function expectHeading(page: Page, text: string | RegExp): Promise<Locator> {
  const heading = page.getByRole("heading", { level: 1, name: text });
  await heading.waitFor({ state: "visible" });
  return heading;
}

/**
 * Signs in through the sign-in form and waits for the article list.
 *
 * @example
 * await signIn(page, worker.url);                // as ana
 * await signIn(other, worker.url, EDITORS.bo);   // as bo
 */
export async function signIn(page: Page, base: string, token: string = EDITORS.ana): Promise<void> {
  await page.goto(`${base}/desk/sign-in`);
  await field(page, "Editor token").fill(token);
  await Promise.all([page.waitForURL(`${base}/desk`), button(page, "Sign in").click()]);
  await expectHeading(page, "Articles");
}

/**
 * Fills the article form. The body is typed, key by key, so the editor's script (OverType, the
 * live preview, autosave) sees real input events.
 */
export async function fillArticle(page: Page, fields: ArticleFields): Promise<void> {
  if (fields.title !== undefined) await field(page, "Title").fill(fields.title);
  if (fields.slug !== undefined) await field(page, "Slug").fill(fields.slug);
  if (fields.section !== undefined) await field(page, "Section").fill(fields.section);
  if (fields.tags !== undefined) await field(page, "Tags").fill(fields.tags);
  if (fields.summary !== undefined) await field(page, "Summary").fill(fields.summary);
  if (fields.published !== undefined) await field(page, "Publication time").fill(fields.published);
  if (fields.draft !== undefined) await field(page, "Draft").setChecked(fields.draft);
  if (fields.body !== undefined) await replaceBody(page, fields.body);
}

/** Selects the whole body and types `text` over it. */
export async function replaceBody(page: Page, text: string): Promise<void> {
  const body = bodyField(page);
  await body.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

/**
 * Clicks `control` (a submit button) and returns the response of the form's POST, once the page
 * it leads to has loaded.
 */
export async function submit(page: Page, control: Locator): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.request().isNavigationRequest()),
    control.click(),
  ]);
  await page.waitForLoadState("load");
  return response;
}

/**
 * Saves the form and waits for the editor's "Saved." message.
 *
 * @example
 * await save(page); // then expectStatus(page, "Published.")
 */
export async function save(page: Page): Promise<void> {
  await submit(page, button(page, "Save"));
  await expectStatus(page, "Saved.");
}

/**
 * Creates an article from /desk/new and returns its slug (from the editor's URL after the save).
 *
 * @example
 * const slug = await createArticle(page, base, { title: "Hello", section: "News", published: past(), body: "Hi" });
 */
export async function createArticle(page: Page, base: string, fields: ArticleFields): Promise<string> {
  await page.goto(`${base}/desk/new`);
  await expectHeading(page, "New article");
  await fillArticle(page, fields);
  await save(page);
  const match = /\/desk\/articles\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`The save did not lead to an editor: ${page.url()}`);
  return decodeURIComponent(match[1]);
}

/** Opens an article's editor. */
export async function openEditor(page: Page, base: string, slug: string): Promise<void> {
  await page.goto(`${base}/desk/articles/${slug}`);
  await expectHeading(page, /^Edit “/);
}

/**
 * The texts a control's aria-describedby points at, joined: its hint or its error.
 *
 * @example
 * expect(await description(field(page, "Title"))).toContain("required");
 */
export function description(control: Locator): Promise<string> {
  return control.evaluate((element) => {
    const ids = (element.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
    return ids.map((id: string) => element.ownerDocument.getElementById(id)?.textContent?.trim() ?? `(missing #${id})`).join(" ");
  });
}

/**
 * A datetime-local value for `date` in UTC (the site's time zone in these tests).
 *
 * @example
 * localDateTime(new Date("2030-01-02T03:04:59Z")) // "2030-01-02T03:04"
 */
export function localDateTime(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** A publication time safely in the past. */
export const PAST = "2024-03-01T09:30";

/** A publication time `days` ahead of now, so the article is scheduled. */
export function future(days = 30): string {
  return localDateTime(new Date(Date.now() + days * 86_400_000));
}

/** The article's Markdown as the server has it now, read through the editors' API. Stored Markdown
 * ends with a newline, whatever the textarea sent, so it is trimmed. */
export async function serverBody(base: string, slug: string): Promise<string> {
  const response = await fetch(`${base}/api/articles/${slug}`, { headers: { Authorization: `Bearer ${EDITORS.ana}` } });
  if (response.status !== 200) throw new Error(`GET /api/articles/${slug} answered ${response.status}`);
  const { article } = (await response.json()) as { article: { body?: string } };
  return (article.body ?? "").trimEnd();
}
