/**
 * @module render/subscribe
 * The small form that subscribes a reader to a listing by email: a plain POST to /subscribe
 * (answered by the newsroom, docs/newsletters.md), which works without JavaScript.
 */

/** A subscribe form for `list` (`home`, `section:<slug>`, …), named for readers by `label`. */
export function SubscribeForm(props: { list: string; label: string }) {
  return (
    <form class="subscribe" method="post" action="/subscribe">
      <input type="hidden" name="list" value={props.list} />
      <label>
        Get {props.label} by email
        <input name="email" type="email" required autocomplete="email" maxlength={254} />
      </label>
      <label>
        How often
        <select name="mode">
          <option value="alerts">Each article</option>
          <option value="digest">A daily digest</option>
        </select>
      </label>
      <button type="submit">Subscribe</button>
    </form>
  );
}
