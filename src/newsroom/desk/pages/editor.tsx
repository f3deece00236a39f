/**
 * @module newsroom/desk/pages/editor
 * The article editor: every field of the one schema, with its error beside it; the Markdown body
 * (which the script turns into an OverType editor, keeping the real textarea); the live preview;
 * and, for a stored article, history, rename, trash and a draft preview link.
 */
import type { Child } from "hono/jsx";
import { CORRECTION_KINDS, type CorrectionKind, correctionLabel } from "../../../core/corrections";
import { LIMITS } from "../../../core/limits";
import type { AuthorRow, SectionRow } from "../../../data/taxonomy";
import { articlePath } from "../../../targets/document-name";
import type { EditorFields } from "../form";
import { STATUS_NAMES, type Status } from "../queries";
import { formatTime } from "../time-zone";
import { type LiveDeskProps, LiveUpdateForm } from "./live-update";

export interface EditorProps {
  /** The article's slug; none for a new one. */
  slug?: string | undefined;
  /** The key of the browser's unsaved copy: the editor, and the stored article's id (which a rename keeps) or "new". */
  autosaveKey: string;
  /** The stored version this form was loaded from: the save's If-Match. */
  version?: string | undefined;
  status?: Status | undefined;
  fields: EditorFields;
  problems: Map<string, string>;
  authors: AuthorRow[];
  sections: SectionRow[];
  zone: string;
  zoneLabel: string;
  now: number;
  /** A preview link just made, with when it expires. */
  previewLink?: { url: string; expires: number } | undefined;
  /** The stored article's current corrections and clarifications, oldest first. */
  corrections?: DeskCorrection[] | undefined;
  /** A correction the editor sent that was refused: shown again, with its problem. */
  correctionDraft?: { kind: string; text: string; problem: string } | undefined;
  /** A live article's update form and latest updates. */
  live?: LiveDeskProps | undefined;
  /** What the viewer's role may do here: the buttons it does not allow are not shown. */
  may?: { publish: boolean; review: boolean; signOff: boolean; corrections: boolean } | undefined;
  /** The stored article's review workflow, sign-off and internal notes. */
  workflow?: DeskWorkflow | undefined;
}

/** What the desk shows of an article's workflow (newsroom/workflow.ts's workflowView, and the notes). */
export interface DeskWorkflow {
  state: string;
  by: string | null;
  approvedVersion: string | null;
  approvalCurrent: boolean;
  signOff: boolean;
  signedOff: { version: string; by: string | null; at: string | null; current: boolean } | null;
  notes: Array<{ at: number; by: string; body: string }>;
}

/** What the desk shows of one correction. */
export interface DeskCorrection {
  id: string;
  kind: CorrectionKind;
  text: string;
  version: string;
  createdAt: number;
  createdBy: string;
}

/** A labelled field with its hint and its error, wired for screen readers. */
function Field(props: { name: string; label: string; problems: Map<string, string>; hint?: Child; children: Child }) {
  const problem = props.problems.get(props.name);
  return (
    <div class={`field${problem ? " invalid" : ""}`}>
      <label for={props.name}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      {problem ? (
        <p class="error" id={`${props.name}-error`}>
          {props.label}: {problem}
        </p>
      ) : null}
    </div>
  );
}

/** The aria attributes of a field's input: its hint and error, and whether it is invalid. */
function described(name: string, problems: Map<string, string>, hint = false) {
  const ids = [hint ? `${name}-hint` : "", problems.has(name) ? `${name}-error` : ""].filter(Boolean).join(" ");
  return {
    id: name,
    name,
    ...(ids ? { "aria-describedby": ids } : {}),
    ...(problems.has(name) ? { "aria-invalid": "true" as const } : {}),
  };
}

