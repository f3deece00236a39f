/**
 * @module render/article
 * One article: headline, byline, lead figure and the body HTML that was sanitized when stored.
 */
import { raw } from "hono/html";
import { absoluteUrl, type Site } from "../core/config";
import { correctionLabel, noteAnchor } from "../core/corrections";
import { toRfc3339 } from "../core/dates";
import { fill, textOf } from "../core/interface-text-en";
import { listName } from "../core/mail";
import { type ResponsiveAttributes, responsiveAttributes } from "../core/responsive-images";
import type { StoredArticle } from "../core/schema";
import { absoluteImageUrl, lastChange } from "../feeds/model";
import { articlePath, authorPath, sectionPath, tagPath } from "../targets/document-name";
import { PublishedTime } from "./article-meta";
import { CorrectionNotes } from "./corrections";
import { type Alternate, Layout, type NavSection, toDocument } from "./layout";
import { LiveCoverage, LiveLabel, type LiveView, liveFeedPaths, liveJsonLd } from "./live";
import { SubscribeForm } from "./subscribe";

/** One version of an article in its translation group, as the page's hreflang links and language switcher show it. */
export interface ArticleVersion {
  /** Its edition's BCP 47 tag. */
  lang: string;
  /** Its edition's name, in its own language ("Español"). */
  name: string;
  /** Its page's path. */
  path: string;
  /** Whether it is this page. */
  current: boolean;
  /** Whether it is the x-default: the default edition's version, else the original. */
  xDefault: boolean;
}

/** The hreflang links of a page with translations: every version, itself included, and x-default. */
export function alternatesOf(site: Site, versions: ArticleVersion[]): Alternate[] {
  if (versions.length < 2) return [];
  const fallback = versions.find((version) => version.xDefault);
  return [
    ...versions.map((version) => ({ hreflang: version.lang, href: absoluteUrl(site, version.path) })),
    ...(fallback ? [{ hreflang: "x-default", href: absoluteUrl(site, fallback.path) }] : []),
  ];
}

