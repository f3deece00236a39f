import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { FAVICON_CONTENT_TYPE, FAVICON_SVG } from "../../src/render/favicon";

describe("the favicon", () => {
  it("is a well-formed SVG document, served as image/svg+xml", () => {
    expect(FAVICON_CONTENT_TYPE).toBe("image/svg+xml");
    expect(XMLValidator.validate(FAVICON_SVG)).toBe(true);
    const svg = (new XMLParser({ ignoreAttributes: false }).parse(FAVICON_SVG) as { svg: Record<string, string> }).svg;
    expect(svg["@_xmlns"]).toBe("http://www.w3.org/2000/svg");
    expect(svg["@_viewBox"]).toBe("0 0 32 32");
  });

  it("uses the site's accent colour, and has a variant for the dark colour scheme", () => {
    expect(FAVICON_SVG).toContain("#9b2915");
    expect(FAVICON_SVG).toContain("@media (prefers-color-scheme:dark)");
  });

  it("is small and self-contained: no scripts, no external references", () => {
    expect(new TextEncoder().encode(FAVICON_SVG).length).toBeLessThan(1024);
    expect(FAVICON_SVG).not.toMatch(/<script|href=|url\(/i);
  });
});
