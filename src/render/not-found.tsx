/**
 * @module render/not-found
 * The 404 and 410 pages: real pages with a way back, never a bare status.
 */
import type { Site } from "../core/config";
import { Layout, toDocument } from "./layout";

export function renderNotFound(site: Site, path: string): Promise<string> {
  return toDocument(
    <Layout
      site={site}
      meta={{ title: "Page not found", description: "There is no page at this address.", path, type: "website", noindex: true }}
    >
      <h1>Page not found</h1>
      <p>There is no page at this address. It may have moved, or it may not be published yet.</p>
      <p>
        <a href="/">See the latest articles</a>
      </p>
    </Layout>,
  );
}

export function renderGone(site: Site, path: string): Promise<string> {
  return toDocument(
    <Layout
      site={site}
      meta={{ title: "Article removed", description: "This article has been removed.", path, type: "website", noindex: true }}
    >
      <h1>Article removed</h1>
      <p>The article that was at this address has been removed by the editors.</p>
      <p>
        <a href="/">See the latest articles</a>
      </p>
    </Layout>,
  );
}
