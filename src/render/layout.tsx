/**
 * @module render/layout
 * The page shell: head metadata (canonical URL, Open Graph, Twitter card, feed discovery) and the
 * site header and footer. hono/jsx escapes every text and attribute value.
 */
import { html, raw } from "hono/html";
import type { Child } from "hono/jsx";
import { absoluteUrl, type Site } from "../core/config";
import { directionOf } from "../core/direction";
import { jsonForHtml } from "../core/escape";
import { textOf } from "../core/interface-text-en";
import { HOME_FEED_PATHS } from "../feeds/model";
import { correctionsPath, homeOf, listingPagePath, OPENSEARCH_PATH, searchPath, sectionPath } from "../targets/document-name";
import { STYLES } from "./styles";

export interface PageMeta {
  /** The page's own title, without the site name. Omit for the home page. */
  title?: string;
  description: string;
  /** Path of the canonical URL, like `/articles/x`. */
  path: string;
  type: "website" | "article" | "profile";
  image?: string;
  /** Structured data for search engines, embedded as JSON-LD. */
  jsonLd?: object;
  /** Article times for Open Graph. */
  published?: string;
  modified?: string;
  /** Whether search engines should leave the page out (404s). */
  noindex?: boolean;
  /** The page's versions in every edition, itself included (hreflang); none for a page with no translations. */
  alternates?: Alternate[];
}

/** One version of a page in a translation group, as `<link rel="alternate" hreflang>` names it. */
export interface Alternate {
  /** The BCP 47 tag, or "x-default". */
  hreflang: string;
  /** The absolute URL. */
  href: string;
}

/** A section in the header's navigation. */
export interface NavSection {
  slug: string;
  name: string;
}

/** The feeds a page advertises for autodiscovery: its listing's own, or the site's. */
export interface PageFeeds {
  rss: string;
  atom: string;
  json: string;
  title: string;
}

export function Layout(props: { site: Site; meta: PageMeta; nav?: NavSection[]; feeds?: PageFeeds; children: Child }) {
  const { site, meta } = props;
  const feeds = props.feeds ?? { ...HOME_FEED_PATHS, title: site.title };
  const title = meta.title ? `${meta.title} · ${site.title}` : site.title;
  const url = absoluteUrl(site, meta.path);
  const text = textOf(site);
  return (
    <html lang={site.language} dir={directionOf(site.language)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={meta.description} />
        <link rel="canonical" href={url} />
        {meta.noindex ? <meta name="robots" content="noindex" /> : null}
        {(meta.alternates ?? []).map((alternate) => (
          <link rel="alternate" hreflang={alternate.hreflang} href={alternate.href} />
        ))}
        <link rel="alternate" type="application/rss+xml" title={`${feeds.title} (RSS)`} href={absoluteUrl(site, feeds.rss)} />
        <link rel="alternate" type="application/atom+xml" title={`${feeds.title} (Atom)`} href={absoluteUrl(site, feeds.atom)} />
        <link
          rel="alternate"
          type="application/feed+json"
          title={`${feeds.title} (JSON Feed)`}
          href={absoluteUrl(site, feeds.json)}
        />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="search" type="application/opensearchdescription+xml" title={site.title} href={OPENSEARCH_PATH} />
        <meta property="og:site_name" content={site.title} />
        <meta property="og:type" content={meta.type} />
        <meta property="og:title" content={meta.title ?? site.title} />
        <meta property="og:description" content={meta.description} />
        <meta property="og:url" content={url} />
        <meta property="og:locale" content={site.language.replace("-", "_")} />
        {meta.image ? <meta property="og:image" content={meta.image} /> : null}
        {meta.published ? <meta property="article:published_time" content={meta.published} /> : null}
        {meta.modified ? <meta property="article:modified_time" content={meta.modified} /> : null}
        <meta name="twitter:card" content={meta.image ? "summary_large_image" : "summary"} />
        <meta name="twitter:title" content={meta.title ?? site.title} />
        <meta name="twitter:description" content={meta.description} />
        {meta.image ? <meta name="twitter:image" content={meta.image} /> : null}
        <meta name="color-scheme" content="light dark" />
        <style>{raw(STYLES)}</style>
        {meta.jsonLd ? <script type="application/ld+json">{raw(jsonForHtml(meta.jsonLd))}</script> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          {text.skip}
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href={listingPagePath(homeOf(site.edition ?? ""), 1)}>
              {site.title}
            </a>
            <search aria-label={text.search}>
              <form class="site-search" action={searchPath(site.edition)} method="get">
                <label for="site-search">{text.search}</label>
                <input id="site-search" type="search" name="q" autocomplete="off" />
                <button type="submit">{text.go}</button>
              </form>
            </search>
            <nav class="feeds" aria-label={text.feeds}>
              <a href={feeds.rss}>RSS</a>
              <a href={feeds.atom}>Atom</a>
              <a href={feeds.json}>JSON Feed</a>
            </nav>
            {props.nav?.length ? (
              <nav class="sections" aria-label={text.sections}>
                <ul>
                  {props.nav.map((section) => (
                    <li>
                      <a href={sectionPath(section.slug, site.edition)}>{section.name}</a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
          </div>
        </header>
        <main id="main" class="wrap">
          {props.children}
        </main>
        <footer class="site">
          <div class="wrap">
            <p>{site.description}</p>
            <p>
              <a href={correctionsPath(site.edition)}>{text.corrections}</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Renders a page element to a complete HTML document. */
export async function toDocument(element: Child): Promise<string> {
  return String(await html`<!doctype html>${element}`);
}
