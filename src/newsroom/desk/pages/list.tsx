/**
 * @module newsroom/desk/pages/list
 * Every article with its status, section, authors and last change; filtered by status, section
 * and author, and searched by title.
 */
import type { AuthorRow, SectionRow } from "../../../data/taxonomy";
import { statusOf } from "../../../editorial/database";
import { type DeskFilters, type DeskRow, STATUS_NAMES, STATUSES } from "../queries";
import { formatTime } from "../time-zone";
import { TableScroll } from "./layout";
import { RebuildNeeded } from "./pipeline";

/** A filter over named things (sections, authors), by slug. */
function FilterSelect(props: {
  name: string;
  label: string;
  any: string;
  options: { slug: string; name: string }[];
  chosen: string | undefined;
}) {
  return (
    <div>
      <label for={props.name}>{props.label}</label>
      <select id={props.name} name={props.name}>
        <option value="">{props.any}</option>
        {props.options.map((option) => (
          <option value={option.slug} selected={props.chosen === option.slug}>
            {option.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Links to the next and previous pages of the list, keeping the filters. */
function Pages(props: { filters: DeskFilters; more: boolean }) {
  const page = props.filters.page ?? 1;
  if (page <= 1 && !props.more) return null;
  const href = (to: number) => {
    const query = new URLSearchParams();
    for (const name of ["q", "status", "section", "author"] as const) {
      const value = props.filters[name];
      if (value) query.set(name, value);
    }
    if (to > 1) query.set("page", String(to));
    const text = query.toString();
    return text ? `/desk?${text}` : "/desk";
  };
  return (
    <nav aria-label="Pages of articles" class="pages">
      {page > 1 ? <a href={href(page - 1)}>Newer changes</a> : null}
      {props.more ? <a href={href(page + 1)}>Older changes</a> : null}
    </nav>
  );
}

export function ListPage(props: {
  rows: DeskRow[];
  /** Whether there is a page after this one. */
  more: boolean;
  filters: DeskFilters;
  sections: SectionRow[];
  authors: AuthorRow[];
  zone: string;
  now: number;
  /** This release changed how pages are rendered and no rebuild has run since. */
  rebuildNeeded?: boolean;
}) {
  const { filters, zone, now } = props;
  const trash = filters.status === "trash";
  return (
    <>
      {props.rebuildNeeded ? <RebuildNeeded link /> : null}
      <search>
        <form method="get" action="/desk" class="filters">
          <div>
            <label for="q">Search titles</label>
            <input id="q" name="q" type="search" value={filters.q ?? ""} />
          </div>
          <div>
            <label for="status">Status</label>
            <select id="status" name="status">
              <option value="" selected={!filters.status}>
                All but the trash
              </option>
              {STATUSES.map((status) => (
                <option value={status} selected={filters.status === status}>
                  {STATUS_NAMES[status]}
                </option>
              ))}
            </select>
          </div>
          <FilterSelect name="section" label="Section" any="Any section" options={props.sections} chosen={filters.section} />
          <FilterSelect name="author" label="Author" any="Any author" options={props.authors} chosen={filters.author} />
          <button type="submit">Filter</button>
        </form>
      </search>
      {props.rows.length === 0 ? (
        <p class="empty">{trash ? "The trash is empty." : "No articles match."}</p>
      ) : (
        <TableScroll label="Articles">
          <table class="articles">
            <caption>
              {props.rows.length === 1 ? "1 article" : `${props.rows.length} articles`}
              {trash ? " in the trash (emptied after 30 days)" : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Section</th>
                <th scope="col">Authors</th>
                <th scope="col">Last change</th>
                {trash ? <th scope="col">Action</th> : null}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => {
                const status = statusOf(row, now);
                return (
                  <tr>
                    <th scope="row">
                      <a href={`/desk/articles/${row.slug}`}>{row.title}</a>
                    </th>
                    <td>
                      <span class={`status ${status}`}>{STATUS_NAMES[status]}</span>
                      {status === "scheduled" ? <span class="when"> for {formatTime(row.published_at, zone)}</span> : null}
                    </td>
                    <td>{row.section}</td>
                    <td>{row.authors ?? "—"}</td>
                    <td>
                      <time datetime={new Date(row.changed_at).toISOString()}>{formatTime(row.changed_at, zone)}</time> by{" "}
                      {row.changed_by}
                    </td>
                    {trash ? (
                      <td>
                        <form method="post" action={`/desk/articles/${row.slug}/restore`}>
                          <button type="submit" aria-label={`Restore “${row.title}”`}>
                            Restore
                          </button>
                        </form>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pages filters={filters} more={props.more} />
    </>
  );
}
