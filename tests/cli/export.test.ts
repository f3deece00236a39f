/**
 * `npm run export`: every article as the project's Markdown with its stored images beside it, and
 * the authors, sections and redirects as data files; what it writes is what `npm run publish`
 * reads back as the same input (on Node, against an in-memory stand-in for the site's API).
 */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportSite } from "../../src/cli/export";
import { checkFile } from "../../src/cli/publish";
import type { SiteApi } from "../../src/cli/site-api";
import { parseArticleFile } from "../../src/core/source";

const IMAGE = "/media/0123456789abcdef0123456789abcdef.png";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const INPUTS: Record<string, { status: string; article: Record<string, unknown> }> = {
  "with-images": {
    status: "published",
    article: {
      title: "With images: a colon, and 'quotes'",
      published: "2025-03-28T12:00:00Z",
      category: "World",
      authors: ["Ana Ruiz"],
      image: { url: IMAGE, alt: "A heron", caption: "On the river" },
      tags: ["birds", "rivers"],
      draft: false,
      body: `First paragraph.\n\n![A heron in flight](${IMAGE})\n\n![Elsewhere](https://images.example/x.png)\n`,
    },
  },
  "a-draft": {
    status: "draft",
    article: {
      title: "A draft",
      published: "2025-04-01T09:00:00Z",
      category: "World",
      authors: [],
      tags: [],
      draft: true,
      body: "Not yet.\n",
    },
  },
  binned: {
    status: "trash",
    article: {
      title: "Binned",
      published: "2025-01-01T09:00:00Z",
      category: "World",
      authors: [],
      tags: [],
      draft: false,
      body: "Gone.\n",
    },
  },
};

const api = {
  site: "https://news.example",
  listArticles: async () => Object.entries(INPUTS).map(([slug, a]) => ({ slug, version: "v", status: a.status })),
  getArticle: async (slug: string) => ({
    slug,
    version: "v",
    status: INPUTS[slug]?.status ?? "",
    article: INPUTS[slug]?.article ?? {},
  }),
  download: async (path: string) => {
    if (path !== IMAGE) throw new Error(`no ${path}`);
    return PNG;
  },
  listAuthors: async () => ({ authors: [{ slug: "ana-ruiz", name: "Ana Ruiz", bio: "Covers rivers." }] }),
  listSections: async () => ({ sections: [{ slug: "world", name: "World", position: 1 }] }),
  listRedirects: async (cursor?: string) =>
    cursor
      ? { redirects: [{ from: "/b", to: "/c" }] }
      : { redirects: [{ from: "/a", to: "/articles/with-images" }], cursor: "next" },
} as unknown as SiteApi;

describe("exportSite", () => {
  it("writes published articles with their images, and the site's data files", async () => {
    const out = await mkdtemp(join(tmpdir(), "broadsheet-export-"));
    const report = await exportSite(api, { out, includeDrafts: false, includeTrash: false, log: () => {} });
    expect(report).toMatchObject({ articles: 1, images: 1, authors: 1, sections: 1, redirects: 2, failed: [] });
    expect((await readdir(out)).sort()).toEqual(["authors.json", "images", "redirects.json", "sections.json", "with-images.md"]);
    expect(await readFile(join(out, "images", "0123456789abcdef0123456789abcdef.png"))).toEqual(Buffer.from(PNG));
    expect(JSON.parse(await readFile(join(out, "redirects.json"), "utf8"))).toEqual([
      { from: "/a", to: "/articles/with-images" },
      { from: "/b", to: "/c" },
    ]);

    // What publish reads back: valid, its images found on disk, and, once they are uploaded under
    // the same content-hash name, the very input the site had.
    const file = join(out, "with-images.md");
    const checked = await checkFile(file);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.file.images.map((i) => i.ref)).toEqual([
      "images/0123456789abcdef0123456789abcdef.png",
      "images/0123456789abcdef0123456789abcdef.png",
    ]);
    const reuploaded = (await readFile(file, "utf8")).replaceAll("images/0123456789abcdef0123456789abcdef.png", IMAGE);
    const parsed = parseArticleFile(reuploaded);
    expect(parsed.ok && parsed.value).toEqual(INPUTS["with-images"]?.article);
  });

  it("writes drafts with --include-drafts and the trash apart with --include-trash", async () => {
    const out = await mkdtemp(join(tmpdir(), "broadsheet-export-"));
    const report = await exportSite(api, { out, includeDrafts: true, includeTrash: true, log: () => {} });
    expect(report.byStatus).toEqual({ published: 1, draft: 1, trash: 1 });
    expect(await readdir(join(out, "trash"))).toEqual(["binned.md"]);
    const draft = parseArticleFile(await readFile(join(out, "a-draft.md"), "utf8"));
    expect(draft.ok && draft.value).toEqual(INPUTS["a-draft"]?.article);
  });
});
