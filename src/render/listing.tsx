/**
 * @module render/listing
 * A listing of articles, twenty to a page, with links to older and newer pages: the home page, a
 * section, a tag or an author (with the author's profile).
 */
import type { Child } from "hono/jsx";
import type { Site } from "../core/config";
import { fill, textOf } from "../core/interface-text-en";
import type { ListEntry } from "../core/schema";
import { articlePath, sectionPath } from "../targets/document-name";
import { PublishedTime } from "./article-meta";
import { Layout, type NavSection, toDocument } from "./layout";

/** Which listing a page belongs to, and where its pages and feeds are. */
export interface ListingView {
  /** The heading of the first page, like "Latest articles" or "World". */
  heading: string;
  description: string;
  /** The path of page `n`. */
  path: (page: number) => string;
  /** Its own three feeds (paths), for autodiscovery. */
  feeds: { rss: string; atom: string; json: string };
  /** The feeds' title, like "World · Broadsheet". */
  feedTitle: string;
  author?: { name: string; bio: string; url?: string; photoUrl?: string };
  /** What to say when it has nothing yet. */
  empty: string;
}

export interface ListingModel {
  view: ListingView;
  entries: ListEntry[];
  page: number;
  hasOlder: boolean;
  nav: NavSection[];
  /**
   * The subscribe form, rendered at publish time by the builder of a listing's first page
   * (render/subscribe.tsx); pages rendered on request have none, so the reader carries no form.
   */
  subscribe?: Child;
}

export function renderListing(site: Site, model: ListingModel): Promise<string> {
  const { view, entries, page, hasOlder } = model;
  const text = textOf(site);
  const pageLabel = fill(text.page, page);
  const heading = page === 1 ? view.heading : `${view.heading}${fill(text.pageSuffix, page)}`;
  const home = view.path(1) === "/";
  return toDocument(
    <Layout
      site={site}
      nav={model.nav}
      feeds={{ ...view.feeds, title: view.feedTitle }}
      meta={{
        ...(home && page === 1 ? {} : { title: home ? pageLabel : heading }),
        description: view.description,
        path: view.path(page),
        type: view.author ? "profile" : "website",
      }}
    >
      <h1>{heading}</h1>
      {view.author && page === 1 ? (
        <section class="profile" aria-label="About the author">
          {view.author.photoUrl ? <img src={view.author.photoUrl} alt="" width="96" height="96" /> : null}
          {view.author.bio ? <p>{view.author.bio}</p> : null}
          {view.author.url ? (
            <p>
              <a href={view.author.url} rel="me">
                {view.author.url}
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
      {entries.length === 0 ? <p>{view.empty}</p> : null}
      <ol class="articles">
        {entries.map((entry) => (
          <li>
            <article>
              <p class="kicker">
                {entry.section ? <a href={sectionPath(entry.section, site.edition)}>{entry.category}</a> : entry.category}
              </p>
              <h2>
                <a href={articlePath(entry.slug, site.edition)}>{entry.title}</a>
              </h2>
              <p class="meta">
                <PublishedTime site={site} iso={entry.published} />
              </p>
              <p>{entry.summary}</p>
            </article>
          </li>
        ))}
      </ol>
      {page > 1 || hasOlder ? (
        <nav class="pager" aria-label={text.pages}>
          {page > 1 ? (
            <a href={view.path(page - 1)} rel="prev">
              {text.newer}
            </a>
          ) : (
            <span />
          )}
          {hasOlder ? (
            <a href={view.path(page + 1)} rel="next">
              {text.older}
            </a>
          ) : null}
        </nav>
      ) : null}
      {model.subscribe ?? null}
    </Layout>,
  );
}
