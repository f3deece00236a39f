/**
 * Helpers for integration tests: real requests through the Worker, real KV, real Cache API.
 */
import { env, exports } from "cloudflare:workers";
import { dump } from "js-yaml";

export const SITE = "https://news.example";
export const TOKEN = "test-token-current";
export const OLD_TOKEN = "test-token-previous";

/** Sends a request through the Worker, with relative paths resolved against the test site. */
export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, SITE), init));
}

export interface ArticleFields {
  title?: string;
  published?: string;
  updated?: string;
  category?: string;
  authors?: string[];
  summary?: string;
  tags?: string[];
  draft?: boolean;
  image?: { url?: string; alt: string; caption?: string; credit?: string };
  [field: string]: unknown;
}

/** An article file: YAML frontmatter from `fields` (with sensible defaults) and a Markdown body. */
export function articleFile(fields: ArticleFields = {}, body = "A first paragraph of the article.\n\nA second one."): string {
  const frontmatter = { title: "A test article", published: "2025-01-15T10:00:00Z", category: "Tests", ...fields };
  return `---\n${dump(frontmatter)}---\n\n${body}\n`;
}

/** PUTs an article file through the editors' API. */
export function putArticle(slug: string, source: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(`/api/articles/${slug}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown", ...headers },
    body: source,
  });
}

/** PUTs an article and fails the test unless it was stored. */
export async function publish(slug: string, fields: ArticleFields = {}, body?: string): Promise<Response> {
  const response = await putArticle(slug, articleFile(fields, body));
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`publishing ${slug} failed with ${response.status}: ${await response.text()}`);
  }
  return response;
}

export function deleteArticle(slug: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(`/api/articles/${slug}`, { method: "DELETE", headers: { Authorization: `Bearer ${TOKEN}`, ...headers } });
}

/** Every key in KV with its value and metadata, to prove that a failed request wrote nothing. */
export async function kvSnapshot(): Promise<Record<string, { value: string | null; metadata: unknown }>> {
  const snapshot: Record<string, { value: string | null; metadata: unknown }> = {};
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.ARTICLES.list(cursor ? { cursor } : {});
    for (const key of page.keys) {
      // The purge queue is the cache's bookkeeping, not content.
      if (key.name.startsWith("repurge:")) continue;
      snapshot[key.name] = { value: await env.ARTICLES.get(key.name), metadata: key.metadata ?? null };
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return snapshot;
}

/** An ISO date-time `seconds` from now. */
export const secondsFromNow = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
