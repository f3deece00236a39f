/**
 * @module tests/support/png
 * A PNG of any size, made in the test on Node (`node:zlib` compresses it), so the desk's upload
 * test and the CLI's publish test need no fixture file. Tests inside workerd use `./png-bytes`.
 */
import { deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngChunk } from "./png-bytes";

/**
 * An 8-bit RGB PNG of `width`×`height`: an evening sky, dark blue at the top to amber at the
 * bottom, so it is not all one colour (and looks like a photo's placeholder in the screenshots).
 *
 * @example
 * const png = makePng(64, 48); // png.subarray(1, 4).toString() === "PNG"
 */
export function makePng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  // Compression, filter and interlace methods: 0, 0, none.
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // leading 0: filter type None
    for (let x = 0; x < width; x++) {
      const down = y / Math.max(1, height - 1);
      const across = x / Math.max(1, width - 1);
      row[1 + x * 3] = Math.round(25 + 210 * down);
      row[2 + x * 3] = Math.round(40 + 120 * down + 20 * across);
      row[3 + x * 3] = Math.round(110 - 70 * down);
    }
    rows.push(row);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.concat(rows))),
    pngChunk("IEND"),
  ]);
}
