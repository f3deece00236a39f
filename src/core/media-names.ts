/**
 * @module core/media-names
 * The names of images stored here and the URLs they are served at. Pure, with no Workers types,
 * so the Markdown renderer (which the Node CLI also loads) can tell an image stored here from
 * one on another host.
 */
import { SIGNATURES } from "./media-sniff";

/** A stored object's name, `<hash>.<ext>`; the hash is group 1 and the extension group 2. */
export const MEDIA_NAME = new RegExp(`^([0-9a-f]{32})\\.(${SIGNATURES.map((s) => s.ext).join("|")})$`);

/**
 * The public path of a stored object.
 * @example mediaPath("0123456789abcdef0123456789abcdef.png") // "/media/0123456789abcdef0123456789abcdef.png"
 */
export function mediaPath(name: string): string {
  return `/media/${name}`;
}

/**
 * The stored name in a URL of an image on this site (`/media/<name>`), or undefined for any other
 * URL: another host, a variant, or a path that names no stored image.
 * @example mediaNameOf("/media/0123456789abcdef0123456789abcdef.png") // "0123456789abcdef0123456789abcdef.png"
 * @example mediaNameOf("https://images.example/a.png") // undefined
 */
export function mediaNameOf(url: string): string | undefined {
  const name = url.startsWith("/media/") ? url.slice("/media/".length) : "";
  return MEDIA_NAME.test(name) ? name : undefined;
}
