/**
 * @module render/subscribe
 * The small form that subscribes a reader to a list by email: a plain POST to /subscribe (answered
 * by the newsroom, docs/newsletters.md), which works without JavaScript. Rendered into pages at
 * publish time (the article page, and the first page of every listing and of the corrections), so
 * the reader Worker carries none of it.
 */
import type { Site } from "../core/config";
import { listName, parseList } from "../core/mail";
import { mailStrings } from "../core/mail-strings";

/**
 * A subscribe form for the list named `list` (`home`, `es/section:world`, `live:<slug>`, …), which
 * readers know as `name` (a section's or author's name, a tag, a live article's title); the
 * form's words are in the site's language.
 */
export function SubscribeForm(props: { site: Site; list: string; name?: string }) {
  const strings = mailStrings(props.site.language);
  const list = parseList(props.list);
  const label = list ? strings.listLabel(list.kind, props.name ?? ("slug" in list ? list.slug : "")) : props.list;
  return (
    <form class="subscribe" method="post" action="/subscribe">
      <input type="hidden" name="list" value={list ? listName(list) : props.list} />
      <label>
        {strings.form.get(label)}
        <input name="email" type="email" required autocomplete="email" maxlength={254} />
      </label>
      <label>
        {strings.form.howOften}
        <select name="mode">
          <option value="alerts">{strings.form.alerts}</option>
          <option value="digest">{strings.form.digest}</option>
        </select>
      </label>
      <button type="submit">{strings.form.subscribe}</button>
    </form>
  );
}
