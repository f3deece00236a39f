/**
 * A reader subscribes by email in a browser with scripts off, against the real Workers under
 * `wrangler dev` with MAIL_CAPTURE=1 (.dev.vars.example): the form at the end of an article's page,
 * "check your inbox", the confirmation link from the captured email (a page whose button POSTs),
 * the next article's alert, and the alert's unsubscribe link (a page whose button POSTs). Each step
 * is a plain form: no script on any of these pages.
 */
import { expect, it } from "vitest";
import { newContext } from "./support/chromium";
import { button, expectHeading } from "./support/desk";
import { SOON, useDesk } from "./support/desk-fixture";
import { EDITORS, eventually } from "./support/worker";

const desk = useDesk();
const READER = "reader@example.org";
const AUTH = { Authorization: `Bearer ${EDITORS.ana}` };

interface Captured {
  subject: string;
  headers: Record<string, string>;
  text: string;
}

async function publish(slug: string, title: string): Promise<void> {
  const response = await fetch(`${desk.base}/api/articles/${slug}`, {
    method: "PUT",
    headers: { ...AUTH, "Content-Type": "application/json" },
    body: JSON.stringify({ title, published: new Date(Date.now() - 60_000).toISOString(), category: "World", body: "Text." }),
  });
  if (!response.ok) throw new Error(`PUT ${slug} answered ${response.status}: ${await response.text()}`);
  await eventually(`${desk.base}/articles/${slug}`, 200);
}

/** The reader's captured mail, newest first (GET /api/mail). */
async function inbox(): Promise<Captured[]> {
  const response = await fetch(`${desk.base}/api/mail?to=${encodeURIComponent(READER)}&limit=20`, { headers: AUTH });
  if (!response.ok) throw new Error(`GET /api/mail answered ${response.status}`);
  return ((await response.json()) as { mail: Captured[] }).mail;
}

/** The newest captured email whose subject matches, once it has arrived. */
async function arrived(subject: RegExp): Promise<Captured> {
  await expect.poll(async () => (await inbox()).some((m) => subject.test(m.subject)), SOON).toBe(true);
  const mail = (await inbox()).find((m) => subject.test(m.subject));
  if (!mail) throw new Error(`no email matching ${subject}`);
  return mail;
}

it("subscribes from an article's page, confirms from the email's link, and unsubscribes from the alert's", async () => {
  await publish("harbour", "The harbour reopens");
  const context = await newContext(desk.browser, { javaScriptEnabled: false });
  const page = await context.newPage();

  // The form at the end of the article: its section, by email, each article.
  await page.goto(`${desk.base}/articles/harbour`);
  await page.getByLabel(/Get the world section by email/i).fill(READER);
  await page.getByLabel("How often").selectOption("alerts");
  await button(page, "Subscribe").click();
  await expectHeading(page, "Check your inbox");
  expect(await inbox()).toHaveLength(1);

  // The link in the email shows a page; only its button confirms.
  const confirmation = await arrived(/^Confirm your subscription/);
  const confirmLink = /https?:\/\/\S+\/subscribe\/confirm\?t=[A-Za-z0-9_.-]+/.exec(confirmation.text)?.[0];
  expect(confirmLink).toBeDefined();
  await page.goto(confirmLink ?? "");
  await expectHeading(page, "Confirm your subscription");
  await button(page, "Confirm").click();
  await expectHeading(page, "You are subscribed");
  // The same link again: used.
  const again = await page.goto(confirmLink ?? "");
  expect(again?.status()).toBe(410);

  // The next article in the section arrives, with RFC 8058's headers.
  await publish("tides", "Tides at a record");
  const alert = await arrived(/^Tides at a record$/);
  expect(alert.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  const unsubscribeLink = /^<(.+)>$/.exec(alert.headers["List-Unsubscribe"] ?? "")?.[1];
  expect(unsubscribeLink).toMatch(/\/unsubscribe\?t=/);

  // Its unsubscribe link: a page with a button, which leaves.
  await page.goto(unsubscribeLink ?? "");
  await expectHeading(page, "Unsubscribe");
  await button(page, "Unsubscribe").click();
  await expectHeading(page, "You are unsubscribed");
  const held = await fetch(`${desk.base}/api/subscribers/${encodeURIComponent(READER)}`, { headers: AUTH });
  expect(((await held.json()) as { subscriptions: unknown[] }).subscriptions).toEqual([]);

  // And the next article is not sent: no send is stored for a list no one receives.
  await publish("ferries", "Ferries resume");
  const sends = await fetch(`${desk.base}/api/newsletters`, { headers: AUTH });
  const subjects = ((await sends.json()) as { sends: Array<{ subject: string }> }).sends.map((s) => s.subject);
  expect(subjects).toContain("Tides at a record");
  expect(subjects).not.toContain("Ferries resume");
  expect((await inbox()).map((m) => m.subject)).not.toContain("Ferries resume");
  await context.close();
});
