/**
 * The pure parts of responsive images: which narrower copies an image stored here is offered at,
 * the srcset and sizes that offer them, and how the Markdown renderer writes them into a body.
 */
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { imageSources, renderBody, sanitizeHtml } from "../../src/core/markdown";
import { mediaNameOf } from "../../src/core/media-names";
import {
  ARTICLE_IMAGE_SIZES,
  responsiveAttributes,
  VARIANT_WIDTHS,
  variantPath,
  variantWidths,
} from "../../src/core/responsive-images";
import { variantKey } from "../../src/media/store";

const NAME = "0123456789abcdef0123456789abcdef";
const PNG = `${NAME}.png`;
const URL_HERE = `/media/${PNG}`;

describe("variantWidths", () => {
  it("offers every fixed width narrower than the original, and never its own width or wider", () => {
    expect(variantWidths(PNG, 4000)).toEqual([...VARIANT_WIDTHS]);
    expect(variantWidths(PNG, 1000)).toEqual([320, 640, 960]);
    expect(variantWidths(PNG, 640)).toEqual([320]);
    expect(variantWidths(PNG, 320)).toEqual([]);
    expect(variantWidths(PNG, Number.NaN)).toEqual([]);
  });

  it("offers JPEG, PNG, WebP and AVIF, and not GIF, which may be animated", () => {
    for (const ext of ["jpg", "png", "webp", "avif"]) expect(variantWidths(`${NAME}.${ext}`, 1000)).toHaveLength(3);
    expect(variantWidths(`${NAME}.gif`, 1000)).toEqual([]);
  });

  it("offers nothing for a name that is not a stored image's", () => {
    expect(variantWidths("picture.png", 1000)).toEqual([]);
    expect(variantWidths(`w/320/${PNG}`, 1000)).toEqual([]);
  });
});

describe("paths and keys", () => {
  it("serves a variant at a path and stores it under a key, neither of which is an original's name", () => {
    expect(variantPath(PNG, 640)).toBe(`/media/w/640/${PNG}`);
    expect(variantKey(PNG, 640)).toBe(`w/640/${PNG}`);
    expect(mediaNameOf(variantPath(PNG, 640))).toBeUndefined();
    expect(mediaNameOf(URL_HERE)).toBe(PNG);
    expect(mediaNameOf(`https://images.example${URL_HERE}`)).toBeUndefined();
  });
});

describe("responsiveAttributes", () => {
  it("gives width, height, a srcset of w descriptors ending with the original, and sizes", () => {
    expect(responsiveAttributes(URL_HERE, { width: 700, height: 400 })).toEqual({
      width: 700,
      height: 400,
      srcset: `/media/w/320/${PNG} 320w, /media/w/640/${PNG} 640w, ${URL_HERE} 700w`,
      sizes: ARTICLE_IMAGE_SIZES,
    });
  });

  it("writes each srcset URL as `resolve` says", () => {
    const attributes = responsiveAttributes(URL_HERE, { width: 400, height: 300 }, (path) => `https://news.example${path}`);
    expect(attributes?.srcset).toBe(`https://news.example/media/w/320/${PNG} 320w, https://news.example${URL_HERE} 400w`);
  });

  it("gives only width and height when there is no narrower copy to offer", () => {
    expect(responsiveAttributes(URL_HERE, { width: 300, height: 200 })).toEqual({ width: 300, height: 200 });
    expect(responsiveAttributes(`/media/${NAME}.gif`, { width: 900, height: 600 })).toEqual({ width: 900, height: 600 });
  });

  it("gives nothing for an image on another host", () => {
    expect(responsiveAttributes("https://images.example/a.png", { width: 700, height: 400 })).toBeUndefined();
  });

  it("has sizes that are a valid source size list: media conditions with lengths, then a default length", () => {
    const entries = ARTICLE_IMAGE_SIZES.split(/,\s*(?![^(]*\))/);
    const last = entries.pop() ?? "";
    for (const entry of entries) expect(entry).toMatch(/^\([a-z-]+:\s*[\d.]+(rem|px|em)\)\s+[\d.]+(rem|px|vw)$/);
    expect(last).toMatch(/^(calc\(.+\)|[\d.]+(rem|px|vw))$/);
  });
});

describe("imageSources", () => {
  it("lists every Markdown image in order, wherever it is, repeats included", () => {
    const body = [
      `![One](${URL_HERE})`,
      "- ![Two](https://images.example/two.png)",
      `| a |\n| - |\n| ![Three](${URL_HERE}) |`,
      `> ![Four](/media/${NAME}.jpg "titled")`,
    ].join("\n\n");
    expect(imageSources(body)).toEqual([URL_HERE, "https://images.example/two.png", URL_HERE, `/media/${NAME}.jpg`]);
  });

  it("leaves out links, code and raw HTML", () => {
    expect(imageSources(`[a link](${URL_HERE})\n\n\`![code](${URL_HERE})\`\n\n<img src="${URL_HERE}" alt="raw">`)).toEqual([]);
  });
});

describe("renderBody with the sizes of images stored here", () => {
  const sizes = new Map([[URL_HERE, { width: 700, height: 400 }]]);

  function firstImage(html: string): Record<string, string> {
    const img = parseHTML(`<!doctype html><body>${html}</body>`).document.querySelector("img");
    if (!img) throw new Error(`no <img> in ${html}`);
    const names: string[] = img.getAttributeNames();
    return Object.fromEntries(names.map((name) => [name, img.getAttribute(name) ?? ""]));
  }

  it("gives a body image stored here its size, srcset and sizes, and the sanitizer keeps them", () => {
    const rendered = renderBody(`![A "heron" & <fish>](${URL_HERE})`, sizes);
    expect(rendered.ok).toBe(true);
    const html = rendered.ok ? rendered.html : "";
    expect(firstImage(html)).toEqual({
      src: URL_HERE,
      alt: 'A "heron" & <fish>',
      width: "700",
      height: "400",
      srcset: `/media/w/320/${PNG} 320w, /media/w/640/${PNG} 640w, ${URL_HERE} 700w`,
      sizes: ARTICLE_IMAGE_SIZES,
    });
    // Sanitized already: a second pass changes nothing.
    expect(sanitizeHtml(html)).toBe(html);
  });

  it("leaves images from elsewhere, images of unknown size and raw <img> HTML as they were", () => {
    const body = `![Elsewhere](https://images.example/a.png)\n\n![Unknown](/media/${"f".repeat(32)}.png)\n\n<img src="${URL_HERE}" alt="raw">`;
    expect(renderBody(body, sizes)).toEqual(renderBody(body));
  });

  it("changes nothing when no sizes are given", () => {
    const rendered = renderBody(`![A heron](${URL_HERE})`);
    expect(rendered.ok && rendered.html).toBe(`<p><img src="${URL_HERE}" alt="A heron"></p>\n`);
  });
});
