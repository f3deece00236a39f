/**
 * A live article in a reader's browser, against the real Worker under `wrangler dev`: the optional
 * script offers "N new updates" after an update is added (the page's clock is Playwright's, moved
 * by hand: no 30 s wait), the text does not move until the reader asks, the page reads the same
 * with scripts off, and axe finds no violations.
 */
import { expect, it } from "vitest";
import { axeViolations } from "./support/axe";
import { newContext } from "./support/chromium";
import { button, expectStatus, field, submit } from "./support/desk";
import { SOON, useDesk } from "./support/desk-fixture";
import { EDITORS, eventually } from "./support/worker";

const desk = useDesk();
const SLUG = "storm-live";

async function api(path: string, method: "PUT" | "POST", body: unknown): Promise<Response> {
  const response = await fetch(`${desk.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${EDITORS.ana}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** Posts an update and waits until the JSON document the script reads lists it. */
async function postUpdate(body: string, headline?: string): Promise<string> {
  const response = await api(`/api/articles/${SLUG}/updates`, "POST", { body, ...(headline ? { headline } : {}) });
  const { id } = (await response.json()) as { id: string };
  await expect
    .poll(async () => (await (await fetch(`${desk.base}/articles/${SLUG}/live.json`)).text()).includes(id), SOON)
    .toBe(true);
  return id;
}

it("offers new updates without moving the text, reads the same without scripts, and passes axe", async () => {
  await api(`/api/articles/${SLUG}`, "PUT", {
    title: "Storm Elin: live",
    published: new Date(Date.now() - 3_600_000).toISOString(),
    category: "Weather",
    live: true,
    body: "The storm reaches the coast tonight.",
  });
  await eventually(`${desk.base}/articles/${SLUG}`, 200);
  const first = await postUpdate("Winds of 90 km/h at the harbour.", "Gusts at the harbour");

  const page = await desk.newPage();
  await page.clock.install();
  await page.goto(`${desk.base}/articles/${SLUG}`);
  await expect.poll(() => page.locator(`#update-${first}`).count(), SOON).toBe(1);
  expect(await page.getByText("Live", { exact: true }).count()).toBe(1);
  expect(await page.getByRole("button", { name: /new update/ }).count()).toBe(0);
  expect(desk.errors).toEqual([]);
  expect(await axeViolations(page), "axe on a live page").toEqual([]);

  // Without scripts, the same text.
  const noScript = await (await newContext(desk.browser, { javaScriptEnabled: false })).newPage();
  await noScript.goto(`${desk.base}/articles/${SLUG}`);
  expect(await noScript.locator("main").textContent()).toBe(await page.locator("main").textContent());

  const second = await postUpdate("The ferry is cancelled.");
  const before = await page.locator("main").textContent();
  await page.clock.fastForward(30_000);
  const offer = page.getByRole("button", { name: "1 new update" });
  await expect.poll(() => offer.count(), SOON).toBe(1);
  // The offer is all that changed: no update was inserted under the reader's eyes.
  expect(await page.locator("ol.updates > li").count()).toBe(1);
  expect((await page.locator("main").textContent())?.replace("1 new update", "")).toBe(before);
  expect(await axeViolations(page), "axe with the offer shown").toEqual([]);

  await offer.click();
  await expect.poll(() => page.locator(`#update-${second}`).count(), SOON).toBe(1);
  expect(await page.locator("ol.updates > li").first().getAttribute("id")).toBe(`update-${second}`);
  expect(desk.errors).toEqual([]);
});

it("posts an update from the short form beside the article in the desk, which passes axe", async () => {
  const editor = await desk.signedInPage();
  await editor.goto(`${desk.base}/desk/articles/${SLUG}`);
  expect(await axeViolations(editor), "axe on a live article's editor").toEqual([]);
  await field(editor, "Headline (optional)").fill("Roads closed");
  await field(editor, "Update").fill("The coast road is closed until morning.");
  await submit(editor, button(editor, "Post update"));
  await expectStatus(editor, "Update posted.");
  expect(await axeViolations(editor), "axe after posting").toEqual([]);
  await expect
    .poll(async () => (await (await fetch(`${desk.base}/articles/${SLUG}`)).text()).includes("Roads closed"), SOON)
    .toBe(true);
  expect(desk.errors).toEqual([]);
});
