/**
 * @module media/variants
 * The narrower copies of an image stored here that pages offer in `srcset` (media/responsive.ts),
 * at `/media/w/<width>/<hash>.<ext>`. The first request for one has Cloudflare's Images binding
 * resize the original, checks what came back, and stores it in R2 under a derived key
 * (media/store.ts); every later request is served from R2, immutable, like the original.
 *
 * Without the binding, or when it fails, the original's bytes answer in the variant's place with a
 * short Cache-Control, so no cache keeps the stand-in for long. Locally (`wrangler dev`, the tests)
 * the binding resizes with Sharp, offline.
 *
 * No reader can make the Worker resize an image twice in a row: before a resize, the request claims
 * it with a marker in R2 (`variantFailureKey`, written only if absent, so of many first requests at
 * once exactly one resizes). A success removes the marker; a failure keeps it with the reason, and
 * every request for that variant gets the stand-in without any work until VARIANT_RETRY_MS has
 * passed (a binding that failed for a while gets one more try a day). Why R2 and not a D1 table:
 * the marker lives beside the objects it is about, and the readers' side never touches D1.
 */
import { TTL } from "../cache/policy";
import { MEDIA_NAME } from "../core/media-names";
import { formatOfExtension, type ImageFormat } from "../core/media-sniff";
import { VARIANT_WIDTHS, variantWidths } from "../core/responsive-images";
import { notFound, type StoredOptions, serveStored } from "./serve";
import { variantFailureKey, variantKey } from "./store";
import { inspectImage, MAX_IMAGE_PIXELS } from "./upload";

/** What serving a variant needs: the bucket, the Images binding when the Worker has one, and the time. */
export interface VariantSources {
  bucket: R2Bucket;
  images: ImagesBinding | undefined;
  /** ms since the epoch (the injected clock's now). */
  now: number;
}

/** A failed variant is not tried again for a day. */
export const VARIANT_RETRY_MS = 24 * 60 * 60 * 1000;
/** A claim whose Worker never finished (it was stopped mid-resize) is taken over after ten minutes. */
const CLAIM_TIMEOUT_MS = 10 * 60 * 1000;

/** The stand-in's lifetime: the browsers' usual minute (cache/policy.ts), then it is asked again. */
export const FALLBACK_CACHE_CONTROL = `public, max-age=${TTL.browser}`;

/**
 * The response to a GET or HEAD of `/media/w/<width>/<name>`. 404 for a width that is not one of
 * {@link VARIANT_WIDTHS}, a name that is not an image stored here, or a width the image is not
 * offered at (as wide as the original or wider, or a GIF).
 * @example await serveVariant({ bucket: env.MEDIA, images: env.IMAGES }, request, "640", "0123456789abcdef0123456789abcdef.png")
 */
export async function serveVariant(sources: VariantSources, request: Request, width: string, name: string): Promise<Response> {
  const match = MEDIA_NAME.exec(name);
  const hash = match?.[1];
  // MEDIA_NAME's extensions are the sniffed formats', so a name it matches always has a format.
  const format = formatOfExtension(match?.[2] ?? "");
  const wanted = VARIANT_WIDTHS.find((w) => String(w) === width);
  if (hash === undefined || format === undefined || wanted === undefined) return notFound();
  const { bucket } = sources;
  const key = variantKey(name, wanted);
  // R2's ETag is a digest of the variant's own bytes: strong, and never the original's.
  const asVariant: StoredOptions = { hash, etag: (object) => object.httpEtag };

  const stored = await serveStored(bucket, request, key, asVariant);
  if (stored) return stored;

  const original = await bucket.head(name);
  if (!original || !variantWidths(name, Number(original.customMetadata?.width)).includes(wanted)) return notFound();
  const pixels = Number(original.customMetadata?.width) * Number(original.customMetadata?.height);
  // An image stored before the pixel limit may exceed it: never hand it to the binding.
  const made = !(pixels <= MAX_IMAGE_PIXELS)
    ? `the original has more than ${MAX_IMAGE_PIXELS} pixels`
    : (await claimVariant(sources, name, wanted))
      ? await makeVariant(sources, name, format, wanted)
      : "it failed before, or is being made now";
  if (made === true) return (await serveStored(bucket, request, key, asVariant)) ?? notFound();
  console.error(`media: no ${wanted}px variant of ${name} (${made}); serving the original in its place`);
  const standIn = await serveStored(bucket, request, name, {
    hash,
    etag: () => `"${hash}"`,
    cacheControl: FALLBACK_CACHE_CONTROL,
  });
  return standIn ?? notFound();
}

