/**
 * axe-core on every desk page, in the states an editor meets them (errors shown, a conflict, a
 * diff), at 1280×800 in light mode; and, under `npm run screenshots`, the screenshots of the desk in docs/desk.md.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe";
import {
  button,
  createArticle,
  description,
  expectAlert,
  expectHeading,
  expectStatus,
  field,
  future,
  openEditor,
  PAST,
  replaceBody,
  save,
  submit,
} from "./support/desk";
import { useDesk } from "./support/desk-fixture";
import { screenshot } from "./support/screenshots";
import { EDITORS } from "./support/worker";

const desk = useDesk();
let editor: Page;
beforeAll(async () => {
  editor = await desk.signedInPage();
  // A list worth looking at: published, scheduled, a draft, and one in the trash.
  const articles = [
    { title: "Harbour lights return to the quay", published: PAST, draft: false, body: "Lanterns at dusk." },
    { title: "Bridge repairs start on Monday", published: PAST, draft: false, body: "The bridge closes on Monday." },
    { title: "Council results, embargoed", published: future(2), draft: false, body: "Counted at dawn." },
    { title: "Notes for the weekend edition", published: future(5), draft: true, body: "Ideas so far." },
    { title: "Lost umbrella found", published: PAST, draft: false, body: "A blue umbrella." },
  ];
  for (const article of articles) await createArticle(editor, desk.base, { section: "Newsroom", ...article });
  await submit(editor, button(editor, "Move to trash"));
  await expectStatus(editor, "Moved “Lost umbrella found” to the trash.");
});

/** Soft: one page's violations fail the test but do not hide the next page's. */
async function expectNoViolations(page: Page, label: string): Promise<void> {
  expect.soft(await axeViolations(page), `axe on ${label} (${page.url()})`).toEqual([]);
}

describe("axe-core finds no violations", () => {
  it("on sign-in, with and without an error", async () => {
    const page = await desk.newPage();
    await page.goto(`${desk.base}/desk/sign-in`);
    await expectHeading(page, "Sign in");
    await expectNoViolations(page, "sign-in");
    await screenshot(page, "desk-sign-in");

    await field(page, "Editor token").fill("not-a-token");
    await submit(page, button(page, "Sign in"));
    await expectAlert(page, "That token is not valid.");
    await expectNoViolations(page, "sign-in with an error");
  });

  it("on the list, filtered, and the trash view", async () => {
    await editor.goto(`${desk.base}/desk`);
    await expectHeading(editor, "Articles");
    await editor.getByRole("link", { name: "Bridge repairs start on Monday" }).waitFor();
    await expectNoViolations(editor, "the list");
    await screenshot(editor, "desk-list");

    await editor.getByRole("search").getByLabel("Status", { exact: true }).selectOption("scheduled");
    await editor.getByRole("search").getByRole("button", { name: "Filter" }).click();
    await editor.getByRole("link", { name: "Council results, embargoed" }).waitFor();
    expect(await editor.getByRole("link", { name: "Bridge repairs start on Monday" }).count()).toBe(0);
    await expectNoViolations(editor, "the list, filtered");

    await editor.goto(`${desk.base}/desk?status=trash`);
    await editor.getByRole("row").filter({ hasText: "Lost umbrella found" }).getByRole("button", { name: "Restore" }).waitFor();
    await expectNoViolations(editor, "the trash view");
  });

  it("on the new-article and edit pages, with field errors and a preview link", async () => {
    await editor.goto(`${desk.base}/desk/new`);
    await expectHeading(editor, "New article");
    await expectNoViolations(editor, "new article");

    await openEditor(editor, desk.base, "harbour-lights-return-to-the-quay");
    await editor.getByTitle("Preview", { exact: true }).contentFrame().getByRole("heading", { level: 1 }).waitFor();
    await expectNoViolations(editor, "edit");

    // The server's own errors (what a browser without the script gets): the browser's built-in
    // validation would stop an empty title before it is sent, so it is switched off here.
    await field(editor, "Title").fill("");
    await field(editor, "Section").fill("");
    await editor.locator("#article-form").evaluate((form) => {
      (form as unknown as { noValidate: boolean }).noValidate = true;
    });
    const refused = await submit(editor, button(editor, "Save"));
    expect(refused.status()).toBeGreaterThanOrEqual(400);
    for (const label of ["Title", "Section"]) {
      const control = field(editor, label);
      expect(await control.getAttribute("aria-invalid"), label).toBe("true");
      expect((await description(control)).length, `${label}'s error text`).toBeGreaterThan(0);
    }
    await expectNoViolations(editor, "edit with errors");

    await openEditor(editor, desk.base, "notes-for-the-weekend-edition");
    await button(editor, "Create preview link").click();
    await field(editor, "Preview link").waitFor();
    await expectNoViolations(editor, "edit with a preview link");
  });

  it("on the conflict page", async () => {
    const slug = "bridge-repairs-start-on-monday";
    const other = await desk.signedInPage(EDITORS.bo);
    await openEditor(editor, desk.base, slug);
    await openEditor(other, desk.base, slug);
    await replaceBody(other, "The bridge closes on Monday, and the ferry runs every twenty minutes.");
    await save(other);
    await replaceBody(editor, "The bridge closes on Thursday instead.");
    expect([409, 412]).toContain((await submit(editor, button(editor, "Save"))).status());
    await expectHeading(editor, "This article changed while you were editing");
    await expectNoViolations(editor, "the conflict page");
    await screenshot(editor, "desk-conflict");
    await submit(editor, button(editor, "Keep my version"));
    await expectStatus(editor, "Saved.");
  });

  it("on the history, with a diff", async () => {
    const slug = "bridge-repairs-start-on-monday";
    await editor.goto(`${desk.base}/desk/articles/${slug}/history`);
    await expectHeading(editor, "History of “Bridge repairs start on Monday”");
    await expectNoViolations(editor, "history");

    // Newest first: from the oldest revision to the newest.
    await editor
      .getByRole("radio", { name: /^From\b/ })
      .last()
      .check();
    await editor.getByRole("radio", { name: /^To\b/ }).first().check();
    await editor.getByRole("button", { name: "Compare", exact: true }).click();
    await editor.waitForLoadState("load");
    await editor.locator("main ins, main del").first().waitFor();
    await expectNoViolations(editor, "history with a diff");
    await screenshot(editor, "desk-history");
  });
});

