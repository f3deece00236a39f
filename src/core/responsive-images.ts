/**
 * @module core/responsive-images
 * Which narrower copies ("variants") of an image stored here pages offer, and the `srcset` and
 * `sizes` that offer them (HTML §4.8.4.2). Pure: the widths come from the image's stored size, so a
 * page built at save time and the route that serves the variants agree without asking each other.
 */
import { MEDIA_NAME, mediaNameOf } from "./media-names";

/** The widths variants are made at, in CSS pixels: phones, tablets, the column at 2× and 3×. */
export const VARIANT_WIDTHS = [320, 640, 960, 1280, 1920] as const;

/**
 * The displayed width of an article's images, as the layout sets it (src/render/styles.ts): the
 * column `.wrap` is 42rem wide less 1.25rem of padding each side, and narrower screens take all
 * but the padding. Lead images fill the column; body images fill it at most.
 */
export const ARTICLE_IMAGE_SIZES = "(min-width: 42rem) 39.5rem, calc(100vw - 2.5rem)";

/**
 * Formats that get variants. GIF does not: it is often animated, resizing could keep one frame,
 * and the Images binding's local mode cannot write it.
 */
const RESIZED_EXTENSIONS = new Set(["jpg", "png", "webp", "avif"]);

export interface ImageSize {
  width: number;
  height: number;
}

/** The `width`/`height` and, when there are variants, `srcset`/`sizes` of an `<img>`. */
export interface ResponsiveAttributes extends ImageSize {
  srcset?: string;
  sizes?: string;
}

/**
 * The variant widths offered for an image of `name` that is `width` pixels wide: never as wide as
 * the original (which the srcset offers at its own width), and none for a format not resized.
 * @example variantWidths("0123456789abcdef0123456789abcdef.png", 1000) // [320, 640, 960]
 * @example variantWidths("0123456789abcdef0123456789abcdef.gif", 1000) // []
 */
export function variantWidths(name: string, width: number): number[] {
  const ext = MEDIA_NAME.exec(name)?.[2];
  if (ext === undefined || !RESIZED_EXTENSIONS.has(ext)) return [];
  return VARIANT_WIDTHS.filter((w) => w < width);
}

/**
 * The public path of a variant: a path, not a query, so every cache keys it without configuration.
 * @example variantPath("0123456789abcdef0123456789abcdef.png", 640) // "/media/w/640/0123456789abcdef0123456789abcdef.png"
 */
export function variantPath(name: string, width: number): string {
  return `/media/w/${width}/${name}`;
}

/**
 * The attributes for an `<img>` of `url`, an image stored here whose size is `size`: `width` and
 * `height` always (so the page does not shift), and `srcset` (w descriptors, with the original at
 * its own width) and `sizes` when there is a narrower variant to offer. Undefined for a URL that
 * is not an image stored here. `resolve` turns each path in `srcset` into the URL to write.
 * @example responsiveAttributes("/media/0123456789abcdef0123456789abcdef.png", { width: 700, height: 20 })
 * // { width: 700, height: 20, sizes: "(min-width: 42rem) …",
 * //   srcset: "/media/w/320/0123….png 320w, /media/w/640/0123….png 640w, /media/0123….png 700w" }
 */
export function responsiveAttributes(
  url: string,
  size: ImageSize,
  resolve: (path: string) => string = (path) => path,
): ResponsiveAttributes | undefined {
  const name = mediaNameOf(url);
  if (name === undefined) return undefined;
  const widths = variantWidths(name, size.width);
  if (widths.length === 0) return { width: size.width, height: size.height };
  const candidates = [...widths.map((w) => `${resolve(variantPath(name, w))} ${w}w`), `${resolve(url)} ${size.width}w`];
  return { width: size.width, height: size.height, srcset: candidates.join(", "), sizes: ARTICLE_IMAGE_SIZES };
}
