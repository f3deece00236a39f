/**
 * `npm run import -- --from ghost`: Ghost's JSON exports of versions 2 to 5 (fixtures in
 * tests/fixtures/ghost/ that follow each version's shape), on Node, into an in-memory site.
 */
import { describe, expect, it } from "vitest";
import { importGhost, lexicalText, mobiledocText, parseGhostExport } from "../../src/cli/ghost/ghost";
import type { ImportReport } from "../../src/cli/wordpress/import";
import { parseArticleFile } from "../../src/core/source";
import { fakeSite } from "./fake-site";

const NOW = Date.parse("2024-02-01T00:00:00Z");
const UPLOADS = "tests/fixtures/ghost/images";

async function run(version: string) {
  const site = fakeSite();
  const report = await importGhost({
    file: `tests/fixtures/ghost/export-${version}.json`,
    uploads: UPLOADS,
    api: site.api,
    now: NOW,
    log: () => {},
  });
  if ("problem" in report) throw new Error(report.problem);
  const article = (slug: string) => {
    const parsed = parseArticleFile(site.articles.get(slug)?.source ?? "");
    if (!parsed.ok) throw new Error(`${slug}: ${JSON.stringify(parsed.problems)}`);
    return parsed.value;
  };
  return { site, report: report as ImportReport, article };
}

describe("Ghost exports", () => {
  it("version 2: HTML, the primary tag as section, internal tags dropped, authors with bios, /slug/ redirected", async () => {
    const { site, report, article } = await run("v2");
    expect(report).toMatchObject({ posts: 2, created: 2, notImported: { page: 1 } });
    const post = article("council-meets");
    expect(post).toMatchObject({
      title: "Council meets",
      published: "2021-05-04T10:00:00Z",
      updated: "2021-05-05T10:00:00Z",
      category: "Politics",
      tags: ["Budget"],
      authors: ["Ana Ruiz", "Tom Field"],
      summary: "A late meeting.",
      draft: false,
    });
    expect(post.body).toContain("The council met **late** on Monday.");
    expect(post.body).toContain("*The town hall*");
    expect(article("post-2").draft).toBe(true);
    expect(Object.fromEntries(site.redirects)).toEqual({ "/council-meets": "/articles/council-meets" });
    expect(site.authors.get("ana-ruiz")).toBe("Ana Ruiz");
    // The feature image is not in the uploads folder: reported, not dropped.
    expect(report.imagesMissing.map((m) => m.url)).toContain("/content/images/2019/05/hall.jpg");
    expect(post.image?.url).toBe("/content/images/2019/05/hall.jpg");
  });

  it("version 3: Mobiledoc's text when no HTML is stored, and scheduled posts", async () => {
    const { article } = await run("v3");
    expect(article("council-meets").body.trim()).toBe("The council met late on Monday.\n\nFirst item\n\nSecond item");
    expect(article("post-2")).toMatchObject({ published: "2031-01-01T09:00:00Z", draft: false });
  });

  it("version 4: __GHOST_URL__, the feature image's alt and caption from posts_meta, sent newsletters", async () => {
    const { article, report } = await run("v4");
    const post = article("council-meets");
    expect(post.image).toEqual({
      url: "/content/images/2021/05/hall.jpg",
      alt: "The town hall at night",
      caption: "Photo: Ana Ruiz",
    });
    expect(post.body).toContain("[See also](/budget-passes/)");
    expect(post.body).not.toContain("__GHOST_URL__");
    expect(report.articles.map((a) => a.state)).toEqual(["published", "published"]);
  });

  it("version 5: Lexical's text, and the feature image uploaded", async () => {
    const { article, site } = await run("v5");
    const post = article("budget-passes");
    expect(post.body.trim()).toBe("Budget passes narrowly.\n\nWhat it means\n\nTaxes \\*rise\\* by 2%.");
    expect(post.image).toEqual({ url: "/media/budget.png", alt: "Budget papers" });
    expect(site.calls.uploads).toBe(1);
  });

  it("creates nothing twice when run again", async () => {
    const site = fakeSite();
    const options = { file: "tests/fixtures/ghost/export-v4.json", api: site.api, now: NOW, log: () => {} };
    await importGhost(options);
    expect(await importGhost(options)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(site.articles.size).toBe(2);
  });

  it("refuses what is not a Ghost export, naming what is wrong", () => {
    expect(parseGhostExport({ db: [{ data: { posts: [{ id: 1 }] } }] })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("posts.0"),
    });
    expect(parseGhostExport([1, 2]).ok).toBe(false);
    expect(lexicalText("not json")).toBe("");
    expect(mobiledocText("{}")).toBe("");
  });
});
