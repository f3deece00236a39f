/**
 * `npm run import -- --from wordpress`: the WXR reader, the mapping of every status, field and
 * shortcode, hostile and broken XML, a 100,000-item export in bounded memory, and reruns that
 * create nothing twice. Pure parts on Node; the site's API is an in-memory stand-in for the HTTP
 * API (the Worker's own routes are covered by the workers tests).
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { convertContent } from "../../src/cli/wordpress/content";
import { importWordPress, localUpload } from "../../src/cli/wordpress/import";
import { wpDate } from "../../src/cli/wordpress/map";
import { readWxr, WxrError } from "../../src/cli/wordpress/wxr";
import { parseArticleFile } from "../../src/core/source";
import { fakeSite } from "./fake-site";

const FIXTURE = "tests/fixtures/wordpress/export.xml";
const UPLOADS = "tests/fixtures/wordpress/uploads";
const NOW = Date.parse("2024-02-01T00:00:00Z");

describe("a WordPress export", () => {
  it("imports posts in every status with their fields, images and old URLs", async () => {
    const site = fakeSite();
    const report = await importWordPress({ file: FIXTURE, uploads: UPLOADS, api: site.api, now: NOW, log: () => {} });
    expect(report.posts).toBe(7);
    expect(report.created).toBe(5);
    expect(report.skipped.map((s) => s.reason)).toEqual(["status trash", "status auto-draft"]);
    expect(report.notImported).toEqual({ page: 1, nav_menu_item: 1, attachment: 2 });
    expect(report.comments).toBe(1);
    expect(Object.fromEntries(report.articles.map((a) => [a.slug, a.state]))).toEqual({
      "river-bursts-its-banks": "published",
      "council-meets-tomorrow": "scheduled",
      "a-draft-about-bridges": "draft",
      "pending-review": "draft",
      "private-memo": "draft",
    });

    const river = parseArticleFile(site.articles.get("river-bursts-its-banks")?.source ?? "");
    if (!river.ok) throw new Error(JSON.stringify(river.problems));
    const article = river.value;
    expect(article.title).toBe("River bursts its banks");
    expect(article.published).toBe("2019-03-05T09:30:00Z");
    expect(article.updated).toBe("2019-03-06T11:00:00Z");
    // The primary category (Yoast's) is the section; the other category and the tags are tags.
    expect(article.category).toBe("Local & Regional");
    expect(article.tags).toEqual(["News", "floods"]);
    expect(article.authors).toEqual(["Jane Doe"]);
    expect(article.summary).toBe("The river rose two metres overnight.");
    expect(article.image).toEqual({ url: "/media/flood.png", alt: "Water over the bridge", caption: "The bridge at dawn" });
    expect(article.body).not.toContain("wp:");
    expect(article.body).not.toContain("[caption");
    expect(article.body).not.toContain("alert");
    expect(article.body).toContain("![Water over the bridge](</media/flood.png>)\n\n*The bridge at dawn*");
    expect(article.body).toContain("[https://www.youtube.com/watch?v=abc123](https://www.youtube.com/watch?v=abc123)");
    expect(article.body).toContain("(https://twitter.com/someone/status/1)");
    expect(article.body).toContain("- Roads closed\n- Schools shut");
    expect(report.shortcodesDropped).toEqual({ "contact-form-7": 1, footnote: 1 });
    // The gallery's second image is not in --uploads: reported, and kept at its old URL.
    expect(report.imagesMissing).toEqual([
      expect.objectContaining({ id: "101", url: "https://old.example/wp-content/uploads/2019/03/not-there.jpg" }),
    ]);
    expect(article.body).toContain("(<https://old.example/wp-content/uploads/2019/03/not-there.jpg>)");
    expect(site.calls.uploads).toBe(1);

    const council = parseArticleFile(site.articles.get("council-meets-tomorrow")?.source ?? "");
    expect(council.ok && council.value).toMatchObject({
      published: "2030-01-02T08:00:00Z",
      draft: false,
      category: "Uncategorized",
    });
    expect(council.ok && council.value.body).toContain(
      "Classic editor text, line one  \nline two.\n\nA second paragraph with a note and \\[1\\] brackets.",
    );
    // A draft WordPress never dated takes its local date; drafts, pending and private posts are drafts.
    const draft = parseArticleFile(site.articles.get("a-draft-about-bridges")?.source ?? "");
    expect(draft.ok && draft.value).toMatchObject({ published: "2024-01-10T09:00:00Z", draft: true });
    for (const slug of ["pending-review", "private-memo"]) {
      const parsed = parseArticleFile(site.articles.get(slug)?.source ?? "");
      expect(parsed.ok && parsed.value.draft, slug).toBe(true);
    }

    expect(Object.fromEntries(site.redirects)).toEqual({
      "/2019/03/05/river-bursts-its-banks": "/articles/river-bursts-its-banks",
      "/?p=101": "/articles/river-bursts-its-banks",
      "/2019/03/river-bursts-its-banks": "/articles/river-bursts-its-banks",
    });
    expect(report.redirects).toBe(3);
    expect([...site.authors.values()].sort()).toEqual(["Jane Doe", "Li Wei"]);
  });

  it("creates nothing twice when run again, and updates only what changed", async () => {
    const site = fakeSite();
    await importWordPress({ file: FIXTURE, uploads: UPLOADS, api: site.api, now: NOW, log: () => {} });
    const puts = site.calls.puts;
    const again = await importWordPress({ file: FIXTURE, uploads: UPLOADS, api: site.api, now: NOW, log: () => {} });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
    expect(site.calls.puts).toBe(puts);
    expect(site.articles.size).toBe(5);
  });

  it("records which article each post became on the site, and finds it again after a rename", async () => {
    const site = fakeSite();
    await importWordPress({ file: FIXTURE, uploads: UPLOADS, api: site.api, now: NOW, log: () => {} });
    const recorded = site.imports.get("wordpress https://old.example");
    expect(recorded?.size).toBe(5);
    // A published post's, which has old URLs.
    const [id, slug] = [...(recorded ?? [])].find(([, s]) => [...site.redirects.values()].includes(`/articles/${s}`)) ?? ["", ""];
    expect(site.articles.has(slug)).toBe(true);
    // An editor renames it; the next run (from any machine: the importer keeps nothing locally) updates it there.
    site.rename(slug, `${slug}-renamed`);
    const again = await importWordPress({ file: FIXTURE, uploads: UPLOADS, api: site.api, now: NOW, log: () => {} });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
    expect(site.articles.size).toBe(5);
    expect(site.articles.has(slug)).toBe(false);
    expect(recorded?.get(id)).toBe(`${slug}-renamed`);
    // Its old URLs go straight to where it is now.
    const toIt = [...site.redirects.values()].filter((to) => to.startsWith(`/articles/${slug}`));
    expect(toIt.length).toBeGreaterThan(0);
    expect(toIt.every((to) => to === `/articles/${slug}-renamed`)).toBe(true);
  });

  it("checks everything and sends nothing on a dry run", async () => {
    const report = await importWordPress({ file: FIXTURE, uploads: UPLOADS, now: NOW, log: () => {} });
    expect(report).toMatchObject({ checked: 5, created: 0, redirects: 0 });
  });
});

describe("content", () => {
  it("keeps prose brackets and reports unknown gallery ids", () => {
    const converted = convertContent('<p>See [1] and [sic].</p>[gallery ids="9"]', new Map());
    expect(converted.markdown).toBe("See \\[1\\] and \\[sic\\].");
    expect(converted.missingAttachments).toEqual(["9"]);
  });

  it("never reads an upload outside the uploads folder", () => {
    expect(localUpload("/up", "https://old.example/wp-content/uploads/2019/03/a.jpg")).toBe("/up/2019/03/a.jpg");
    expect(localUpload("/up", "https://old.example/wp-content/uploads/../../etc/passwd")).toBeUndefined();
    expect(localUpload("/up", "https://old.example/wp-content/uploads/%2e%2e/%2e%2e/etc/passwd")).toBeUndefined();
    expect(localUpload("/up", "https://cdn.example/photo.jpg")).toBeUndefined();
  });

  it("reads WordPress dates as UTC and refuses its empty date", () => {
    expect(wpDate("2019-03-05 09:30:00")).toBe("2019-03-05T09:30:00Z");
    expect(wpDate("0000-00-00 00:00:00")).toBeUndefined();
    expect(wpDate("yesterday")).toBeUndefined();
  });
});

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">\n<channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n`;
const read = (xml: string) => readWxr(Readable.from([xml]), { item: () => {} });

describe("hostile and broken XML", () => {
  it("refuses external entities (XXE) with a clear error", async () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<rss><channel><wp:wxr_version>1.2</wp:wxr_version><item><title>&xxe;</title></item></channel></rss>`;
    await expect(read(xxe)).rejects.toThrow(/DOCTYPE/);
    await expect(read(xxe)).rejects.toBeInstanceOf(WxrError);
  });

  it("refuses entity expansion (billion laughs) before expanding anything", async () => {
    const entities = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`,
    ).join("");
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE rss [${entities}]>\n<rss><channel><item><title>&lol9;</title></item></channel></rss>`;
    const before = process.memoryUsage().heapUsed;
    await expect(read(bomb)).rejects.toThrow(/DOCTYPE/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("reports truncated and malformed XML with its line", async () => {
    const truncated = `${HEAD}<item>\n<title>Cut off`;
    await expect(read(truncated)).rejects.toThrow(/^line \d+, column \d+: /);
    const malformed = `${HEAD}<item>\n<title>A</titel>\n</item></channel></rss>`;
    const error = await read(malformed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxrError);
    expect((error as WxrError).line).toBe(6);
  });

  it("refuses what is not a WordPress export", async () => {
    await expect(read("<html><body>hi</body></html>")).rejects.toThrow(/not a WordPress export/);
    await expect(read('<rss version="2.0"><channel><item><title>x</title></item></channel></rss>')).rejects.toThrow(
      /wxr_version/,
    );
    await expect(read("")).rejects.toThrow(WxrError);
  });
});

describe("a large export", () => {
  it("streams 100,000 items in bounded memory", async () => {
    const COUNT = 100_000;
    function* chunks() {
      yield HEAD;
      for (let i = 0; i < COUNT; i += 1000) {
        let part = "";
        for (let j = i; j < i + 1000; j++)
          part += `<item><title>Post ${j}</title><wp:post_id>${j}</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><content:encoded><![CDATA[<p>Body of post ${j}, with some words to make it a little longer than a title.</p>]]></content:encoded></item>\n`;
        yield part;
      }
      yield "</channel></rss>";
    }
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let seen = 0;
    const result = await readWxr(Readable.from(chunks()), {
      item: (item) => {
        seen++;
        if (item.id !== String(seen - 1)) throw new Error(`item ${seen - 1} came as ${item.id}`);
        if (seen % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    expect(result.items).toBe(COUNT);
    expect(seen).toBe(COUNT);
    // About 20 MB of XML went through; what stays on the heap is a few items, not all of them.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});
