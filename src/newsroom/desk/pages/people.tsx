/**
 * @module newsroom/desk/pages/people
 * Authors' profiles (the bylines the editor ticks) and sections (their names and their order in
 * the site's navigation), for editors to keep without the API.
 */
import type { AuthorRow, SectionRow } from "../../../data/taxonomy";
import { authorPath, sectionPath } from "../../../targets/document-name";
import { TableScroll } from "./layout";

/** The values an author's form shows: as stored, or as the editor sent them. */
export interface AuthorFields {
  name: string;
  bio: string;
  url: string;
  photoUrl: string;
}

export const authorFields = (author: AuthorRow | null): AuthorFields => ({
  name: author?.name ?? "",
  bio: author?.bio ?? "",
  url: author?.url ?? "",
  photoUrl: author?.photo_url ?? "",
});

function Problem(props: { id: string; label: string; problem: string | undefined }) {
  return props.problem ? (
    <p class="error" id={props.id}>
      {props.label}: {props.problem}
    </p>
  ) : null;
}

const invalid = (problem: string | undefined, id: string) =>
  problem ? { "aria-invalid": "true" as const, "aria-describedby": id } : {};

export function AuthorsPage(props: {
  authors: AuthorRow[];
  /** The author being edited, or none for a new one. */
  slug?: string | undefined;
  fields: AuthorFields;
  problems: Map<string, string>;
}) {
  const { fields, problems, slug } = props;
  const action = slug ? `/desk/authors/${slug}` : "/desk/authors";
  return (
    <>
      {slug ? (
        <p>
          <a href="/desk/authors">All authors</a> · <a href={authorPath(slug)}>The author's page</a>
        </p>
      ) : (
        <TableScroll label="Authors">
          <table>
            <caption>{props.authors.length === 1 ? "1 author" : `${props.authors.length} authors`}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Biography</th>
              </tr>
            </thead>
            <tbody>
              {props.authors.map((author) => (
                <tr>
                  <th scope="row">
                    <a href={`/desk/authors/${author.slug}`}>{author.name}</a>
                  </th>
                  <td>{author.bio || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <form method="post" action={action} class="profile">
        <h2>{slug ? "Profile" : "New author"}</h2>
        <div class="field">
          <label for="name">Name</label>
          <input
            id="name"
            name="name"
            type="text"
            value={fields.name}
            required
            {...invalid(problems.get("name"), "name-error")}
          />
          <Problem id="name-error" label="Name" problem={problems.get("name")} />
        </div>
        <div class="field">
          <label for="bio">Biography</label>
          <textarea id="bio" name="bio" rows={4} {...invalid(problems.get("bio"), "bio-error")}>
            {fields.bio}
          </textarea>
          <Problem id="bio-error" label="Biography" problem={problems.get("bio")} />
        </div>
        <div class="field">
          <label for="url">Website</label>
          <input id="url" name="url" type="url" value={fields.url} {...invalid(problems.get("url"), "url-error")} />
          <Problem id="url-error" label="Website" problem={problems.get("url")} />
        </div>
        <div class="field">
          <label for="photoUrl">Photo URL</label>
          <input
            id="photoUrl"
            name="photoUrl"
            type="text"
            value={fields.photoUrl}
            {...invalid(problems.get("photoUrl"), "photoUrl-error")}
          />
          <Problem id="photoUrl-error" label="Photo URL" problem={problems.get("photoUrl")} />
        </div>
        <button type="submit" class="primary">
          {slug ? "Save profile" : "Add author"}
        </button>
      </form>
      {slug ? (
        <form method="post" action={`/desk/authors/${slug}/delete`} class="trash">
          <button type="submit" class="danger">
            Delete profile
          </button>
        </form>
      ) : null}
    </>
  );
}

export function SectionsPage(props: { sections: SectionRow[] }) {
  return (
    <>
      <p class="hint">
        A section is made by the first article filed in it. Here its name can change (its address stays) and its place in the
        navigation, lowest number first.
      </p>
      {props.sections.length === 0 ? <p class="empty">No sections yet.</p> : null}
      {props.sections.map((section) => (
        <form method="post" action={`/desk/sections/${section.slug}`} class="section-row" aria-label={`Section ${section.name}`}>
          <div class="field">
            <label for={`name-${section.slug}`}>Name of {sectionPath(section.slug)}</label>
            <input id={`name-${section.slug}`} name="name" type="text" value={section.name} required />
          </div>
          <div class="field">
            <label for={`position-${section.slug}`}>Position</label>
            <input
              id={`position-${section.slug}`}
              name="position"
              type="number"
              min="0"
              max="10000"
              value={String(section.position)}
            />
          </div>
          <button type="submit">Save</button>
        </form>
      ))}
    </>
  );
}
