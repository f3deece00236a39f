/**
 * @module render/article
 * One article: headline, byline, lead figure and the body HTML that was sanitized when stored.
 */
import { raw } from "hono/html";
import { absoluteUrl, type Site } from "../core/config";
import { correctionLabel, noteAnchor } from "../core/corrections";
import { toRfc3339 } from "../core/dates";
import { listName } from "../core/mail";
import { type ResponsiveAttributes, responsiveAttributes } from "../core/responsive-images";
import type { StoredArticle } from "../core/schema";
import { absoluteImageUrl, lastChange } from "../feeds/model";
import { articlePath, authorPath, sectionPath, tagPath } from "../targets/document-name";
import { PublishedTime } from "./article-meta";
import { CorrectionNotes } from "./corrections";
import { Layout, type NavSection, toDocument } from "./layout";
import { LiveCoverage, LiveLabel, type LiveView, liveFeedPaths, liveJsonLd } from "./live";
import { SubscribeForm } from "./subscribe";

/** Renders an article's page; a live article's (`live`, render/live.tsx) carries its coverage too. */
export function renderArticle(site: Site, article: StoredArticle, nav: NavSection[] = [], live?: LiveView): Promise<string> {
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
            name: correctionLabel(note.kind),
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
      }}
    >
      <article>
        <header>
          <p class="kicker">
            {article.links ? <a href={sectionPath(article.links.section, site.edition)}>{article.category}</a> : article.category}
          </p>
          <h1>
            {article.title}
            {live?.open ? <LiveLabel /> : null}
          </h1>
          <p class="meta">
            {article.authors.length ? (
              <span>
                By{" "}
                {article.authors.map((name, i) => {
                  const slug = authorSlug(i);
                  return (
                    <>
                      {i === 0 ? "" : i === article.authors.length - 1 ? " and " : ", "}
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
                Updated <PublishedTime site={site} iso={article.updated} />
              </span>
            ) : null}
            <span>{article.readingMinutes} min read</span>
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
          <ul class="tags" aria-label="Tags">
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
