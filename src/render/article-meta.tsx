/**
 * @module render/article-meta
 * The byline shared by list entries and article pages: category, dates and reading time. Dates are
 * formatted with Intl in the edition's language and time zone.
 */
import type { Site } from "../core/config";
import { displayDate, toRfc3339 } from "../core/dates";

export function PublishedTime(props: { site: Site; iso: string }) {
  return <time datetime={toRfc3339(props.iso)}>{displayDate(props.iso, props.site.language, props.site.timeZone)}</time>;
}