describe("corrections", () => {
  it("the editor's corrections form, an article with a note, and /corrections have no axe violations", async () => {
    const slug = "harbour-lights-return-to-the-quay";
    await openEditor(editor, desk.base, slug);
    await field(editor, "Kind").selectOption("correction");
    await field(editor, "Text").fill("The lanterns are lit at *six*, not seven.");
    await submit(editor, button(editor, "Publish the note"));
    await expectStatus(editor, "Note published.");
    await expectNoViolations(editor, "edit with a correction");

    await field(editor, "Text").fill("# Not one paragraph");
    await submit(editor, button(editor, "Publish the note"));
    await expectAlert(editor, /The correction is not valid/);
    expect(await field(editor, "Text").getAttribute("aria-invalid")).toBe("true");
    await expectNoViolations(editor, "edit with a refused correction");

    const reader = await desk.newPage();
    await reader.goto(`${desk.base}/articles/${slug}`);
    await reader.getByText("The lanterns are lit at").waitFor();
    await expectNoViolations(reader, "an article with a correction");
    await reader.goto(`${desk.base}/corrections`);
    await expectHeading(reader, "Corrections and clarifications");
    await reader.getByRole("link", { name: "Harbour lights return to the quay" }).waitFor();
    await expectNoViolations(reader, "/corrections");
  });
});

describe("authors and sections", () => {
  it("have no axe violations, with and without a field error", async () => {
    await editor.goto(`${desk.base}/desk/authors`);
    await expectHeading(editor, "Authors");
    await expectNoViolations(editor, "authors");
    await field(editor, "Name").fill("Kim Lee");
    await field(editor, "Website").fill("not a url");
    await field(editor, "Website").evaluate((input) => input.setAttribute("type", "text"));
    await submit(editor, button(editor, "Add author"));
    await expectAlert(editor, "Not saved: see the fields marked below.");
    await expectNoViolations(editor, "authors with an error");
    await field(editor, "Website").fill("");
    await submit(editor, button(editor, "Add author"));
    await expectStatus(editor, "Saved.");
    await expectNoViolations(editor, "an author's profile");

    await editor.goto(`${desk.base}/desk/sections`);
    await expectHeading(editor, "Sections");
    await expectNoViolations(editor, "sections");
  });
});

describe("redirects", () => {
  it("have no axe violations, listed, added and refused", async () => {
    await editor.goto(`${desk.base}/desk/redirects`);
    await expectHeading(editor, "Redirects");
    await expectNoViolations(editor, "redirects, none yet");
    await editor.getByLabel("From", { exact: true }).fill("/2019/03/old-post/");
    await editor.getByLabel("To", { exact: true }).fill("/articles/bridge-repairs-start-on-monday");
    await submit(editor, button(editor, "Add redirect"));
    await expectStatus(editor, "Redirect saved.");
    await expectNoViolations(editor, "redirects, one listed");
    await editor.getByLabel("From", { exact: true }).fill("/x");
    await editor.getByLabel("To", { exact: true }).fill("javascript:alert(1)");
    await submit(editor, button(editor, "Add redirect"));
    await expectAlert(editor, "Not saved");
    await expectNoViolations(editor, "redirects with a refusal");
  });
});

describe("readers' search passes axe", () => {
  it("in the header of an article, on a page of results, and on a page with none", async () => {
    const reader = await desk.newPage();
    await reader.goto(`${desk.base}/articles/bridge-repairs-start-on-monday`);
    await reader.getByRole("search").getByLabel("Search", { exact: true }).waitFor();
    await expectNoViolations(reader, "an article with the header's search box");

    // The header's box submits to /search; publishing reaches the index a moment after the desk answers.
    await reader.getByRole("search").getByLabel("Search", { exact: true }).fill("bridge");
    await reader.getByRole("search").getByRole("button", { name: "Go" }).click();
    await expect
      .poll(
        async () => {
          await reader.reload();
          return reader.locator("main mark").count();
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await expectNoViolations(reader, "search results");

    await reader.goto(`${desk.base}/search?q=brigde`);
    await reader.getByText("No articles match").waitFor();
    await expectNoViolations(reader, "a search with no results");
  });
});

describe("at 320 CSS pixels wide (WCAG 1.4.10, reflow)", () => {
  it("every desk page fits without scrolling sideways, the editor's toolbar included", async () => {
    const narrow = await desk.signedInPage();
    await narrow.setViewportSize({ width: 320, height: 800 });
    const slug = "bridge-repairs-start-on-monday";
    const paths = ["/desk", "/desk?status=trash", "/desk/new", `/desk/articles/${slug}`, `/desk/articles/${slug}/history`];
    for (const path of [...paths, "/desk/authors", "/desk/sections", "/desk/redirects"]) {
      await narrow.goto(`${desk.base}${path}`);
      await narrow.locator("h1").waitFor();
      // The editor's script has built the Markdown editor by the time its toolbar is there.
      if (path.includes("/new") || path.endsWith(slug)) await narrow.locator(".overtype-toolbar").waitFor();
      const width = Number(await narrow.evaluate("document.documentElement.scrollWidth"));
      expect.soft(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(320);
    }
  });
});
