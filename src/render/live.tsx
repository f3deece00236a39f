/**
 * @module render/live
 * Live coverage on a page: the "Live" label, the key events, the updates newest first (each with
 * its permalink and its time in the site's time zone), the pages of older updates, and the
 * `LiveBlogPosting` structured data. Update HTML was sanitized when it was saved.
 */

import { raw } from "hono/html";
import { absoluteUrl, type Site } from "../core/config";
import { toRfc3339 } from "../core/dates";
import { textOf } from "../core/interface-text-en";
import { type Coverage, LIVE_JSON_LD_UPDATES } from "../core/live";
import { feedPaths } from "../feeds/model";
import { articlePath, LIVE_PATHS, updateAnchor } from "../targets/document-name";
import { Layout, type NavSection, type PageFeeds, toDocument } from "./layout";
import { LIVE_SCRIPT_PATH } from "./live-script";

/** One update as a page shows it. */
export interface LiveUpdateView {
  id: string;
  /** Its time (ms): when it was posted. */
  at: number;
  changedAt: number;
  headline: string | null;
  /** Its headline, or the start of its text: for key events and structured data. */
  label: string;
  html: string;
  pinned: boolean;
}

/** A key event: a link to a pinned update, on the article page or on a page of older updates. */
export interface KeyEventView {
  id: string;
  label: string;
  at: number;
  page?: number;
}

/** What an article page shows of its coverage. */
export interface LiveView {
  coverage: Coverage;
  /** Whether coverage was open when the page was built. */
  open: boolean;
  /** The newest updates, newest first. */
  updates: LiveUpdateView[];
  keyEvents: KeyEventView[];
  /** The page of older updates the page links to, if it does not show them all. */
  olderPage?: number;
}

/** A live article's own feeds, beside its page: `/articles/<slug>/atom.xml` and so on. */
export const liveFeedPaths = (slug: string): PageFeeds & Record<"rss" | "atom" | "json", string> => ({
  ...feedPaths(articlePath(slug)),
  title: "",
});

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An update's time for readers, in the site's time zone, like "1 Dec, 14:05 GMT".
 * @example liveTime({ language: "en-GB", timeZone: "Europe/London" } as Site, Date.parse("2026-12-01T14:05:00Z")) // "1 Dec, 14:05 GMT"
 */
export function liveTime(site: Pick<Site, "language" | "timeZone">, at: number): string {
  const timeZone = site.timeZone ?? "UTC";
  const key = `${site.language}|${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(site.language, {
      timeZone,
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
    formatters.set(key, format);
  }
  return format.format(new Date(at));
}

/** The label beside the headline while coverage is open. */
export function LiveLabel(props: { site: Site }) {
  return <span class="live-label">{textOf(props.site).live}</span>;
}

function UpdateList(props: { site: Site; updates: LiveUpdateView[] }) {
  return (
    <ol class="updates">
      {props.updates.map((update) => (
        <li id={updateAnchor(update.id)}>
          <article aria-label={update.label}>
            <p class="meta">
              <a href={`#${updateAnchor(update.id)}`}>
                <time datetime={toRfc3339(update.at)}>{liveTime(props.site, update.at)}</time>
              </a>
              {update.pinned ? <span>Key event</span> : null}
            </p>
            {update.headline ? <h3>{update.headline}</h3> : null}
            <div class="body">{raw(update.html)}</div>
          </article>
        </li>
      ))}
    </ol>
  );
}

/**
 * The coverage under the article's text: key events, then the updates. While coverage is open the
 * section names its JSON document, and the optional script (render/live-script.ts) offers new
 * updates from it; without the script the page is complete as it is.
 */
export function LiveCoverage(props: { site: Site; slug: string; live: LiveView }) {
  const { site, slug, live } = props;
  const newest = live.updates[0]?.at ?? 0;
  return (
    <>
      {live.keyEvents.length ? (
        <nav class="key-events" aria-labelledby="key-events-heading">
          <h2 id="key-events-heading">Key events</h2>
          <ul>
            {live.keyEvents.map((event) => (
              <li>
                <a href={event.page === undefined ? `#${updateAnchor(event.id)}` : LIVE_PATHS.update(slug, event.id, event.page)}>
                  {event.label}
                </a>{" "}
                <time class="meta" datetime={toRfc3339(event.at)}>
                  {liveTime(site, event.at)}
                </time>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <section
        class="live-updates"
        id="live-updates"
        aria-labelledby="live-updates-heading"
        data-since={String(newest)}
        {...(live.open ? { "data-live-status": LIVE_PATHS.status(slug) } : {})}
      >
        <h2 id="live-updates-heading">Updates</h2>
        {live.updates.length ? <UpdateList site={site} updates={live.updates} /> : <p>No updates yet.</p>}
        {live.olderPage ? (
          <nav class="pager" aria-label="Older updates">
            <a href={LIVE_PATHS.older(slug, live.olderPage)}>Earlier updates</a>
          </nav>
        ) : null}
      </section>
      {live.open ? <script src={LIVE_SCRIPT_PATH} defer /> : null}
    </>
  );
}

/** The structured data of a live article: a `LiveBlogPosting` with its newest updates. */
export function liveJsonLd(site: Site, slug: string, live: LiveView): Record<string, unknown> {
  return {
    "@type": "LiveBlogPosting",
    coverageStartTime: toRfc3339(live.coverage.start),
    ...(live.coverage.end ? { coverageEndTime: toRfc3339(live.coverage.end) } : {}),
    liveBlogUpdate: live.updates.slice(0, LIVE_JSON_LD_UPDATES).map((update) => ({
      "@type": "BlogPosting",
      headline: update.label,
      datePublished: toRfc3339(update.at),
      dateModified: toRfc3339(update.changedAt),
      url: absoluteUrl(site, LIVE_PATHS.update(slug, update.id)),
    })),
  };
}

/** One page of older updates: what the article page no longer shows, 50 at a time, oldest page first. */
export function renderOlderUpdates(
  site: Site,
  options: { slug: string; title: string; page: number; pages: number; updates: LiveUpdateView[]; nav: NavSection[] },
): Promise<string> {
  const { slug, title, page, pages } = options;
  const path = LIVE_PATHS.older(slug, page);
  return toDocument(
    <Layout
      site={site}
      nav={options.nav}
      feeds={{ ...liveFeedPaths(slug), title }}
      meta={{
        title: `${title}: updates, page ${page} of ${pages}`,
        description: `Earlier updates of ${title}.`,
        path,
        type: "article",
      }}
    >
      <article>
        <header>
          <p class="kicker">
            <a href={articlePath(slug)}>Back to the latest updates</a>
          </p>
          <h1>
            {title}: updates, page {page} of {pages}
          </h1>
        </header>
        <section class="live-updates" aria-label="Updates">
          <UpdateList site={site} updates={options.updates} />
        </section>
        <nav class="pager" aria-label="More updates">
          {page > 1 ? <a href={LIVE_PATHS.older(slug, page - 1)}>Earlier updates</a> : <span />}
          <a href={page < pages ? LIVE_PATHS.older(slug, page + 1) : articlePath(slug)}>Later updates</a>
        </nav>
      </article>
    </Layout>,
  );
}
