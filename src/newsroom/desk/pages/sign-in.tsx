/**
 * @module newsroom/desk/pages/sign-in
 * The sign-in form: an editor's named token, from EDITOR_TOKENS.
 */
import { DeskLayout, type Notice } from "./layout";

export function SignInPage(props: { siteTitle: string; next: string; notice?: Notice | undefined; access?: boolean }) {
  return (
    <DeskLayout title="Sign in" siteTitle={props.siteTitle} notice={props.notice}>
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
    </DeskLayout>
  );
}
