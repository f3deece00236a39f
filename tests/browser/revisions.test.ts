/**
 * What an editor can undo: restoring an earlier revision from the history (after comparing two),
 * renaming an article (its old address then redirects), and moving it to the trash and back.
 */
import { describe, expect, it } from "vitest";
import {
  bodyField,
  button,
  createArticle,
  expectHeading,
  expectStatus,
  field,
  openEditor,
  PAST,
  replaceBody,
  save,
  submit,
} from "./support/desk";
import { useDesk } from "./support/desk-fixture";
import { eventually } from "./support/worker";

const desk = useDesk();

describe("the history", () => {
  it("compares two revisions and restores the first one", async () => {
    const { base } = desk;
    const page = await desk.signedInPage();
    const slug = await createArticle(page, base, {
      title: "Bridge repairs",
      section: "Newsroom",
      published: PAST,
      body: "The bridge closes on Monday.",
    });
    await replaceBody(page, "The bridge closes on Thursday instead.");
    await save(page);

    await page.getByRole("link", { name: "History", exact: true }).click();
    await expectHeading(page, "History of “Bridge repairs”");
    const rows = page.getByRole("row").filter({ has: page.getByRole("radio") });
    expect(await rows.count()).toBe(2);

    // Compare the two: the diff shows what went and what came.
    const fromRadios = page.getByRole("radio", { name: /^From revision \d+$/ });
    const toRadios = page.getByRole("radio", { name: /^To revision \d+$/ });
    expect(await fromRadios.count()).toBe(2);
    expect(await toRadios.count()).toBe(2);
    // The first revision is the oldest row: its number names it in the Restore button's label.
    const firstNumber = ((await fromRadios.last().getAttribute("aria-label")) ?? "").replace(/\D+/g, "");
    expect(firstNumber).toMatch(/^\d+$/);
    await fromRadios.last().check();
    await toRadios.first().check();
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    await page.waitForLoadState("load");
    const diff = page.locator("main ins, main del");
    await diff.first().waitFor();
    const changed = (await diff.allTextContents()).join(" ");
    expect(changed).toContain("Monday");
    expect(changed).toContain("Thursday");

    // Restore the revision that still says Monday.
    await submit(page, page.getByRole("button", { name: `Restore revision ${firstNumber}`, exact: true }));
    await expectStatus(page, `Restored revision ${firstNumber}.`);
    await openEditor(page, base, slug);
    expect((await bodyField(page).inputValue()).trimEnd()).toBe("The bridge closes on Monday.");
    // Restoring is itself a change, so the history grows rather than forgets.
    await page.goto(`${base}/desk/articles/${slug}/history`);
    expect(
      await page
        .getByRole("row")
        .filter({ has: page.getByRole("radio") })
        .count(),
    ).toBe(3);
  });
});

describe("renaming", () => {
  it("moves the article to its new slug, and the old address answers 301", async () => {
    const { base } = desk;
    const page = await desk.signedInPage();
    const slug = await createArticle(page, base, {
      title: "Market day moves",
      slug: "market-day",
      section: "Newsroom",
      published: PAST,
      draft: false,
      body: "Stalls open at eight.",
    });
    expect(slug).toBe("market-day");
    expect((await eventually(`${base}/articles/market-day`, 200)).status).toBe(200);

    await field(page, "New slug").fill("market-day-moves");
    await submit(page, button(page, "Rename"));
    await expectStatus(page, "Renamed. /articles/market-day now redirects (301) to /articles/market-day-moves.");
    expect(new URL(page.url()).pathname).toBe("/desk/articles/market-day-moves");

    const old = await eventually(`${base}/articles/market-day`, 301, { redirect: "manual" });
    expect(old.status).toBe(301);
    expect(new URL(old.headers.get("Location") ?? "", base).pathname).toBe("/articles/market-day-moves");
    expect((await eventually(`${base}/articles/market-day-moves`, 200)).status).toBe(200);
  });
});

describe("the trash", () => {
  it("moves an article to the trash and restores it from there", async () => {
    const { base } = desk;
    const page = await desk.signedInPage();
    const slug = await createArticle(page, base, {
      title: "Lost umbrella found",
      section: "Newsroom",
      published: PAST,
      draft: false,
      body: "A blue umbrella waits at the library.",
    });
    expect((await eventually(`${base}/articles/${slug}`, 200)).status).toBe(200);

    await submit(page, button(page, "Move to trash"));
    expect(new URL(page.url()).pathname).toBe("/desk");
    await expectStatus(page, "Moved “Lost umbrella found” to the trash.");
    // Gone (410) or not found (404): either way, not the article.
    expect([404, 410]).toContain((await eventually(`${base}/articles/${slug}`, [404, 410])).status);

    // Not in the list of live articles; in the trash, with a Restore button.
    await page.goto(`${base}/desk`);
    expect(await page.getByRole("link", { name: "Lost umbrella found" }).count()).toBe(0);
    await page.getByRole("navigation", { name: "Desk" }).getByRole("link", { name: "Trash" }).click();
    const row = page.getByRole("row").filter({ hasText: "Lost umbrella found" });
    await row.waitFor();
    await submit(page, row.getByRole("button", { name: "Restore" }));
    await expectStatus(page, "Restored “Lost umbrella found”.");

    await page.goto(`${base}/desk`);
    await page.getByRole("link", { name: "Lost umbrella found" }).waitFor();
    expect((await eventually(`${base}/articles/${slug}`, 200)).status).toBe(200);
  });
});
