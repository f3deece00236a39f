/**
 * Images uploaded here, on article pages: the lead image carries its stored width and height, so
 * the page does not shift as it loads. Real R2, D1 and KV, through the whole Worker.
 */
import { describe, expect, it } from "vitest";
import { PNG_3X2 } from "../support/png-bytes";
import { publish, request, uploadImage } from "./helpers";

describe("uploaded images on article pages", () => {
  it("give the lead image its width and height, and serve it from /media", async () => {
    const image = await uploadImage(PNG_3X2, "A grey rectangle");
    expect(image).toMatchObject({ width: 3, height: 2 });
    await publish("illustrated", { title: "Illustrated", image: { url: image.url, alt: "A grey rectangle" } });
    const page = await (await request("/articles/illustrated")).text();
    expect(page).toMatch(
      new RegExp(`<img src="https://news\\.example${image.url}" alt="A grey rectangle" width="3" height="2"/>`),
    );
    const served = await request(image.url);
    expect(served.status).toBe(200);
    expect(served.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
  });

  it("leave an image from elsewhere without a size", async () => {
    await publish("elsewhere", { image: { url: "https://images.example/a.jpg", alt: "Somewhere else" } });
    const page = await (await request("/articles/elsewhere")).text();
    expect(page).toContain('<img src="https://images.example/a.jpg" alt="Somewhere else"/>');
  });
});
