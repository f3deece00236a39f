/**
 * A site's editors' API as far as the importers use it, in memory, for the importers' tests on
 * Node: versions are computed as the API computes them, and a PUT at the wrong version is refused.
 * The API itself is tested through the Worker (tests/integration/).
 */
import type { SiteApi } from "../../src/cli/site-api";
import { parseArticleFile } from "../../src/core/source";
import { contentVersion } from "../../src/editorial/article";

export function fakeSite() {
  const articles = new Map<string, { source: string; version: string }>();
  const redirects = new Map<string, string>();
  const authors = new Map<string, string>();
  /** Per source, post id → slug: the site keeps the article, so a rename (below) carries it along. */
  const imports = new Map<string, Map<string, string>>();
  const calls = { puts: 0, uploads: 0 };
  const api = {
    site: "https://new.example",
    listArticles: async () => [...articles].map(([slug, a]) => ({ slug, version: a.version, status: "published" })),
    putArticle: async (slug: string, source: string, version: string | undefined) => {
      calls.puts++;
      const had = articles.get(slug);
      if (had?.version !== version) throw new Error(`precondition failed for ${slug}`);
      const parsed = parseArticleFile(source);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const next = { source, version: await contentVersion(parsed.value) };
      articles.set(slug, next);
      return { slug, url: `/articles/${slug}`, version: next.version, created: !had, warnings: [] };
    },
    uploadMedia: async (_bytes: Uint8Array, name: string) => {
      calls.uploads++;
      return { url: `/media/${name}` };
    },
    putRedirects: async (list: Array<{ from: string; to: string }>) => {
      for (const r of list) redirects.set(r.from, r.to);
      return { redirects: list, changed: list.length };
    },
    listImports: async (source: string) =>
      [...(imports.get(source) ?? [])].map(([id, slug]) => ({ id, slug, version: articles.get(slug)?.version ?? "" })),
    putImports: async (source: string, posts: Array<{ id: string; slug: string }>) => {
      const known = imports.get(source) ?? new Map<string, string>();
      for (const post of posts) {
        if (!articles.has(post.slug)) throw new Error(`no article ${post.slug}`);
        known.set(post.id, post.slug);
      }
      imports.set(source, known);
      return { changed: posts.length };
    },
    listAuthors: async () => ({ authors: [...authors].map(([slug, name]) => ({ slug, name, bio: "" })) }),
    putAuthor: async (slug: string, author: { name: string }) => {
      authors.set(slug, author.name);
      return { slug };
    },
  } as unknown as SiteApi;
  /** An editor renames an article on the site, as POST /api/articles/:slug/move does. */
  const rename = (from: string, to: string) => {
    const article = articles.get(from);
    if (!article) throw new Error(`no article ${from}`);
    articles.delete(from);
    articles.set(to, article);
    for (const known of imports.values()) for (const [id, slug] of known) if (slug === from) known.set(id, to);
  };
  return { api, articles, redirects, authors, imports, calls, rename };
}
