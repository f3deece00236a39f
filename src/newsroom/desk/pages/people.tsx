/**
 * @module newsroom/desk/pages/people
 * The People page (admins): everyone in the newsroom with their role, whether they are active and
 * when they were last seen; a form to invite someone, whose one-time link is shown once; and a form
 * per person to change their role or deactivate them. Also the "For review" list and the audit log.
 */
import { ROLES } from "../../../core/roles";
import type { AuditRow } from "../../../data/audit";
import type { PersonRow } from "../../../data/people";
import type { ReviewRow } from "../../../data/workflow";
import { formatTime } from "../time-zone";
import { TableScroll } from "./layout";

export function PeoplePage(props: {
  people: PersonRow[];
  zone: string;
  invitation?: { name: string; url: string; expires: string } | undefined;
  draft?: { name: string; email: string; role: string } | undefined;
  problems: Map<string, string>;
}) {
  const draft = props.draft ?? { name: "", email: "", role: "contributor" };
  return (
    <>
      {props.invitation ? (
        <section aria-labelledby="invitation-heading">
          <h2 id="invitation-heading">Invitation for {props.invitation.name}</h2>
          <p>Send this link to them. It works once, until {props.invitation.expires}, and is not shown again:</p>
          <p>
            <input type="text" readonly value={props.invitation.url} aria-label="Invitation link" size={80} />
          </p>
        </section>
      ) : null}
      <TableScroll label="People">
        <table>
          <caption>{props.people.length === 1 ? "1 person" : `${props.people.length} people`}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {props.people.map((person) => (
              <tr>
                <td>{person.name}</td>
                <td>{person.email}</td>
                <td>{person.role}</td>
                <td>{person.active === 1 ? "active" : "deactivated"}</td>
                <td>{person.last_seen_at === null ? "never" : formatTime(person.last_seen_at, props.zone)}</td>
                <td>
                  <form method="post" action={`/desk/people/${person.id}`}>
                    <label>
                      Role{" "}
                      <select name="role">
                        {ROLES.map((role) => (
                          <option value={role} selected={role === person.role}>
                            {role}
                          </option>
                        ))}
                      </select>
                    </label>{" "}
                    <label>
                      <input type="checkbox" name="active" value="1" checked={person.active === 1} /> Active
                    </label>{" "}
                    <button type="submit">Save</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite someone</h2>
        <form method="post" action="/desk/people">
          <p>
            <label>
              Name <input type="text" name="name" required value={draft.name} />
            </label>
            {props.problems.get("name") ? <span class="error"> {props.problems.get("name")}</span> : null}
          </p>
          <p>
            <label>
              Email <input type="email" name="email" required value={draft.email} />
            </label>
            {props.problems.get("email") ? <span class="error"> {props.problems.get("email")}</span> : null}
          </p>
          <p>
            <label>
              Role{" "}
              <select name="role">
                {ROLES.map((role) => (
                  <option value={role} selected={role === draft.role}>
                    {role}
                  </option>
                ))}
              </select>
            </label>
            {props.problems.get("role") ? <span class="error"> {props.problems.get("role")}</span> : null}
          </p>
          <p>
            <button type="submit">Invite</button>
          </p>
        </form>
      </section>
    </>
  );
}

export function ReviewPage(props: { rows: ReviewRow[]; zone: string }) {
  return (
    <TableScroll label="For review">
      <table>
        <caption>{props.rows.length === 1 ? "1 article" : `${props.rows.length} articles`} in review or ready</caption>
        <thead>
          <tr>
            <th scope="col">Article</th>
            <th scope="col">State</th>
            <th scope="col">Since</th>
            <th scope="col">Sign-off</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <td>
                <a href={`/desk/articles/${row.slug}`}>{row.title}</a>
              </td>
              <td>
                {row.state === "ready" && row.approved_version !== row.version ? "ready (edited since approval)" : row.state}
              </td>
              <td>{row.state_at === null ? "" : formatTime(row.state_at, props.zone)}</td>
              <td>
                {row.sign_off !== 1
                  ? "not needed"
                  : row.signed_off_version === row.version
                    ? "signed off"
                    : row.signed_off_version
                      ? "voided by an edit"
                      : "needed"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

export function AuditPage(props: {
  entries: AuditRow[];
  zone: string;
  filters: { person: string; article: string; action: string };
  next: string | null;
}) {
  const query = (extra: Record<string, string>) =>
    new URLSearchParams(Object.entries({ ...props.filters, ...extra }).filter(([, value]) => value !== "")).toString();
  return (
    <>
      <form method="get" action="/desk/audit" class="filters">
        <label>
          Person <input type="text" name="person" value={props.filters.person} />
        </label>{" "}
        <label>
          Article <input type="text" name="article" value={props.filters.article} />
        </label>{" "}
        <label>
          Action <input type="text" name="action" value={props.filters.action} />
        </label>{" "}
        <button type="submit">Filter</button>
      </form>
      <TableScroll label="Audit log">
        <table>
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">On</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {props.entries.map((entry) => (
              <tr>
                <td>{formatTime(entry.at, props.zone)}</td>
                <td>{entry.actor_name}</td>
                <td>{entry.action}</td>
                <td>{entry.target}</td>
                <td>{entry.version ? entry.version.slice(0, 8) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {props.next ? (
        <p>
          <a href={`/desk/audit?${query({ cursor: props.next })}`}>Older entries</a>
        </p>
      ) : null}
    </>
  );
}
