/**
 * @module render/home
 * The list of latest articles, twenty to a page, with links to older and newer pages.
 */
import { articlePath, listPath, type Site } from "../config";
import type { ListEntry } from "../content/schema";
import { PublishedTime } from "./article-meta";
import { Layout, toDocument } from "./layout";

export interface HomeModel {
  entries: ListEntry[];
  page: number;
  hasOlder: boolean;
}

export function renderHome(site: Site, model: HomeModel): Promise<string> {
  const { entries, page, hasOlder } = model;
  const heading = page === 1 ? "Latest articles" : `Latest articles, page ${page}`;
  return toDocument(
    <Layout
      site={site}
      meta={{
        ...(page > 1 ? { title: `Page ${page}` } : {}),
        description: site.description,
        path: listPath(page),
        type: "website",
      }}
    >
      <h1>{heading}</h1>
      {entries.length === 0 ? <p>Nothing has been published yet.</p> : null}
      <ol class="articles">
        {entries.map((entry) => (
          <li>
            <article>
              <p class="kicker">{entry.category}</p>
              <h2>
                <a href={articlePath(entry.slug)}>{entry.title}</a>
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
        <nav class="pager" aria-label="Pages">
          {page > 1 ? (
            <a href={listPath(page - 1)} rel="prev">
              ← Newer articles
            </a>
          ) : (
            <span />
          )}
          {hasOlder ? (
            <a href={listPath(page + 1)} rel="next">
              Older articles →
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>,
  );
}