/**
 * Claims the one attempt at variant `width` of `name` that may run now, by writing its marker only
 * if there is none, or only over a stale one (an old failure, or an abandoned claim): R2's
 * conditional put lets exactly one of simultaneous requests win. Without the binding there is no
 * work to guard, so nothing is claimed.
 */
async function claimVariant({ bucket, images, now }: VariantSources, name: string, width: number): Promise<boolean> {
  if (!images) return true;
  const key = variantFailureKey(name, width);
  const marker = await bucket.head(key);
  const claim = { customMetadata: { at: String(now), reason: "being made" } };
  if (!marker) return (await bucket.put(key, "", { ...claim, onlyIf: { etagDoesNotMatch: "*" } })) !== null;
  const age = now - Number(marker.customMetadata?.at);
  const wait = marker.customMetadata?.reason === "being made" ? CLAIM_TIMEOUT_MS : VARIANT_RETRY_MS;
  if (!(age >= wait)) return false;
  return (await bucket.put(key, "", { ...claim, onlyIf: { etagMatches: marker.etag } })) !== null;
}

/**
 * Resizes `name`, an image in `format`, to `width` and stores the result: true, or why not, which
 * is then kept in the claim's marker so no request tries again soon. Only formats that get variants
 * reach here (variantWidths), and the Images binding writes each of them.
 */
async function makeVariant(sources: VariantSources, name: string, format: ImageFormat, width: number): Promise<true | string> {
  const made = await resize(sources, name, format, width);
  const marker = variantFailureKey(name, width);
  if (made === true) await sources.bucket.delete(marker);
  else if (sources.images)
    await sources.bucket.put(marker, "", { customMetadata: { at: String(sources.now), reason: made.slice(0, 500) } });
  return made;
}

async function resize(
  { bucket, images }: VariantSources,
  name: string,
  format: ImageFormat,
  width: number,
): Promise<true | string> {
  if (!images) return "the Worker has no Images binding";
  const source = await bucket.get(name);
  if (!source) return "the original is gone";
  let bytes: Uint8Array;
  try {
    // scale-down keeps the aspect ratio and never enlarges. The output is the original's own format,
    // so the stored name stays true.
    const result = await images.input(source.body).transform({ width, fit: "scale-down" }).output({ format: format.mime });
    bytes = new Uint8Array(await new Response(result.image()).arrayBuffer());
  } catch (error) {
    return `the Images binding failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const checked = checkVariant(bytes, format, width);
  if (typeof checked === "string") return checked;
  await bucket.put(variantKey(name, width), checked.bytes, {
    httpMetadata: { contentType: format.mime },
    customMetadata: { width: String(checked.width), height: String(checked.height), source: name },
    // Of two first requests at once, the first write wins; both then serve what is stored.
    onlyIf: { etagDoesNotMatch: "*" },
  });
  return true;
}

/**
 * What the binding returned, checked before it is stored for good: the original's format, no wider
 * than asked, and without any metadata that could say where it was taken. A resized image carries
 * none, but it is stripped again anyway, as an upload is: a variant must never be the leak.
 */
function checkVariant(
  bytes: Uint8Array,
  format: ImageFormat,
  width: number,
): { bytes: Uint8Array; width: number; height: number } | string {
  const image = inspectImage(bytes);
  if (image.format?.type !== format.type) return `the Images binding returned something other than ${format.type}`;
  if (!image.ok && image.failed === "metadata") return `the resized image ${image.problem}`;
  if (!image.ok || image.width > width) return `the resized image is not at most ${width} pixels wide`;
  return { bytes: image.bytes, width: image.width, height: image.height };
}
