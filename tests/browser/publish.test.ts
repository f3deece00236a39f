/**
 * The editor's main path, in a real browser against the real Worker: sign in, write with the live
 * preview, upload a lead image (and be refused without alt text), schedule, publish, and read the
 * article on the public site.
 */
import { describe, expect, it } from "vitest";
import { makePng } from "../support/png";
import {
  bodyField,
  button,
  description,
  expectAlert,
  expectHeading,
  expectStatus,
  field,
  fillArticle,
  future,
  PAST,
  save,
} from "./support/desk";
import { SOON, useDesk } from "./support/desk-fixture";
import { screenshot } from "./support/screenshots";
import { eventually } from "./support/worker";

const desk = useDesk();

const TITLE = "Harbour lights return to the quay";
const SLUG = "harbour-lights-return-to-the-quay";
const HEADING = "Lanterns along the water";
const PARAGRAPH = "The ferry crews strung the first lanterns at dusk.";
const ALT = "Paper lanterns strung along the quay at dusk";
const IMAGE = { width: 120, height: 60 };

describe("writing and publishing an article in the desk", () => {
  it("goes from sign-in to the public page", async () => {
    const page = await desk.signedInPage();
    const base = desk.base;

    // Write: the slug follows the title, and the preview follows the body as it is typed.
    await page.getByRole("navigation", { name: "Desk" }).getByRole("link", { name: "New article" }).click();
    await expectHeading(page, "New article");
    expect(await field(page, "Draft").isChecked()).toBe(true);
    await field(page, "Title").pressSequentially(TITLE);
    await expect.poll(() => field(page, "Slug").inputValue(), SOON).toBe(SLUG);
    await fillArticle(page, { section: "Newsroom", tags: "harbour, evening", summary: "The lanterns are back." });
    await bodyField(page).focus();
    await page.keyboard.type(`## ${HEADING}\n\n${PARAGRAPH}`);
    const preview = page.getByTitle("Preview", { exact: true }).contentFrame();
    await preview.getByRole("heading", { name: HEADING }).waitFor();
    await preview.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    expect(await preview.getByText(PARAGRAPH).count()).toBe(1);

    // The publication time is read in the site's time zone, and the hint says which.
    expect(await description(field(page, "Publication time"))).toContain("UTC");

    // Upload: refused without alt text (and nothing is sent), accepted with it.
    const uploads: string[] = [];
    page.on("request", (request) => {
      const type = request.headers()["content-type"] ?? "";
      if (request.method() === "POST" && !request.isNavigationRequest() && type.startsWith("multipart/form-data"))
        uploads.push(request.url());
    });
    await field(page, "Upload an image").setInputFiles({
      name: "lanterns.png",
      mimeType: "image/png",
      buffer: makePng(IMAGE.width, IMAGE.height),
    });
    await field(page, "Alt text").fill("");
    await button(page, "Upload").click();
    await expectAlert(page, "Alt text is required");
    expect(uploads).toEqual([]);
    expect(await field(page, "Image URL").inputValue()).toBe("");

    await field(page, "Alt text").fill(ALT);
    await button(page, "Upload").click();
    await expect.poll(() => field(page, "Image URL").inputValue(), SOON).toMatch(/^\/media\/[\w-]+\.png$/);
    expect(uploads).toHaveLength(1);
    const imageUrl = await field(page, "Image URL").inputValue();

    // Schedule: a future time, not a draft.
    await fillArticle(page, { published: future(30), draft: false });
    await save(page);
    expect(new URL(page.url()).pathname).toBe(`/desk/articles/${SLUG}`);
    await expectHeading(page, `Edit “${TITLE}”`);
    await expectStatus(page, /Scheduled for /);
    expect((await eventually(`${base}/articles/${SLUG}`, 404)).status).toBe(404);

    // Publish: a time in the past.
    await fillArticle(page, { published: PAST });
    await save(page);
    await expectStatus(page, "Published.");
    const view = (await expectStatus(page, "Published.")).getByRole("link", { name: "View on the site" });
    expect(new URL((await view.getAttribute("href")) ?? "", base).pathname).toBe(`/articles/${SLUG}`);
    await page.getByTitle("Preview", { exact: true }).contentFrame().getByRole("heading", { name: HEADING }).waitFor();
    await screenshot(page, "desk-editor");

    // Read it as a reader: title, body, and the image with its size.
    expect((await eventually(`${base}/articles/${SLUG}`, 200)).status).toBe(200);
    const reader = await desk.newPage();
    const response = await reader.goto(`${base}/articles/${SLUG}`);
    expect(response?.status()).toBe(200);
    await expectHeading(reader, TITLE);
    await reader.getByRole("heading", { name: HEADING }).waitFor();
    expect(await reader.getByText(PARAGRAPH).count()).toBe(1);
    const image = reader.getByRole("img", { name: ALT });
    expect(await image.getAttribute("width")).toBe(String(IMAGE.width));
    expect(await image.getAttribute("height")).toBe(String(IMAGE.height));
    expect(new URL((await image.getAttribute("src")) ?? "", base).pathname).toBe(imageUrl);
    // It really loads: the browser decoded an image of that size.
    await expect
      .poll(() => image.evaluate((img) => [(img as unknown as { naturalWidth: number }).naturalWidth]), SOON)
      .toEqual([IMAGE.width]);
    await screenshot(reader, "public-article");

    // The home page lists it.
    await reader.goto(`${base}/`);
    await reader.getByRole("link", { name: TITLE }).first().waitFor();
    await screenshot(reader, "public-home");

    expect(desk.errors).toEqual([]);
  });
});
