/**
 * @module tests/browser/support/png
 * A small, valid PNG made in the test (RFC 2083 / PNG spec §5: signature, IHDR, IDAT, IEND), so the
 * upload test needs no fixture file.
 */
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  // PNG §5.3: the CRC covers the chunk type and data, not the length.
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([length, typed, crc]);
}

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
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
