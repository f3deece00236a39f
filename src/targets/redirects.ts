/**
 * @module targets/redirects
 * Redirects from any old path on the site to a new path or another site: checking what an editor
 * (or an import) sends, the one normal form of a path that the newsroom stores and the reader looks
 * up, and collapsing chains to one hop. Pure: the newsroom's D1 module and the reader both use it.
 *
 *   from   a path on this site: `/2019/03/old-post/`, `/?p=123`; an absolute URL on this site's own
 *          host is taken as its path. Never another host, a fragment, control characters, or a path
 *          the reader serves itself (`/articles/…`, `/sections/…`, the feeds: rename those instead).
 *   to     a path on this site, or an absolute http(s) URL. Never `javascript:` or any other scheme.
 *
 * Normal form: the URL parser's percent-encoding and dot segments, no trailing slash but on `/`, and
 * at most one query parameter (`?p=123`), kept as written.
 */

import { isServedPath } from "./document-name";

/** Redirects one request may send. */
export const MAX_REDIRECTS_PER_REQUEST = 1000;
/**
 * A `from` past this many characters (in its normal form, percent-encoded, so ASCII) is refused:
 * its KV key (`redirect:` and the path) must stay within KV's 512 bytes.
 */
export const MAX_FROM_LENGTH = 500;
/** A `to` past this many characters is refused. */
export const MAX_TO_LENGTH = 2048;