export function EditorPage(props: EditorProps) {
  const { fields, problems, slug } = props;
  const isNew = slug === undefined;
  const action = isNew ? "/desk/new" : `/desk/articles/${slug}`;
  const profileNames = new Set(props.authors.map((a) => a.name));
  // The byline's own order first, as the boxes are posted in page order; then everyone else.
  const byName = new Map(props.authors.map((a) => [a.name, a]));
  const ordered = [
    ...fields.authors.flatMap((name) => byName.get(name) ?? []),
    ...props.authors.filter((a) => !fields.authors.includes(a.name)),
  ];
  const others = fields.authors.filter((name) => !profileNames.has(name));
  const authorsOther = [others.join(", "), fields.authorsOther].filter(Boolean).join(", ");
  const formProblem = problems.get("form");
  return (
    <>
      <div class="editor">
        {slug ? <p id="presence" class="hint" aria-live="polite" data-presence={`/desk/articles/${slug}/presence`} /> : null}
        <form method="post" action={action} id="article-form" data-autosave={props.autosaveKey}>
          {props.version ? <input type="hidden" name="version" value={props.version} /> : null}
          <input type="hidden" name="published_was" value={fields.was.published} />
          <input type="hidden" name="updated_was" value={fields.was.updated} />
          <input type="hidden" name="tags_was" value={fields.was.tags} />
          {slug !== undefined ? <input type="hidden" name="article" value={slug} /> : null}
          {formProblem ? <p class="error">{formProblem}</p> : null}
          {props.status ? (
            <p class="current">
              Status: <span class={`status ${props.status}`}>{STATUS_NAMES[props.status]}</span>
            </p>
          ) : null}
          <Field name="title" label="Title" problems={problems}>
            <input type="text" {...described("title", problems)} value={fields.title} required />
          </Field>
          {isNew ? (
            <Field
              name="slug"
              label="Slug"
              problems={problems}
              hint="The address: /articles/<slug>. Made from the title if left empty."
            >
              <input
                type="text"
                {...described("slug", problems, true)}
                value={fields.slug}
                pattern="[a-z0-9]+(-[a-z0-9]+)*"
                autocomplete="off"
              />
            </Field>
          ) : null}
          <Field name="category" label="Section" problems={problems}>
            <input type="text" {...described("category", problems)} value={fields.category} list="sections" required />
            <datalist id="sections">
              {props.sections.map((section) => (
                <option value={section.name} />
              ))}
            </datalist>
          </Field>
          <Field name="tags" label="Tags" problems={problems} hint="Separated by commas.">
            <input type="text" {...described("tags", problems, true)} value={fields.tags} />
          </Field>
          <fieldset class={`authors${problems.has("authors") ? " invalid" : ""}`}>
            <legend>Authors</legend>
            {ordered.map((author, i) => (
              <div class="check">
                <input
                  type="checkbox"
                  id={`author-${i}`}
                  name="authors"
                  value={author.name}
                  checked={fields.authors.includes(author.name)}
                  {...(problems.has("authors") ? { "aria-invalid": "true" as const, "aria-describedby": "authors-error" } : {})}
                />
                <label for={`author-${i}`}>{author.name}</label>
              </div>
            ))}
            <Field name="authors_other" label="Other authors" problems={problems} hint="Names, separated by commas.">
              <input type="text" {...described("authors_other", problems, true)} value={authorsOther} />
            </Field>
            {problems.has("authors") ? (
              <p class="error" id="authors-error">
                Authors: {problems.get("authors")}
              </p>
            ) : null}
          </fieldset>
          <Field name="summary" label="Summary" problems={problems} hint="Shown in lists and feeds. Empty: the first paragraph.">
            <textarea {...described("summary", problems, true)} rows={3}>
              {fields.summary}
            </textarea>
          </Field>
          <Field
            name="published"
            label="Publication time"
            problems={problems}
            hint={
              <>
                In the site's time zone, <strong>{props.zoneLabel}</strong>. A time in the future schedules the article.{" "}
                <span class="local-time" data-zone={props.zone} />
              </>
            }
          >
            <input type="datetime-local" {...described("published", problems, true)} value={fields.published} required />
          </Field>
          <Field
            name="updated"
            label="Updated (optional)"
            problems={problems}
            hint="When a published article was last corrected or updated, if readers should see that. Same time zone."
          >
            <input type="datetime-local" {...described("updated", problems, true)} value={fields.updated} />
          </Field>
          <fieldset class="live">
            <legend>Live coverage</legend>
            <input type="hidden" name="live_start_was" value={fields.was.liveStart} />
            <input type="hidden" name="live_end_was" value={fields.was.liveEnd} />
            <div class="check">
              <input type="checkbox" id="live" name="live" checked={fields.live} aria-describedby="live-hint" />
              <label for="live">Live</label>
              <p class="hint" id="live-hint">
                A page that grows with short updates, added below once it is saved.
              </p>
            </div>
            <Field
              name="live_start"
              label="Coverage starts (optional)"
              problems={problems}
              hint="Empty: at the publication time."
            >
              <input type="datetime-local" {...described("live_start", problems, true)} value={fields.liveStart} />
            </Field>
            <Field name="live_end" label="Coverage ended (optional)" problems={problems} hint="Set it when coverage ends.">
              <input type="datetime-local" {...described("live_end", problems, true)} value={fields.liveEnd} />
            </Field>
          </fieldset>
          <div class="check">
            <input type="checkbox" id="draft" name="draft" checked={fields.draft} aria-describedby="draft-hint" />
            <label for="draft">Draft</label>
            <p class="hint" id="draft-hint">
              A draft is never public, whatever its publication time.
            </p>
          </div>
          <fieldset class="image">
            <legend>Lead image</legend>
            <Field name="image_url" label="Image URL" problems={problems} hint="Upload one below, or an https:// address.">
              <input type="text" {...described("image_url", problems, true)} value={fields.imageUrl} />
            </Field>
            <Field
              name="image_alt"
              label="Alt text"
              problems={problems}
              hint="What the image shows, for readers who cannot see it."
            >
              <input type="text" {...described("image_alt", problems, true)} value={fields.imageAlt} />
            </Field>
            <Field name="image_caption" label="Caption" problems={problems}>
              <input type="text" {...described("image_caption", problems)} value={fields.imageCaption} />
            </Field>
            <Field name="image_credit" label="Credit" problems={problems}>
              <input type="text" {...described("image_credit", problems)} value={fields.imageCredit} />
            </Field>
            <div class="upload" hidden>
              <label for="image-file">Upload an image</label>
              <input type="file" id="image-file" accept="image/jpeg,image/png,image/webp,image/avif,image/gif" />
              <button type="button" id="image-upload">
                Upload
              </button>
              <button type="button" id="image-insert" hidden>
                Insert into body
              </button>
            </div>
          </fieldset>
          <Field name="body" label="Body (Markdown)" problems={problems}>
            <textarea {...described("body", problems)} rows={20} required>
              {fields.body}
            </textarea>
          </Field>
          <div class="actions">
            <button type="submit" class="primary">
              Save
            </button>
            <button type="submit" formaction="/desk/preview" formtarget="preview" id="preview-button">
              Preview
            </button>
          </div>
        </form>
        <section class="preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          {/* Sandboxed: the article's HTML was sanitized when built, and runs nothing here either. */}
          <iframe name="preview" title="Preview" src="about:blank" sandbox="allow-same-origin" />
        </section>
      </div>
      {props.live ? <LiveUpdateForm {...props.live} /> : null}
      {slug !== undefined ? <ArticleTools {...props} slug={slug} /> : null}
    </>
  );
}

