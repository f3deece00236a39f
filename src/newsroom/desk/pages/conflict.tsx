/**
 * @module newsroom/desk/pages/conflict
 * A save that lost a race: someone else saved the article after this editor loaded it. Both
 * versions are shown with the difference, and nothing is saved until the editor chooses.
 */
import type { DiffLine } from "../diff";
import type { EditorFields } from "../form";
import { formatTime } from "../time-zone";
import { DiffView } from "./diff-view";

export function ConflictPage(props: {
  slug: string;
  /** The version the editor's changes were made to: their browser's unsaved copy names it. */
  myVersion: string;
  /** The version now stored, which "Keep my version" overwrites knowingly. */
  theirVersion: string;
  theirs: { text: string; by: string; at: number };
  mine: { text: string; fields: EditorFields };
  diff: DiffLine[] | null;
  zone: string;
}) {
  const { fields } = props.mine;
  return (
    <>
      <div class="notice alert" role="alert">
        <p>
          {props.theirs.by} saved “{props.slug}” at {formatTime(props.theirs.at, props.zone)}, after you opened it. Your changes
          are not saved yet: compare the two, then choose.
        </p>
      </div>
      <DiffView lines={props.diff} caption="From their version to yours" />
      <div class="versions">
        <section aria-labelledby="theirs-heading">
          <h2 id="theirs-heading">Their version</h2>
          <pre tabindex={0}>{props.theirs.text}</pre>
        </section>
        <section aria-labelledby="mine-heading">
          <h2 id="mine-heading">Your version</h2>
          <pre tabindex={0}>{props.mine.text}</pre>
        </section>
      </div>
      <div class="actions">
        {/* Your fields, resent with the version now stored: an explicit overwrite. */}
        <form method="post" action={`/desk/articles/${props.slug}`}>
          <input type="hidden" name="version" value={props.theirVersion} />
          <input type="hidden" name="title" value={fields.title} />
          <input type="hidden" name="category" value={fields.category} />
          <input type="hidden" name="tags" value={fields.tags} />
          {fields.authors.map((name) => (
            <input type="hidden" name="authors" value={name} />
          ))}
          <input type="hidden" name="authors_other" value={fields.authorsOther} />
          <input type="hidden" name="summary" value={fields.summary} />
          <input type="hidden" name="published" value={fields.published} />
          <input type="hidden" name="updated" value={fields.updated} />
          <input type="hidden" name="published_was" value={fields.was.published} />
          <input type="hidden" name="updated_was" value={fields.was.updated} />
          <input type="hidden" name="tags_was" value={fields.was.tags} />
          {fields.draft ? <input type="hidden" name="draft" value="on" /> : null}
          <input type="hidden" name="image_url" value={fields.imageUrl} />
          <input type="hidden" name="image_alt" value={fields.imageAlt} />
          <input type="hidden" name="image_caption" value={fields.imageCaption} />
          <input type="hidden" name="image_credit" value={fields.imageCredit} />
          <input type="hidden" name="body" value={fields.body} />
          <button type="submit" class="primary">
            Keep my version
          </button>
        </form>
        <a class="button" href={`/desk/articles/${props.slug}?discard=${encodeURIComponent(props.myVersion)}`}>
          Discard mine and edit theirs
        </a>
      </div>
    </>
  );
}
