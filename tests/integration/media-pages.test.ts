/**
 * Images uploaded here, on article pages: the lead image carries its stored width and height, so
 * the page does not shift as it loads. Real R2, D1 and KV, through the whole Worker.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { publish, request, TOKEN } from "./helpers";

/** A 3×2 grey PNG, byte by byte. */
const PNG_3X2 = new Uint8Array(
  "89504e470d0a1a0a0000000d4948445200000003000000020800000000b81f39c60000000b49444154789c636080000000080001b75873950000000049454e44ae426082"
    .match(/../g)
    ?.map((pair) => Number.parseInt(pair, 16)) ?? [],
);

beforeEach(async () => {
  const listed = await env.MEDIA.list();
  await Promise.all(listed.objects.map((object) => env.MEDIA.delete(object.key)));
});

async function upload(bytes: Uint8Array, alt: string): Promise<{ url: string; width: number; height: number }> {
  const form = new FormData();
  form.set("file", new File([bytes], "picture.png"));
  form.set("alt", alt);
  const response = await request("/api/media", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` }, body: form });
  expect(response.status).toBe(201);
  return (await response.json()) as { url: string; width: number; height: number };
}

describe("uploaded images on article pages", () => {
  it("give the lead image its width and height, and serve it from /media", async () => {
    const image = await upload(PNG_3X2, "A grey rectangle");
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
