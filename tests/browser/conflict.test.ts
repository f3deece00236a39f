/**
 * Two editors in two browsers save the same article. The second save is stopped with a conflict
 * page that shows both versions and saves nothing until the editor chooses; "Keep my version" then
 * saves theirs over it explicitly, and the history keeps both.
 */
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
  submit,
} from "./support/desk";
import { useDesk } from "./support/desk-fixture";
import { EDITORS } from "./support/worker";

const desk = useDesk();

const ORIGINAL = "High water at six.";
const THEIRS = "High water at six. Low water just after noon.";
const MINE = "High water at seven, says the harbour master.";

describe("two editors saving the same article", () => {
  it("stops the second save with both versions, and keeps mine only when asked", async () => {
    const { base } = desk;
    const ana = await desk.signedInPage(EDITORS.ana);
    const bo = await desk.signedInPage(EDITORS.bo);
    const slug = await createArticle(ana, base, { title: "Tide tables", section: "Newsroom", published: PAST, body: ORIGINAL });

    // Both open the same version.
    await openEditor(ana, base, slug);
    await openEditor(bo, base, slug);

    await replaceBody(ana, THEIRS);
    await save(ana);

    // Bo's form still holds the version from before Ana's save.
    await replaceBody(bo, MINE);
    const conflict = await submit(bo, button(bo, "Save"));
    expect([409, 412]).toContain(conflict.status());
    await expectHeading(bo, "This article changed while you were editing");
    const main = bo.getByRole("main");
    await main.getByText("Their version", { exact: true }).first().waitFor();
    await main.getByText("Your version", { exact: true }).first().waitFor();
    const shown = (await main.textContent()) ?? "";
    expect(shown).toContain("Low water just after noon.");
    expect(shown).toContain("says the harbour master.");
    expect(await main.locator("ins, del, table").count()).toBeGreaterThan(0);
    expect(await bo.getByRole("link", { name: "Discard mine and edit theirs" }).count()).toBe(1);

    // Nothing is saved until Bo chooses.
    expect(await serverBody(base, slug)).toBe(THEIRS);

    await submit(bo, button(bo, "Keep my version"));
    await expectStatus(bo, "Saved.");
    expect((await bodyField(bo).inputValue()).trimEnd()).toBe(MINE);
    expect(await serverBody(base, slug)).toBe(MINE);

    // The history has Ana's save and Bo's, after the first one.
    await bo.getByRole("link", { name: "History", exact: true }).click();
    await expectHeading(bo, "History of “Tide tables”");
    const rows = bo.getByRole("row").filter({ has: bo.getByRole("radio") });
    expect(await rows.count()).toBe(3);
    expect(await rows.filter({ has: bo.getByRole("cell", { name: /^ana,/ }) }).count()).toBeGreaterThanOrEqual(2);
    expect(await rows.filter({ has: bo.getByRole("cell", { name: /^bo,/ }) }).count()).toBeGreaterThanOrEqual(1);

    expect(desk.errors).toEqual([]);
  });

  it("lets the editor discard theirs and edit the other version instead", async () => {
    const { base } = desk;
    const ana = await desk.signedInPage(EDITORS.ana);
    const bo = await desk.signedInPage(EDITORS.bo);
    const slug = await createArticle(ana, base, {
      title: "Ferry timetable",
      section: "Newsroom",
      published: PAST,
      body: ORIGINAL,
    });
    await openEditor(bo, base, slug);
    await replaceBody(ana, THEIRS);
    await save(ana);

    await replaceBody(bo, MINE);
    expect([409, 412]).toContain((await submit(bo, button(bo, "Save"))).status());
    await bo.getByRole("link", { name: "Discard mine and edit theirs" }).click();
    await expectHeading(bo, "Edit “Ferry timetable”");
    expect((await bodyField(bo).inputValue()).trimEnd()).toBe(THEIRS);
    expect(await serverBody(base, slug)).toBe(THEIRS);
  });
});