function ArticleTools(props: EditorProps & { slug: string }) {
  const { slug, status } = props;
  return (
    <section class="tools" aria-labelledby="tools-heading">
      <h2 id="tools-heading">This article</h2>
      <p>
        <a href={`/desk/articles/${slug}/history`}>History</a>
        {status === "published" ? (
          <>
            {" · "}
            <a href={articlePath(slug)}>View on the site</a>
          </>
        ) : null}
      </p>
      {props.workflow ? <Workflow {...props} slug={slug} workflow={props.workflow} /> : null}
      {props.may?.publish === false ? null : (
        <form method="post" action={`/desk/articles/${slug}/move`} class="rename">
          <input type="hidden" name="version" value={props.version ?? ""} />
          <label for="to">New slug</label>
          <input id="to" name="to" type="text" pattern="[a-z0-9]+(-[a-z0-9]+)*" required aria-describedby="to-hint" />
          <p class="hint" id="to-hint">
            The old address will redirect (301) to the new one.
          </p>
          <button type="submit">Rename</button>
        </form>
      )}
      {status === "draft" || status === "scheduled" ? (
        <form method="post" action={`/desk/articles/${slug}/preview-link`} class="preview-link">
          <label for="hours">Valid for</label>
          <select id="hours" name="hours">
            <option value="1">1 hour</option>
            <option value="24" selected>
              24 hours
            </option>
            <option value="168">7 days</option>
          </select>
          <button type="submit">Create preview link</button>
          {props.previewLink ? (
            <div class="field">
              <label for="preview-link">Preview link</label>
              <input id="preview-link" type="text" readonly value={props.previewLink.url} aria-describedby="preview-link-hint" />
              <p class="hint" id="preview-link-hint">
                Anyone with this link can read the draft until {formatTime(props.previewLink.expires, props.zone)}.
              </p>
            </div>
          ) : null}
        </form>
      ) : null}
      {props.may?.corrections === false ? null : <Corrections {...props} slug={slug} />}
      {props.may?.publish === false ? null : status === "trash" ? (
        <form method="post" action={`/desk/articles/${slug}/restore`} class="trash">
          <p>This article is in the trash: its address answers 410 until it is restored.</p>
          <button type="submit">Restore from the trash</button>
        </form>
      ) : (
        <form method="post" action={`/desk/articles/${slug}/trash`} class="trash">
          <input type="hidden" name="version" value={props.version ?? ""} />
          <button type="submit" class="danger">
            Move to trash
          </button>
        </form>
      )}
    </section>
  );
}

/**
 * The article's corrections and clarifications, and a short form that adds one. Each is public at
 * once on a published article, when it goes live on a scheduled one, and kept but hidden in the trash.
 */
