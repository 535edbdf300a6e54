// SPDX-License-Identifier: MIT
// Classic pcap writer (the format every tool reads).

import { LINKTYPE_ETHERNET } from './types.ts';

export interface WritePacket {
  data: Uint8Array;
  tsSec?: number;
  tsNsec?: number;
  origLength?: number;
}

export interface WritePcapOptions {
  linkType?: number;
  /** Nanosecond timestamps (magic 0xa1b23c4d). Default microseconds. */
  nanosecond?: boolean;
  /** Big-endian file. Default little-endian. */
  bigEndian?: boolean;
  snapLen?: number;
}

export function writePcap(packets: readonly (Uint8Array | WritePacket)[], opts: WritePcapOptions = {}): Uint8Array {
  const items = packets.map((p) => (p instanceof Uint8Array ? { data: p } : p));
  const size = 24 + items.reduce((n, p) => n + 16 + p.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  const little = !opts.bigEndian;
  dv.setUint32(0, opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, little);
  dv.setUint16(4, 2, little);
  dv.setUint16(6, 4, little);
  dv.setUint32(16, opts.snapLen ?? 262144, little);
  dv.setUint32(20, opts.linkType ?? LINKTYPE_ETHERNET, little);
  let off = 24;
  items.forEach((p, i) => {
    // Without timestamps, frames are a microsecond apart so that tools show them in order.
    const sec = p.tsSec ?? Math.floor(i / 1_000_000);
    const nsec = p.tsNsec ?? (i % 1_000_000) * 1000;
    dv.setUint32(off, sec, little);
    dv.setUint32(off + 4, opts.nanosecond ? nsec : Math.floor(nsec / 1000), little);
    dv.setUint32(off + 8, p.data.length, little);
    dv.setUint32(off + 12, p.origLength ?? p.data.length, little);
    out.set(p.data, off + 16);
    off += 16 + p.data.length;
  });
  return out;
}