export interface Redirect {
  from: string;
  to: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

// C0 controls, DEL and C1 controls: never in a URL an editor means, and a header-splitting risk.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Line and paragraph separators and the bidi overrides: invisible, and used to disguise a URL.
const INVISIBLE = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Whether the reader answers `path` itself, whatever is stored: a redirect from such a path would
 * never be served, so it is refused rather than stored. An article's old slug redirects when it is
 * renamed. The paths are targets/document-name.ts's, which alone spells them.
 */
export const isReservedPath = (path: string): boolean => isServedPath(path);

/** A query the reader looks a redirect up for: one `name=value` pair, not a tracking parameter. */
export function isRedirectQuery(search: string): boolean {
  return /^\?[A-Za-z0-9_.-]{1,40}=[^&=]{1,200}$/.test(search) && !/^\?(?:utm_|fbclid=|gclid=|mc_)/i.test(search);
}

/** `/a/b/` → `/a/b`; `/` stays. */
const trimSlash = (path: string): string => (path.length > 1 && path.endsWith("/") ? path.replace(/\/+$/, "") || "/" : path);

/**
 * The normal form of a path the reader was asked for, as `from` is stored: the key it looks up.
 * @example redirectLookupPath("/2019/03/old/", "") // "/2019/03/old"
 * @example redirectLookupPath("/", "?p=12") // "/?p=12"
 */
export function redirectLookupPath(pathname: string, search: string): string {
  return `${trimSlash(pathname)}${search}`;
}

function plainText(raw: unknown, max: number): Checked<string> {
  if (typeof raw !== "string") return { ok: false, problem: "must be a string" };
  const text = raw.trim();
  if (text === "") return { ok: false, problem: "is empty" };
  if (CONTROL.test(raw)) return { ok: false, problem: "contains control characters" };
  if (INVISIBLE.test(raw)) return { ok: false, problem: "contains invisible direction or line-separator characters" };
  if (text.includes("\\")) return { ok: false, problem: "contains a backslash, which browsers read as a slash" };
  if (text.length > max * 3) return { ok: false, problem: `is longer than ${max} characters` };
  return { ok: true, value: text };
}

/**
 * Checks a `from` and gives its normal form. `siteUrl` is the site's origin (SITE_URL).
 * @example checkFrom("https://news.example/2019/03/old/", "https://news.example") // { ok: true, value: "/2019/03/old" }
 * @example checkFrom("https://evil.example/x", "https://news.example") // { ok: false, problem: "must be a path on this site …" }
 */
export function checkFrom(raw: unknown, siteUrl: string): Checked<string> {
  const text = plainText(raw, MAX_FROM_LENGTH);
  if (!text.ok) return text;
  const site = new URL(siteUrl);
  let url: URL;
  if (/^\/(?![/\\])/.test(text.value)) url = new URL(text.value, site.origin);
  else if (/^https?:\/\//i.test(text.value) && URL.canParse(text.value)) {
    url = new URL(text.value);
    if (url.host !== site.host || url.username || url.password)
      return { ok: false, problem: `must be a path on this site (${site.host}), not another host` };
  } else return { ok: false, problem: "must be a path starting with / (or a URL on this site)" };
  if (url.hash || text.value.includes("#")) return { ok: false, problem: "has a #fragment, which browsers never send" };
  const path = trimSlash(url.pathname);
  if (path.startsWith("//")) return { ok: false, problem: "starts with //, which browsers read as another host" };
  if (url.search && !isRedirectQuery(url.search))
    return { ok: false, problem: "may carry at most one query parameter, like ?p=123 (and no tracking parameters)" };
  if (isReservedPath(path) && !(path === "/" && url.search))
    return { ok: false, problem: `is a path Broadsheet serves itself (${path}): rename the article or listing instead` };
  const value = `${path}${url.search}`;
  if (value.length > MAX_FROM_LENGTH) return { ok: false, problem: `is longer than ${MAX_FROM_LENGTH} characters` };
  return { ok: true, value };
}

/**
 * Checks a `to` and gives its normal form: a path on this site (an absolute URL on this site's host
 * becomes its path), or an absolute http(s) URL elsewhere.
 * @example checkTo("javascript:alert(1)", "https://news.example") // { ok: false, problem: "must be a path … or an http(s) URL" }
 */
export function checkTo(raw: unknown, siteUrl: string): Checked<string> {
  const text = plainText(raw, MAX_TO_LENGTH);
  if (!text.ok) return text;
  const site = new URL(siteUrl);
  let value: string;
  if (/^\/(?![/\\])/.test(text.value)) {
    const url = new URL(text.value, site.origin);
    value = `${trimSlash(url.pathname)}${url.search}${url.hash}`;
  } else if (/^https?:\/\//i.test(text.value) && URL.canParse(text.value)) {
    const url = new URL(text.value);
    if (url.username || url.password) return { ok: false, problem: "must not carry a user name or password" };
    if (!url.hostname) return { ok: false, problem: "has no host" };
    value = url.host === site.host ? `${trimSlash(url.pathname)}${url.search}${url.hash}` : url.href;
  } else return { ok: false, problem: "must be a path starting with / or an absolute http(s) URL" };
  if (value.startsWith("//")) return { ok: false, problem: "starts with //, which browsers read as another host" };
  if (value.length > MAX_TO_LENGTH) return { ok: false, problem: `is longer than ${MAX_TO_LENGTH} characters` };
  return { ok: true, value };
}

/**
 * The key a `to` has among the `from`s, for following chains: its path and query without a
 * fragment, when it is a path on this site; undefined for another site.
 */
export function targetKey(to: string): string | undefined {
  if (!to.startsWith("/")) return undefined;
  const hash = to.indexOf("#");
  return hash < 0 ? to : to.slice(0, hash);
}

/** One redirect that cannot be stored: the index in the request, the field, and why. */
export interface RedirectProblem {
  index: number;
  field: "from" | "to";
  problem: string;
}

/** What storing a batch does: the rows that change, or the loop that refuses it. */
export type RedirectPlan = { ok: true; rows: Map<string, string> } | { ok: false; loop: RedirectProblem & { chain: string[] } };

/**
 * Plans a batch of checked redirects against what is stored, keeping every stored `to` final (no
 * `to` is another row's `from`), so a reader always gets one hop. The batch is laid over what is
 * stored, as one change; then each of its redirects, and each stored row that pointed at one of its
 * `from`s, goes to the end of its chain. A chain that comes back on itself is a loop, and refuses the
 * whole batch. `stored` holds at least the stored rows whose `from` is a new `to` and whose `to` is
 * a new `from`. Gives every row whose `to` changed or is new.
 *
 * @example
 * planRedirects([{ from: "/b", to: "/c" }], new Map([["/a", "/b"]])).rows // Map { "/b" → "/c", "/a" → "/c" }
 */
export function planRedirects(batch: Redirect[], stored: Map<string, string>): RedirectPlan {
  const graph = new Map(stored);
  for (const { from, to } of batch) graph.set(from, to);
  const froms = new Set(batch.map((r) => r.from));
  const indexOf = new Map(batch.map((r, i) => [r.from, i]));
  const changed = new Map<string, string>();
  const starts = [
    ...batch.map((r) => r.from),
    ...[...stored].filter(([, to]) => froms.has(targetKey(to) ?? "")).map(([from]) => from),
  ];
  for (const start of starts) {
    const chain = [start];
    let to = graph.get(start) as string;
    for (let key = targetKey(to); key !== undefined && graph.has(key); key = targetKey(to)) {
      chain.push(key);
      if (chain.indexOf(key) < chain.length - 1) {
        const loop = chain.slice(chain.indexOf(key));
        const index = indexOf.get(start) ?? loop.map((path) => indexOf.get(path)).find((i) => i !== undefined) ?? 0;
        return { ok: false, loop: { index, field: "to", problem: `makes a loop: ${loop.join(" → ")}`, chain: loop } };
      }
      to = graph.get(key) as string;
    }
    if (stored.get(start) !== to) changed.set(start, to);
  }
  return { ok: true, rows: changed };
}
