/**
 * @module cli/site-api
 * What the import, export and redirects tools ask of a site's editors' API: articles, media,
 * redirects, authors and sections, with the editor token from BROADSHEET_TOKEN. Every answer that is
 * not a success becomes an `ApiFailure` with the API's own error and field problems, for the report.
 */
import { assertSafeSite } from "./publish";

export interface FieldProblem {
  field: string;
  problem: string;
}

/** An answer the API refused: its status, error and field problems. */
export class ApiFailure extends Error {
  override name = "ApiFailure";
  constructor(
    readonly status: number,
    readonly error: string,
    readonly details: FieldProblem[],
  ) {
    super(`${status} ${error}${details.length ? `: ${details.map((d) => `${d.field} ${d.problem}`).join("; ")}` : ""}`);
  }
}

export interface SiteApiOptions {
  site: string;
  token: string;
  /** `fetch`, or another in tests. */
  fetch?: typeof fetch;
}

export interface ArticleSummary {
  slug: string;
  version: string;
  status: string;
}

/** The API of one site. */
export function siteApi(options: SiteApiOptions) {
  const site = new URL(options.site);
  assertSafeSite(site);
  const send = options.fetch ?? fetch;
  const headers = { Authorization: `Bearer ${options.token}` };
  const url = (path: string) => new URL(path, site).toString();

  async function call<T>(
    method: string,
    path: string,
    init: { body?: string | FormData; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const response = await send(url(path), {
      method,
      headers: { ...headers, ...init.headers },
      ...(init.body ? { body: init.body } : {}),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = body as { error?: string; details?: FieldProblem[] } | undefined;
      throw new ApiFailure(response.status, error?.error ?? text.slice(0, 200), error?.details ?? []);
    }
    return body as T;
  }
  const json = (value: unknown) => ({ body: JSON.stringify(value), headers: { "Content-Type": "application/json" } });

  return {
    site: site.origin,
    listArticles: () => call<{ articles: ArticleSummary[] }>("GET", "/api/articles").then((r) => r.articles),
    getArticle: (slug: string) =>
      call<{ slug: string; version: string; status: string; article: Record<string, unknown> }>("GET", `/api/articles/${slug}`),
    /** Creates or replaces an article from its file; `version` guards against an edit made meanwhile. */
    putArticle: (slug: string, source: string, version: string | undefined) =>
      call<{ slug: string; url: string; version: string; created?: boolean; unchanged?: boolean; warnings: string[] }>(
        "PUT",
        `/api/articles/${slug}`,
        {
          body: source,
          headers: {
            "Content-Type": "text/markdown; charset=utf-8",
            ...(version ? { "If-Match": `"${version}"` } : { "If-None-Match": "*" }),
          },
        },
      ),
    uploadMedia: async (bytes: Uint8Array, name: string, alt: string) => {
      const form = new FormData();
      form.set("file", new File([bytes], name));
      form.set("alt", alt);
      return call<{ url: string }>("POST", "/api/media", { body: form });
    },
    putRedirects: (redirects: Array<{ from: string; to: string }>) =>
      call<{ redirects: Array<{ from: string; to: string }>; changed: number }>("PUT", "/api/redirects", json(redirects)),
    listRedirects: (cursor?: string) =>
      call<{ redirects: Array<{ from: string; to: string; source?: string }>; cursor?: string }>(
        "GET",
        `/api/redirects?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      ),
    /** Which article each post of an import's `source` became, under its current slug (newsroom/api-imports.ts). */
    listImports: (source: string) =>
      call<{ posts: Array<{ id: string; slug: string; version: string }> }>(
        "GET",
        `/api/imports?source=${encodeURIComponent(source)}`,
      ).then((r) => r.posts),
    /** Records which article each post became, up to 1,000 at a time. */
    putImports: (source: string, posts: Array<{ id: string; slug: string }>) =>
      call<{ changed: number }>("PUT", `/api/imports?source=${encodeURIComponent(source)}`, json(posts)),
    putAuthor: (slug: string, author: { name: string; bio?: string; url?: string }) =>
      call<{ slug: string }>("PUT", `/api/authors/${slug}`, json(author)),
    listAuthors: () => call<{ authors: Array<{ slug: string; name: string; bio: string; url?: string }> }>("GET", "/api/authors"),
    /** A public file of the site (an image under /media/), as bytes. */
    download: async (path: string): Promise<Uint8Array> => {
      const response = await send(url(path));
      if (!response.ok) throw new ApiFailure(response.status, `GET ${path} answered ${response.status}`, []);
      return new Uint8Array(await response.arrayBuffer());
    },
    listSections: () => call<{ sections: Array<{ slug: string; name: string }> }>("GET", "/api/sections"),
  };
}

export type SiteApi = ReturnType<typeof siteApi>;
