/**
 * The newsroom's people, in a real browser against the real Worker: an admin invites a freelancer
 * and an editor from the People page; each signs in from their invitation link; the freelancer
 * writes a draft and submits it; the editor finds it under "For review", approves that version and
 * publishes it; a reader sees it. Nothing here is reached through the API.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { button, createArticle, expectAlert, expectHeading, expectStatus, fillArticle, PAST, save, submit } from "./support/desk";
import { useDesk } from "./support/desk-fixture";
import { eventually } from "./support/worker";

const desk = useDesk();

const TITLE = "Night ferry timetable restored";
const SLUG = "night-ferry-timetable-restored";
const PARAGRAPH = "The last crossing leaves at eleven again.";

/** Invites someone from the People page as the signed-in admin, and returns the link shown once. */
async function invite(admin: Page, person: { name: string; email: string; role: string }): Promise<string> {
  await admin.goto(`${desk.base}/desk/people`);
  await expectHeading(admin, "People");
  const form = admin.locator("form", { has: button(admin, "Invite") });
  await form.getByLabel("Name").fill(person.name);
  await form.getByLabel("Email").fill(person.email);
  await form.getByLabel("Role").selectOption(person.role);
  const response = await submit(admin, button(admin, "Invite"));
  expect(response.status()).toBe(201);
  await expectStatus(admin, `Added ${person.name}.`);
  const link = await admin.getByLabel("Invitation link").inputValue();
  expect(new URL(link).origin).toBe(desk.base);
  return link;
}

/** Opens an invitation link in a fresh browser and presses its button; answers the signed-in page. */
async function acceptInvitation(link: string, name: string): Promise<Page> {
  const page = await desk.newPage();
  await page.goto(link);
  await expectHeading(page, `Welcome, ${name}`);
  await Promise.all([page.waitForURL(`${desk.base}/desk`), button(page, "Sign in to the desk").click()]);
  await expectHeading(page, "Articles");
  await page.getByText(name, { exact: true }).first().waitFor();
  return page;
}

describe("from an invitation to a published article", () => {
  it("an admin invites, the invitee signs in from the link and submits a draft, an editor approves and publishes", async () => {
    const admin = await desk.signedInPage();
    const writerLink = await invite(admin, { name: "Cleo Park", email: "cleo@news.example", role: "contributor" });
    const editorLink = await invite(admin, { name: "Dev Rao", email: "dev@news.example", role: "editor" });

    // The freelancer: signs in from the link, writes a draft and submits it.
    const writer = await acceptInvitation(writerLink, "Cleo Park");
    // The link worked once: opened again, it says so and signs no one in.
    const reused = await (await desk.newPage()).goto(writerLink);
    expect(reused?.status()).toBe(410);
    const slug = await createArticle(writer, desk.base, {
      title: TITLE,
      slug: SLUG,
      section: "Harbour",
      published: PAST,
      body: PARAGRAPH,
    });
    expect(slug).toBe(SLUG);
    await submit(writer, button(writer, "Submit for review"));
    await expectStatus(writer, "Submitted for review.");
    expect(await button(writer, "Approve this version").count()).toBe(0);
    // A contributor cannot publish: the save is refused and the article stays a draft.
    await fillArticle(writer, { published: PAST, draft: false });
    const refused = await submit(writer, button(writer, "Save"));
    expect(refused.status()).toBe(403);
    await expectAlert(writer, "your role can save drafts only");
    expect((await eventually(`${desk.base}/articles/${SLUG}`, 404)).status).toBe(404);

    // The editor: finds it under "For review", approves this version, then publishes it.
    const editor = await acceptInvitation(editorLink, "Dev Rao");
    await editor.goto(`${desk.base}/desk/review`);
    await editor.getByRole("link", { name: TITLE }).click();
    await expectHeading(editor, `Edit “${TITLE}”`);
    await submit(editor, button(editor, "Approve this version"));
    await expectStatus(editor, "Approved: ready to publish.");
    await fillArticle(editor, { draft: false });
    await save(editor);
    await expectStatus(editor, "Published.");

    // A reader sees it, and the audit log (the admin's) names who did what.
    const page = await eventually(`${desk.base}/articles/${SLUG}`, 200);
    expect(await page.text()).toContain(PARAGRAPH);
    await admin.goto(`${desk.base}/desk/audit?article=${SLUG}`);
    await expectHeading(admin, "Audit log");
    for (const [action, who] of [
      ["submitted", "Cleo Park"],
      ["approved", "Dev Rao"],
    ]) {
      const row = admin.getByRole("row").filter({ hasText: action });
      expect(await row.count(), action).toBe(1);
      expect(await row.textContent(), action).toContain(who);
    }
    expect(desk.errors).toEqual([]);
  });
});
