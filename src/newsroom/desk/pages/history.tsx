/**
 * @module newsroom/desk/pages/history
 * An article's revisions: who, when and what changed; a diff between any two; restore any one.
 */
import { changedFieldsOf, type RevisionRow } from "../../../data/articles";
import type { DiffLine } from "../diff";
import { formatTime } from "../time-zone";
import { DiffView } from "./diff-view";
import { TableScroll } from "./layout";

const ACTIONS: Record<string, string> = {
  create: "Created",
  update: "Saved",
  "restore-revision": "Restored an earlier revision",
  move: "Renamed",
  trash: "Moved to the trash",
  untrash: "Restored from the trash",
  import: "Imported",
};

/** One end of the comparison: a radio in the "compare" form, named for screen readers. */
function CompareEnd(props: { end: "from" | "to"; id: number; checked: boolean }) {
  return (
    <input
      type="radio"
      form="compare"
      name={props.end}
      value={String(props.id)}
      checked={props.checked}
      aria-label={`${props.end === "from" ? "From" : "To"} revision ${props.id}`}
    />
  );
}

export function HistoryPage(props: {
  slug: string;
  title: string;
  version: string;
  revisions: RevisionRow[];
  compared?: { from: number; to: number; lines: DiffLine[] | null } | undefined;
  zone: string;
}) {
  const { revisions, compared } = props;
  const [latest, previous] = revisions;
  const from = compared?.from ?? previous?.id ?? latest?.id;
  const to = compared?.to ?? latest?.id;
  return (
    <>
      <p>
        <a href={`/desk/articles/${props.slug}`}>Back to the editor</a>
      </p>
      {compared ? (
        <DiffView lines={compared.lines} caption={`From revision ${compared.from} to revision ${compared.to}`} />
      ) : null}
      <form method="get" action={`/desk/articles/${props.slug}/history`} id="compare" />
      <TableScroll label="Revisions">
        <table class="revisions">
          <caption>{revisions.length === 1 ? "1 revision" : `${revisions.length} revisions`}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">What</th>
              <th scope="col">Who and when</th>
              <th scope="col">Fields changed</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {revisions.map((revision) => {
              const changed = changedFieldsOf(revision);
              return (
                <tr>
                  <th scope="row">{revision.id}</th>
                  <td>{ACTIONS[revision.action] ?? revision.action}</td>
                  <td>
                    {revision.editor},{" "}
                    <time datetime={new Date(revision.created_at).toISOString()}>
                      {formatTime(revision.created_at, props.zone)}
                    </time>
                  </td>
                  <td>{changed.length ? changed.join(", ") : "—"}</td>
                  <td>
                    <CompareEnd end="from" id={revision.id} checked={revision.id === from} />
                  </td>
                  <td>
                    <CompareEnd end="to" id={revision.id} checked={revision.id === to} />
                  </td>
                  <td>
                    {revision.version === props.version ? (
                      "Current"
                    ) : (
                      <form method="post" action={`/desk/articles/${props.slug}/revisions/${revision.id}/restore`}>
                        <input type="hidden" name="version" value={props.version} />
                        <button type="submit" aria-label={`Restore revision ${revision.id}`}>
                          Restore
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <p>
        <button type="submit" form="compare">
          Compare
        </button>
      </p>
    </>
  );
}