/** The language switcher: a link to each other version, named in its own language. */
function LanguageSwitcher(props: { label: string; versions: ArticleVersion[] }) {
  return (
    <nav class="languages" aria-label={props.label}>
      <ul>
        {props.versions.map((version) => (
          <li>
            {version.current ? (
              <span aria-current="page" lang={version.lang}>
                {version.name}
              </span>
            ) : (
              <a href={version.path} hreflang={version.lang} lang={version.lang} rel="alternate">
                {version.name}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * Renders an article's page; a live article's (`live`, render/live.tsx) carries its coverage too,
 * and one with translations (`versions`, itself included) their hreflang links and a switcher.
 */
export function renderArticle(
  site: Site,
  article: StoredArticle,
  nav: NavSection[] = [],
  live?: LiveView,
  versions: ArticleVersion[] = [],
): Promise<string> {
  const text = textOf(site);
  const alternates = alternatesOf(site, versions);
  const url = absoluteUrl(site, articlePath(article.slug, site.edition));
  const image = article.image?.url ? absoluteImageUrl(site, article.image.url) : undefined;
  // A live article changes with each update: its newest change is its modified time.
  const modified = live ? latestOf(lastChange(article), live.updates[0]?.changedAt) : lastChange(article);
  const authorSlug = (i: number) => article.links?.authors[i];
  const jsonLd = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: article.title,
    description: article.summary,
    datePublished: toRfc3339(article.published),
    dateModified: toRfc3339(modified),
    articleSection: article.category,
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    url,
    inLanguage: site.language,
    ...(article.authors.length
      ? {
          author: article.authors.map((name, i) => {
            const slug = authorSlug(i);
            return { "@type": "Person", name, ...(slug ? { url: absoluteUrl(site, authorPath(slug, site.edition)) } : {}) };
          }),
        }
      : {}),
    ...(image ? { image: [image] } : {}),
    ...(article.tags.length ? { keywords: article.tags.join(", ") } : {}),
    publisher: { "@type": "Organization", name: site.title, url: absoluteUrl(site, "/") },
    ...(article.corrections?.length
      ? {
          correction: article.corrections.map((note) => ({
            "@type": "CorrectionComment",
            url: `${url}#${noteAnchor(note.id)}`,
            name: correctionLabel(note.kind, site.text),
            text: note.text,
            datePublished: toRfc3339(note.published),
            ...(note.modified ? { dateModified: toRfc3339(note.modified) } : {}),
          })),
        }
      : {}),
    ...(live ? liveJsonLd(site, article.slug, live) : {}),
  };
  return toDocument(
    <Layout
      site={site}
      nav={nav}
      {...(live ? { feeds: { ...liveFeedPaths(article.slug), title: `${article.title} (live)` } } : {})}
      meta={{
        title: article.title,
        description: article.summary,
        path: articlePath(article.slug, site.edition),
        type: "article",
        jsonLd,
        published: toRfc3339(article.published),
        modified: toRfc3339(modified),
        ...(image ? { image } : {}),
        ...(alternates.length ? { alternates } : {}),
      }}
    >
      <article>
        {alternates.length ? <LanguageSwitcher label={text.languages} versions={versions} /> : null}
        <header>
          <p class="kicker">
            {article.links ? <a href={sectionPath(article.links.section, site.edition)}>{article.category}</a> : article.category}
          </p>
          <h1>
            {article.title}
            {live?.open ? <LiveLabel site={site} /> : null}
          </h1>
          <p class="meta">
            {article.authors.length ? (
              <span>
                {text.by}{" "}
                {article.authors.map((name, i) => {
                  const slug = authorSlug(i);
                  return (
                    <>
                      {i === 0 ? "" : i === article.authors.length - 1 ? text.and : text.comma}
                      {slug ? (
                        <a href={authorPath(slug, site.edition)} rel="author">
                          {name}
                        </a>
                      ) : (
                        name
                      )}
                    </>
                  );
                })}
              </span>
            ) : null}
            <span>
              <PublishedTime site={site} iso={article.published} />
            </span>
            {article.updated ? (
              <span>
                {text.updated} <PublishedTime site={site} iso={article.updated} />
              </span>
            ) : null}
            <span>{fill(text.minRead, minutes(site.language, article.readingMinutes))}</span>
          </p>
        </header>
        {article.image ? (
          <figure class="lead">
            {image ? (
              // A size known from the upload keeps the page from shifting as the image loads, and
              // offers the narrower copies made of it.
              <img src={image} alt={article.image.alt} {...leadImageAttributes(site, article.image)} />
            ) : null}
            {article.image.caption || article.image.credit ? (
              <figcaption>
                {article.image.caption}
                {article.image.caption && article.image.credit ? " " : null}
                {article.image.credit ? <span class="credit">({article.image.credit})</span> : null}
              </figcaption>
            ) : null}
          </figure>
        ) : null}
        <div class="body">{raw(article.html)}</div>
        {article.corrections?.length ? <CorrectionNotes site={site} notes={article.corrections} /> : null}
        {live ? <LiveCoverage site={site} slug={article.slug} live={live} /> : null}
        {article.tags.length ? (
          <ul class="tags" aria-label={text.tags}>
            {article.tags.map((tag, i) => {
              const slug = article.links?.tags[i];
              return <li>{slug ? <a href={tagPath(slug, site.edition)}>{tag}</a> : tag}</li>;
            })}
          </ul>
        ) : null}
        {live?.open ? (
          <SubscribeForm site={site} list={listName({ edition: "", kind: "live", slug: article.slug })} name={article.title} />
        ) : article.links?.section ? (
          <SubscribeForm
            site={site}
            list={listName({ edition: site.edition ?? "", kind: "section", slug: article.links.section })}
            name={article.category}
          />
        ) : null}
      </article>
    </Layout>,
  );
}

/** The lead image's width, height, srcset and sizes, when it is one uploaded here whose size is known. */
function leadImageAttributes(
  site: Site,
  image: NonNullable<StoredArticle["image"]>,
): ResponsiveAttributes | Record<string, never> {
  const { url, width, height } = image;
  if (!url || !width || !height) return {};
  return responsiveAttributes(url, { width, height }, (path) => absoluteImageUrl(site, path)) ?? { width, height };
}

/** The later of an ISO time and a time in ms, as ISO. */
const latestOf = (iso: string, at: number | undefined): string =>
  at !== undefined && at > Date.parse(iso) ? new Date(at).toISOString() : iso;

/** A number of minutes as Intl says it in `language`: "5 min", "5 Min.", "٥ د". */
function minutes(language: string, n: number): string {
  try {
    return new Intl.NumberFormat(language, { style: "unit", unit: "minute", unitDisplay: "short" }).format(n);
  } catch {
    return `${n} min`;
  }
}
