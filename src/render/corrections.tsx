/**
 * @module render/corrections
 * Corrections and clarifications for readers: the dated notes at the end of an article's body, and
 * the corrections page, which lists every one, newest first, each linked to its note on its article.
 */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Site } from "../core/config";
import type { StoredCorrection } from "../core/correction-schema";
import { correctionLabel, noteAnchor } from "../core/corrections";
import { displayDate, toRfc3339 } from "../core/dates";
import { CORRECTIONS } from "../targets/corrections";
import { articlePath } from "../targets/document-name";
import { Layout, type NavSection, toDocument } from "./layout";

/** A note's label, as every medium shows it: "Correction, 2 December 2026", the date in the site's zone. */
function NoteLabel(props: { site: Site; note: Pick<StoredCorrection, "kind" | "published"> }) {
  const { site, note } = props;
  return (
    <>
      {correctionLabel(note.kind, site.text)},{" "}
      <time datetime={toRfc3339(note.published)}>{displayDate(note.published, site.language, site.timeZone)}</time>
    </>
  );
}

/**
 * An article's notes, oldest first, in one place on every article: after the body, before the tags.
 * Each has an anchor (`#correction-<id>`) that the corrections page and feeds link to.
 */
export function CorrectionNotes(props: { site: Site; notes: StoredCorrection[] }) {
  return (
    <section class="corrections" aria-label="Corrections and clarifications">
      {props.notes.map((note) => (
        <p class="correction" id={noteAnchor(note.id)}>
          <strong>
            <NoteLabel site={props.site} note={note} />:
          </strong>{" "}
          {/* Sanitized when the note was written (core/markdown.ts renderNote). */}
          {raw(note.html)}
        </p>
      ))}
    </section>
  );
}

/** One entry of the corrections page: a note and the article it belongs to. */
export interface CorrectionsEntry extends StoredCorrection {
  article: { slug: string; title: string };
}

export interface CorrectionsPageModel {
  entries: CorrectionsEntry[];
  /** How many there are in all; the page shows the newest `entries`. */
  total: number;
  nav: NavSection[];
  /** The subscribe form, rendered by the builder at publish time (render/subscribe.tsx); none on pages rendered on request. */
  subscribe?: Child;
}

export const CORRECTIONS_HEADING = "Corrections and clarifications";

export function renderCorrectionsPage(site: Site, model: CorrectionsPageModel): Promise<string> {
  const description = `Every correction and clarification ${site.title} has published, newest first.`;
  return toDocument(
    <Layout
      site={site}
      nav={model.nav}
      feeds={{ ...CORRECTIONS.feeds, title: `${CORRECTIONS_HEADING} · ${site.title}` }}
      meta={{ title: CORRECTIONS_HEADING, description, path: CORRECTIONS.path, type: "website" }}
    >
      <h1>{CORRECTIONS_HEADING}</h1>
      <p>
        When we get something wrong, we put it right in public. A correction fixes an error of fact; a clarification adds context
        that a reader needed. Each note also appears at the end of the article it concerns.
      </p>
      {model.entries.length === 0 ? <p>No corrections or clarifications have been published.</p> : null}
      {model.total > model.entries.length ? (
        <p>
          The newest {model.entries.length} of {model.total}; the feeds and each article carry the rest.
        </p>
      ) : null}
      <ol class="articles corrections-list">
        {model.entries.map((entry) => (
          <li>
            <article aria-labelledby={`${noteAnchor(entry.id)}-title`}>
              <p class="meta">
                <NoteLabel site={site} note={entry} />
              </p>
              <h2 id={`${noteAnchor(entry.id)}-title`}>
                <a href={`${articlePath(entry.article.slug)}#${noteAnchor(entry.id)}`}>{entry.article.title}</a>
              </h2>
              <p>{raw(entry.html)}</p>
            </article>
          </li>
        ))}
      </ol>
      {model.subscribe ?? null}
    </Layout>,
  );
}
