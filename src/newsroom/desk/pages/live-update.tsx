/**
 * @module newsroom/desk/pages/live-update
 * Beside a live article in the editor: one short form to post an update, and the latest few
 * updates with their times. Editing and removing updates is the API's (newsroom/api-live.ts).
 */

import { LIVE_PATHS } from "../../../targets/document-name";
import { formatTime } from "../time-zone";

/** An update as the desk lists it. */
export interface DeskUpdate {
  id: string;
  at: number;
  label: string;
  pinned: boolean;
}

export interface LiveDeskProps {
  slug: string;
  zone: string;
  /** The newest updates, newest first. */
  updates: DeskUpdate[];
  total: number;
  /** What the editor posted, kept when it was refused. */
  draft?: { headline: string; body: string; pinned: boolean };
  /** Why the last post was refused, by field. */
  problems?: Map<string, string>;
}

/** Updates the desk lists under the form. */
export const DESK_UPDATES_SHOWN = 5;

export function LiveUpdateForm(props: LiveDeskProps) {
  const { slug, problems = new Map<string, string>() } = props;
  const error = (name: string) =>
    problems.has(name) ? (
      <p class="error" id={`update-${name}-error`}>
        {problems.get(name)}
      </p>
    ) : null;
  const invalid = (name: string) =>
    problems.has(name) ? { "aria-invalid": "true" as const, "aria-describedby": `update-${name}-error` } : {};
  return (
    <section class="tools live-desk" id="live-updates" aria-labelledby="live-desk-heading">
      <h2 id="live-desk-heading">Live updates</h2>
      <form method="post" action={`/desk/articles/${slug}/updates`}>
        <div class="field">
          <label for="update-headline">Headline (optional)</label>
          <input
            id="update-headline"
            name="headline"
            type="text"
            maxlength={200}
            value={props.draft?.headline ?? ""}
            {...invalid("headline")}
          />
          {error("headline")}
        </div>
        <div class="field">
          <label for="update-body">Update</label>
          <textarea id="update-body" name="body" rows={4} required {...invalid("body")}>
            {props.draft?.body ?? ""}
          </textarea>
          {error("body")}
        </div>
        <div class="check">
          <input type="checkbox" id="update-pinned" name="pinned" checked={props.draft?.pinned ?? false} />
          <label for="update-pinned">Key event</label>
        </div>
        <button type="submit" class="primary">
          Post update
        </button>
      </form>
      {props.updates.length ? (
        <>
          <p>
            {props.total} {props.total === 1 ? "update" : "updates"}; the latest:
          </p>
          <ul>
            {props.updates.map((update) => (
              <li>
                <a href={LIVE_PATHS.update(slug, update.id)}>{formatTime(update.at, props.zone)}</a> {update.label}
                {update.pinned ? " (key event)" : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>No updates yet.</p>
      )}
    </section>
  );
}
