/**
 * The whole editor path with the keyboard only: Tab and Shift+Tab to move, typing, Space for
 * checkboxes and Enter for links and buttons. No clicks, and no field filled except by typing.
 * Each control reached must also show where the focus is.
 */
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { bodyField, button, expectHeading, expectStatus, field } from "./support/desk";
import { useDesk } from "./support/desk-fixture";
import { showsFocus, tabTo } from "./support/keyboard";
import { EDITORS, eventually } from "./support/worker";

const desk = useDesk();
beforeAll(async () => {
  // An author profile, so the form has an author checkbox to tick with Space.
  const response = await fetch(`${desk.base}/api/authors/kim-keys`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${EDITORS.ana}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Kim Keys" }),
  });
  expect(response.status).toBe(201);
});

const TITLE = "Written without a mouse";

/** Controls the focus reached without a visible indicator, checked once the whole path is done. */
const unseen: string[] = [];

/** Tabs (or Shift+Tabs) to `target` and notes whether the focus can be seen there. */
async function reach(page: Page, target: Locator, name: string, backwards = false): Promise<void> {
  await tabTo(page, target, { backwards });
  if (!(await showsFocus(target))) unseen.push(name);
}

/** Tabs to `target` and types `text` there. */
async function tabAndType(page: Page, target: Locator, name: string, text: string, backwards = false): Promise<void> {
  await reach(page, target, name, backwards);
  await page.keyboard.type(text);
}

describe("the desk with the keyboard only", () => {
  it("signs in, writes, publishes and saves an article", async () => {
    const { base } = desk;
    const page = await desk.newPage();
    await page.goto(`${base}/desk/sign-in`);
    await expectHeading(page, "Sign in");

    await tabAndType(page, field(page, "Editor token"), "Editor token", EDITORS.ana);
    await reach(page, button(page, "Sign in"), "Sign in");
    await Promise.all([page.waitForURL(`${base}/desk`), page.keyboard.press("Enter")]);
    await expectHeading(page, "Articles");

    const newArticle = page.getByRole("navigation", { name: "Desk" }).getByRole("link", { name: "New article" });
    await reach(page, newArticle, "New article");
    await Promise.all([page.waitForURL(`${base}/desk/new`), page.keyboard.press("Enter")]);
    await expectHeading(page, "New article");

    await tabAndType(page, field(page, "Title"), "Title", TITLE);
    await tabAndType(page, field(page, "Section"), "Section", "Newsroom");

    const author = page.getByRole("checkbox", { name: "Kim Keys", exact: true });
    await reach(page, author, "Kim Keys");
    await page.keyboard.press("Space");
    expect(await author.isChecked()).toBe(true);

    // On to the body, past the image fields, then back up to the summary with Shift+Tab.
    await tabAndType(page, bodyField(page), "Body (Markdown)", "Every step of this article was taken by key.");
    await tabAndType(page, field(page, "Summary"), "Summary", "A test of the keyboard path.", true);

    const published = field(page, "Publication time");
    await reach(page, published, "Publication time");
    // An empty datetime-local takes its parts in the locale's order: en-US is month, day, year, time.
    if ((await published.inputValue()) === "") await page.keyboard.type("030120240930A");
    await reach(page, field(page, "Draft"), "Draft");
    if (await field(page, "Draft").isChecked()) await page.keyboard.press("Space");
    expect(await field(page, "Draft").isChecked()).toBe(false);

    const saveButton = button(page, "Save");
    await reach(page, saveButton, "Save");
    await Promise.all([page.waitForURL(/\/desk\/articles\//), page.keyboard.press("Enter")]);
    await expectStatus(page, "Saved.");
    await expectStatus(page, "Published.");
    await expectHeading(page, `Edit “${TITLE}”`);
    expect(await field(page, "Title").inputValue()).toBe(TITLE);
    expect(await page.getByRole("checkbox", { name: "Kim Keys", exact: true }).isChecked()).toBe(true);

    const slug = new URL(page.url()).pathname.split("/").pop() ?? "";
    const article = await eventually(`${base}/articles/${slug}`, 200);
    expect(article.status).toBe(200);
    const html = await article.text();
    expect(html).toContain(TITLE);
    expect(html).toContain("Kim Keys");
    expect(desk.errors).toEqual([]);
    // WCAG 2.4.7: every control on the way showed where the focus was.
    expect(unseen, "controls with no visible focus indicator").toEqual([]);
  });
});