function Corrections(props: EditorProps & { slug: string }) {
  const { slug, status } = props;
  const notes = props.corrections ?? [];
  const draft = props.correctionDraft;
  return (
    <section class="corrections" aria-labelledby="corrections-heading">
      <h3 id="corrections-heading">Corrections and clarifications</h3>
      {notes.length ? (
        <ol>
          {notes.map((note) => (
            <li>
              <strong>
                {correctionLabel(note.kind)}, {formatTime(note.createdAt, props.zone)}
              </strong>{" "}
              ({note.createdBy}): {note.text}
              <form method="post" action={`/desk/articles/${slug}/corrections/${note.id}/withdraw`} class="withdraw">
                <input type="hidden" name="version" value={note.version} />
                <button type="submit" aria-label={`Withdraw the ${note.kind} of ${formatTime(note.createdAt, props.zone)}`}>
                  Withdraw
                </button>
              </form>
            </li>
          ))}
        </ol>
      ) : (
        <p>None.</p>
      )}
      {status === "draft" ? (
        <p class="hint">A draft has no corrections: edit its text instead, before it is published.</p>
      ) : (
        <form method="post" action={`/desk/articles/${slug}/corrections`} class="add-correction">
          <label for="correction-kind">Kind</label>
          <select id="correction-kind" name="kind">
            {CORRECTION_KINDS.map((kind) => (
              <option value={kind} selected={(draft?.kind ?? "correction") === kind}>
                {correctionLabel(kind)}
              </option>
            ))}
          </select>
          <label for="correction-text">Text</label>
          <p class="hint" id="correction-text-hint">
            One paragraph, at most {LIMITS.correctionLength} characters; *emphasis* and [links](https://…) work. Readers see it at
            the end of the article, dated today{status === "scheduled" ? ", once the article goes live" : ""}
            {status === "trash" ? ", if the article is restored" : ""}, and on the corrections page.
          </p>
          <textarea
            id="correction-text"
            name="text"
            rows={3}
            required
            aria-describedby={draft ? "correction-text-hint correction-text-error" : "correction-text-hint"}
            {...(draft ? { "aria-invalid": "true" as const } : {})}
          >
            {draft?.text ?? ""}
          </textarea>
          {draft ? (
            <p class="error" id="correction-text-error">
              Text: {draft.problem}
            </p>
          ) : null}
          <button type="submit">Publish the note</button>
        </form>
      )}
    </section>
  );
}

/**
 * The review workflow: where the article stands, the moves the viewer's role allows (each bound to
 * the version on the page), whether it needs sign-off and whether an edit voided it, and the notes.
 */
function Workflow(props: EditorProps & { slug: string; workflow: DeskWorkflow }) {
  const { slug, workflow } = props;
  const action = (move: string) => `/desk/articles/${slug}/${move}`;
  const draft = props.status === "draft";
  return (
    <section class="workflow" aria-labelledby="workflow-heading">
      <h3 id="workflow-heading">Review</h3>
      <p>
        State: <strong>{workflow.state}</strong>
        {workflow.state === "ready" && !workflow.approvalCurrent ? " (edited since it was approved)" : ""}
      </p>
      {workflow.signOff ? (
        <p>
          {workflow.signedOff?.current
            ? "Signed off for this version."
            : workflow.signedOff
              ? "The sign-off was voided by a later edit: it needs signing off again before it is published."
              : "Needs sign-off from the standards desk before it is published."}
        </p>
      ) : null}
      {draft && workflow.state === "draft" ? (
        <form method="post" action={action("submit")}>
          <button type="submit">Submit for review</button>
        </form>
      ) : null}
      {draft && props.may?.review && workflow.state === "in-review" ? (
        <form method="post" action={action("approve")}>
          <input type="hidden" name="version" value={props.version ?? ""} />
          <button type="submit">Approve this version</button>
        </form>
      ) : null}
      {draft && props.may?.review && workflow.state !== "draft" ? (
        <form method="post" action={action("return")}>
          <label for="return-note">Why it goes back</label>
          <textarea id="return-note" name="note" rows={2} required />
          <button type="submit">Return to its writer</button>
        </form>
      ) : null}
      {props.may?.signOff && workflow.signOff && !workflow.signedOff?.current ? (
        <form method="post" action={action("sign-off")}>
          <input type="hidden" name="version" value={props.version ?? ""} />
          <button type="submit">Sign off this version</button>
        </form>
      ) : null}
      <h4>Notes</h4>
      {workflow.notes.length ? (
        <ul class="notes">
          {workflow.notes.map((note) => (
            <li>
              <strong>{note.by}</strong>, {formatTime(note.at, props.zone)}: {note.body}
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">No notes yet. Notes are internal: readers never see them.</p>
      )}
      <form method="post" action={action("notes")}>
        <label for="note-body">Add a note</label>
        <textarea id="note-body" name="note" rows={2} required />
        <button type="submit">Add note</button>
      </form>
    </section>
  );
}
