/**
 * The editor's unsaved work survives a closed tab: the script keeps a copy in localStorage while
 * the editor types, and reopening the editor offers it back.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  bodyField,
  button,
  createArticle,
  expectHeading,
  expectStatus,
  openEditor,
  PAST,
  replaceBody,
  save,
  serverBody,
  signIn,
  submit,
} from "./support/desk";
import { SOON, useDesk } from "./support/desk-fixture";
import { EDITORS } from "./support/worker";

const desk = useDesk();

const SAVED = "The library opens late on Thursdays.";
const UNSAVED = " From March it also opens on Sunday mornings.";

interface WebStorage {
  length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

/**
 * Whether any localStorage entry in the page holds `text`: the autosaved copy, whatever its key.
 * A function, not a string: the desk's CSP forbids the eval a string predicate would need.
 */
function storedCopyHolds(page: Page, text: string): Promise<boolean> {
  return page.evaluate((wanted) => {
    const storage = (globalThis as unknown as { localStorage: WebStorage }).localStorage;
    for (let i = 0; i < storage.length; i++) {
      if ((storage.getItem(storage.key(i) ?? "") ?? "").includes(wanted)) return true;
    }
    return false;
  }, text);
}

describe("autosave", () => {
  it("restores text typed and never saved after the page is closed, and can discard it", async () => {
    const { base } = desk;
    const page = await desk.signedInPage();
    const slug = await createArticle(page, base, { title: "Library hours", section: "Newsroom", published: PAST, body: SAVED });
    const context = page.context();

    await typeUnsaved(page, base, slug);
    await page.close();

    // The server never saw it.
    expect(await serverBody(base, slug)).toBe(SAVED);

    const again = await context.newPage();
    await openEditor(again, base, slug);
    await expectStatus(again, /^Restored your unsaved changes from .+\./);
    await expect.poll(() => bodyField(again).inputValue(), SOON).toContain(UNSAVED.trim());
    expect((await bodyField(again).inputValue()).startsWith(SAVED)).toBe(true);

    // "Discard them" goes back to the saved text and forgets the copy.
    await button(again, "Discard them").click();
    await expect.poll(async () => (await bodyField(again).inputValue()).trimEnd(), SOON).toBe(SAVED);
    expect(await storedCopyHolds(again, "Sunday mornings")).toBe(false);
    await again.reload();
    expect(await again.getByRole("status").filter({ hasText: "Restored your unsaved changes" }).count()).toBe(0);
    expect((await bodyField(again).inputValue()).trimEnd()).toBe(SAVED);
  });
});

describe("Ctrl+S", () => {
  it("saves the article, as in any editor, and the saved copy is no longer offered back", async () => {
    const { base } = desk;
    const page = await desk.signedInPage();
    const slug = await createArticle(page, base, { title: "Pool timetable", section: "Newsroom", published: PAST, body: SAVED });
    await openEditor(page, base, slug);
    await bodyField(page).focus();
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.type(UNSAVED);
    await Promise.all([page.waitForURL(/n=saved/), page.keyboard.press("Control+s")]);
    await expectStatus(page, "Saved.");
    expect(await serverBody(base, slug)).toContain(UNSAVED.trim());
    expect(await storedCopyHolds(page, "Sunday mornings")).toBe(false);
  });
});

describe("an unsaved copy that someone else's save has overtaken", () => {
  it("is restored with a warning, and saving it shows both versions instead of replacing theirs", async () => {
    const { base } = desk;
    const ana = await desk.signedInPage(EDITORS.ana);
    const slug = await createArticle(ana, base, { title: "Ferry fares", section: "Newsroom", published: PAST, body: SAVED });
    const context = ana.context();
    await typeUnsaved(ana, base, slug);
    await ana.close();

    // Bo saves a new version meanwhile.
    const bo = await desk.signedInPage(EDITORS.bo);
    await openEditor(bo, base, slug);
    await replaceBody(bo, "Fares rise in April.");
    await save(bo);

    const again = await context.newPage();
    await openEditor(again, base, slug);
    await expectStatus(again, /saved by someone else since/);
    expect(await bodyField(again).inputValue()).toContain(UNSAVED.trim());
    const response = await submit(again, button(again, "Save"));
    expect([409, 412]).toContain(response.status());
    await expectHeading(again, "This article changed while you were editing");
    expect(await serverBody(base, slug)).toBe("Fares rise in April.");

    // Choosing theirs forgets the copy: the editor is not offered it again.
    await Promise.all([again.waitForURL(/discard=/), again.getByRole("link", { name: "Discard mine and edit theirs" }).click()]);
    await expect.poll(() => bodyField(again).inputValue(), SOON).toContain("Fares rise in April.");
    expect(await again.getByRole("status").filter({ hasText: "Restored" }).count()).toBe(0);
    expect(await storedCopyHolds(again, "Sunday mornings")).toBe(false);
  });

  it("is never offered to another editor at the same browser", async () => {
    const { base } = desk;
    const ana = await desk.signedInPage(EDITORS.ana);
    const slug = await createArticle(ana, base, { title: "Harbour fees", section: "Newsroom", published: PAST, body: SAVED });
    await typeUnsaved(ana, base, slug);
    // Ana's session ends without a sign-out (it expired); Bo signs in at the same browser and opens
    // the same article: Ana's copy stays hers.
    await ana.context().clearCookies();
    const bo = await ana.context().newPage();
    await signIn(bo, base, EDITORS.bo);
    await openEditor(bo, base, slug);
    expect(await bodyField(bo).inputValue()).not.toContain(UNSAVED.trim());
    expect(await bo.getByRole("status").filter({ hasText: "Restored" }).count()).toBe(0);
  });

  it("is forgotten when its editor signs out, after they are asked", async () => {
    const { base } = desk;
    const ana = await desk.signedInPage(EDITORS.ana);
    const slug = await createArticle(ana, base, { title: "Quay lights", section: "Newsroom", published: PAST, body: SAVED });
    await typeUnsaved(ana, base, slug);
    const asked: string[] = [];
    ana.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await submit(ana, button(ana, "Sign out"));
    await expectStatus(ana, "Signed out.");
    expect(asked).toEqual(["You have unsaved changes to an article in this browser. Sign out and discard them?"]);
    expect(await storedCopyHolds(ana, "Sunday mornings")).toBe(false);
  });
});

/** Opens the editor, types past the saved text, and waits for the copy in localStorage. */
async function typeUnsaved(page: Page, base: string, slug: string): Promise<void> {
  await openEditor(page, base, slug);
  await bodyField(page).focus();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type(UNSAVED);
  await expect.poll(() => storedCopyHolds(page, "Sunday mornings"), SOON).toBe(true);
}
