/**
 * @module config
 * The Worker's bindings and the site settings read from `[vars]` in wrangler.toml.
 */

export interface Env {
  ARTICLES: KVNamespace;
  SITE_TITLE: string;
  SITE_DESCRIPTION: string;
  SITE_URL: string;
  SITE_LANGUAGE: string;
  /** Comma-separated bearer tokens for the editors' API; a Worker secret. Unset disables the API. */
  EDITOR_TOKENS?: string;
}

export interface Site {
  title: string;
  description: string;
  /** The public origin, without a trailing slash. All absolute URLs are built from it. */
  url: string;
  language: string;
}

let cached: { env: Env; site: Site } | undefined;

/** Reads and checks the site settings once per isolate. A bad setting throws with its name. */
export function siteFromEnv(env: Env): Site {
  if (cached?.env === env) return cached.site;
  const required = (name: keyof Env): string => {
    const value = env[name];
    if (typeof value !== "string" || value.trim() === "") throw new Error(`[vars] ${name} must be set in wrangler.toml`);
    return value.trim();
  };
  const url = required("SITE_URL").replace(/\/+$/, "");
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new Error(`[vars] SITE_URL must be an absolute http(s) URL, not ${JSON.stringify(url)}`);
  }
  const language = required("SITE_LANGUAGE");
  // Checked here, once, rather than failing inside Intl.DateTimeFormat on every page.
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(language)[0];
  } catch {
    canonical = undefined;
  }
  if (!canonical)
    throw new Error(`[vars] SITE_LANGUAGE must be a BCP 47 language tag like en or en-GB, not ${JSON.stringify(language)}`);
  const site: Site = { title: required("SITE_TITLE"), description: required("SITE_DESCRIPTION"), url, language: canonical };
  cached = { env, site };
  return site;
}

/** Absolute URL for a path on this site. */
export const absoluteUrl = (site: Site, path: string): string => `${site.url}${path}`;

export const articlePath = (slug: string): string => `/articles/${slug}`;
export const listPath = (page: number): string => (page <= 1 ? "/" : `/page/${page}`);
export const RSS_PATH = "/rss.xml";
export const JSON_FEED_PATH = "/feed.json";
