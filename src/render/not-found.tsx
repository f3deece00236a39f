/**
 * @module render/not-found
 * The 404 and 410 pages: real pages with a way back, never a bare status, in the edition's language
 * (the site's `text`; English when it has none).
 */
import type { Site } from "../core/config";
import { textOf } from "../core/interface-text-en";
import { homeOf, listingPagePath } from "../targets/document-name";
import { Layout, type NavSection, toDocument } from "./layout";

export function renderNotFound(site: Site, path: string, nav: NavSection[] = []): Promise<string> {
  const text = textOf(site);
  return toDocument(
    <Layout
      site={site}
      nav={nav}
      meta={{ title: text.notFoundTitle, description: text.notFoundDescription, path, type: "website", noindex: true }}
    >
      <h1>{text.notFoundTitle}</h1>
      <p>{text.notFoundBody}</p>
      <p>
        <a href={listingPagePath(homeOf(site.edition ?? ""), 1)}>{text.seeLatest}</a>
      </p>
    </Layout>,
  );
}

export function renderGone(site: Site, path: string, nav: NavSection[] = []): Promise<string> {
  const text = textOf(site);
  return toDocument(
    <Layout
      site={site}
      nav={nav}
      meta={{ title: text.goneTitle, description: text.goneDescription, path, type: "website", noindex: true }}
    >
      <h1>{text.goneTitle}</h1>
      <p>{text.goneBody}</p>
      <p>
        <a href={listingPagePath(homeOf(site.edition ?? ""), 1)}>{text.seeLatest}</a>
      </p>
    </Layout>,
  );
}
