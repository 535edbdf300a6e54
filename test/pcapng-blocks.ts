// SPDX-License-Identifier: MIT
// pcapng files built block by block for the reader tests: any byte order per section,
// interfaces with their link type and timestamp resolution, Enhanced, Simple and obsolete
// Packet blocks, and blocks a reader must skip.

export function cat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export function block(type: number, body: Uint8Array, little: boolean): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const out = new Uint8Array(12 + padded);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, little);
  dv.setUint32(4, out.length, little);
  out.set(body, 8);
  dv.setUint32(out.length - 4, out.length, little);
  return out;
}

export function body(little: boolean, ...fields: [number, 2 | 4][]): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, [, w]) => n + w, 0));
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const [v, w] of fields) {
    if (w === 2) dv.setUint16(o, v, little);
    else dv.setUint32(o, v, little);
    o += w;
  }
  return out;
}

export const shb = (little: boolean): Uint8Array => block(0x0a0d0d0a, body(little, [0x1a2b3c4d, 4], [1, 2], [0, 2], [0xffffffff, 4], [0xffffffff, 4]), little);

/** Interface description; tsresol 9 is nanoseconds, none is the default microseconds. */
export function idb(little: boolean, linkType = 1, tsresol?: number, snapLen = 0): Uint8Array {
  const opts = tsresol === undefined ? new Uint8Array(0) : cat(body(little, [9, 2], [1, 2]), Uint8Array.of(tsresol, 0, 0, 0), body(little, [0, 2], [0, 2]));
  return block(1, cat(body(little, [linkType, 2], [0, 2], [snapLen, 4]), opts), little);
}

/** Enhanced Packet Block; ts in the interface's units. */
export function epb(little: boolean, iface: number, ts: bigint, data: Uint8Array, origLength = data.length): Uint8Array {
  return block(6, cat(body(little, [iface, 4], [Number(ts >> 32n), 4], [Number(ts & 0xffffffffn), 4], [data.length, 4], [origLength, 4]), data), little);
}

/** The obsolete Packet Block (type 2): 16-bit interface id and a drops count. */
export function pb(little: boolean, iface: number, ts: bigint, data: Uint8Array): Uint8Array {
  return block(
    2,
    cat(body(little, [iface, 2], [0, 2], [Number(ts >> 32n), 4], [Number(ts & 0xffffffffn), 4], [data.length, 4], [data.length, 4]), data),
    little,
  );
}

export function spb(little: boolean, data: Uint8Array): Uint8Array {
  return block(3, cat(body(little, [data.length, 4]), data), little);
}

/** A block type no reader knows (a custom block is skipped the same way). */
export const unknownBlock = (little: boolean): Uint8Array => block(0xbad, Uint8Array.of(1, 2, 3, 4, 5), little);
/** Name Resolution Block with its end-of-records only: known to pcapng, not needed here. */
export const nrb = (little: boolean): Uint8Array => block(4, body(little, [0, 2], [0, 2]), little);
