/**
 * @module newsroom/desk/preview-link
 * Draft preview links: `/preview/<article id>?expires=<unix seconds>&sig=<HMAC>`. Anyone holding
 * one can read that draft until it expires; nobody can make one without DESK_SECRET. The link
 * names the article's id, not its slug, so a rename does not break it.
 */
import { sign, verify } from "./hmac";

/** How long a preview link works unless the editor chooses otherwise: a day, enough for a review round. */
export const PREVIEW_SECONDS = 24 * 60 * 60;
/** What the editor may choose from, in hours: an hour for a quick look, a week for a long embargo. */
export const PREVIEW_HOURS = [1, 24, 168] as const;
const PURPOSE = "draft-preview";

export const previewPath = (id: string, expires: number, signature: string): string =>
  `/preview/${encodeURIComponent(id)}?expires=${expires}&sig=${signature}`;

/**
 * A preview link for article `id`, valid for `seconds` from `now` (PREVIEW_SECONDS unless given).
 * @example await previewLink("0b6c…", secret, Date.now()) // "/preview/0b6c…?expires=1767225600&sig=Qm9…"
 */
export async function previewLink(
  id: string,
  secret: string,
  now: number,
  seconds: number = PREVIEW_SECONDS,
): Promise<{ path: string; expires: number }> {
  const expires = Math.floor(now / 1000) + seconds;
  return { path: previewPath(id, expires, await sign(secret, PURPOSE, `${id}\n${expires}`)), expires: expires * 1000 };
}

/** Whether a preview link's parts are genuine and still valid at `now`. */
export async function checkPreviewLink(
  id: string,
  expires: string | undefined,
  signature: string | undefined,
  secret: string,
  now: number,
): Promise<"valid" | "expired" | "forged"> {
  if (!expires || !/^\d{1,12}$/.test(expires) || !signature) return "forged";
  if (!(await verify(secret, PURPOSE, `${id}\n${expires}`, signature))) return "forged";
  return Number(expires) * 1000 > now ? "valid" : "expired";
}
