/**
 * @module tests/support/png-bytes
 * PNGs written byte by byte (ISO/IEC 15948), with nothing but the web platform, so the same code
 * serves tests inside workerd and on Node.
 */

/** PNG §5.2: the eight bytes every PNG starts with. */
export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * CRC-32 as PNG §5.5 (and zlib) computes it; workerd has no `node:zlib` `crc32` to do it.
 *
 * @example
 * crc32(new TextEncoder().encode("IEND")); // 0xae426082
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A PNG chunk: length, type, data, then the CRC, which (PNG §5.3) covers the type and data only.
 *
 * @example
 * pngChunk("IEND"); // 00 00 00 00 49 45 4e 44 ae 42 60 82
 */
export function pngChunk(type: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Bytes written as hex, two digits a byte.
 *
 * @example
 * hex("ffd8"); // Uint8Array [0xff, 0xd8]
 */
export const hex = (text: string): Uint8Array =>
  new Uint8Array(text.match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? []);

/** A 3×2 grey PNG: 8-bit greyscale, every pixel 0. */
export const PNG_3X2 = hex(
  "89504e470d0a1a0a0000000d4948445200000003000000020800000000b81f39c60000000b49444154789c636080000000080001b75873950000000049454e44ae426082",
);
