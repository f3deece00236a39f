/**
 * @module newsroom/desk/pages/sign-in
 * The sign-in form: an editor's named token, from EDITOR_TOKENS.
 */
import type { Notice } from "./layout";

/** The form; the notice, shown by the layout, marks the token field invalid when it is an alert. */
export function SignInPage(props: { next: string; notice?: Notice | undefined; access?: boolean }) {
  return (
    <>
      <form method="post" action="/desk/sign-in" class="sign-in">
        <input type="hidden" name="next" value={props.next} />
        <label for="token">Editor token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          {...(props.notice?.role === "alert" ? { "aria-invalid": "true" as const, "aria-describedby": "notice-alert" } : {})}
        />
        <button type="submit">Sign in</button>
      </form>
      {props.access ? <p class="hint">Or open the desk through your organisation's Cloudflare Access.</p> : null}
    </>
  );
}
