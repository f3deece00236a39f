/**
 * @module newsroom/desk/pages/redirects
 * The Redirects page: old paths on the site and where each goes (docs/redirects.md), filtered by
 * the start of the path and paged in its order; a form to add one (for those who may write
 * redirects) and, beside each, a button to delete it.
 */
import type { RedirectRow } from "../../../data/redirects";
import { formatTime } from "../time-zone";
import { TableScroll } from "./layout";

export function RedirectsPage(props: {
  rows: RedirectRow[];
  prefix: string;
  /** The `from` to continue after, when there is a next page. */
  next: string | null;
  zone: string;
  mayWrite: boolean;
  draft: { from: string; to: string };
}) {
  const nextHref =
    props.next === null ? null : `/desk/redirects?${new URLSearchParams({ prefix: props.prefix, after: props.next })}`;
  return (
    <>
      <form method="get" action="/desk/redirects" aria-label="Filter redirects">
        <label>
          Paths starting with <input type="text" name="prefix" value={props.prefix} placeholder="/2019/" />
        </label>{" "}
        <button type="submit">Filter</button>
      </form>
      <TableScroll label="Redirects">
        <table>
          <caption>
            {props.rows.length === 1 ? "1 redirect" : `${props.rows.length} redirects`}
            {props.prefix ? ` from paths starting with ${props.prefix}` : ""}
            {props.next === null ? "" : " on this page"}
          </caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Source</th>
              <th scope="col">Changed</th>
              {props.mayWrite ? <th scope="col">Delete</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr>
                <td>
                  <code>{row.from_path}</code>
                </td>
                <td>
                  <code>{row.to_location}</code>
                </td>
                <td>{row.source ?? "an editor"}</td>
                <td>{formatTime(row.updated_at, props.zone)}</td>
                {props.mayWrite ? (
                  <td>
                    <form method="post" action="/desk/redirects/delete">
                      <input type="hidden" name="from" value={row.from_path} />
                      <button type="submit" class="danger" aria-label={`Delete the redirect from ${row.from_path}`}>
                        Delete
                      </button>
                    </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {nextHref ? (
        <p>
          <a href={nextHref}>Next page</a>
        </p>
      ) : null}
      {props.mayWrite ? (
        <section aria-labelledby="add-redirect-heading">
          <h2 id="add-redirect-heading">Add a redirect</h2>
          <p class="hint">
            From a path on this site (like /2019/03/old-post/ or /?p=123) to a path on this site or an https:// address. A chain
            is stored as one hop; a loop is refused. To move an article, rename it instead.
          </p>
          <form method="post" action="/desk/redirects">
            <p>
              <label>
                From <input type="text" name="from" required value={props.draft.from} />
              </label>
            </p>
            <p>
              <label>
                To <input type="text" name="to" required value={props.draft.to} />
              </label>
            </p>
            <p>
              <button type="submit" class="primary">
                Add redirect
              </button>
            </p>
          </form>
        </section>
      ) : null}
    </>
  );
}
