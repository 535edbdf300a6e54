// SPDX-License-Identifier: MIT
// Reader for classic pcap (either byte order, micro- or nanosecond) and pcapng
// (Section Header, Interface Description, Enhanced and Simple Packet blocks; other
// blocks are skipped). Damage is reported as a one-line PcapError.

import { type PcapFile, type PcapPacket, PcapError } from './types.ts';

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;
const MAX_PACKET = 256 * 1024 * 1024;

export function readPcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < 4) throw new PcapError(`not a capture file: only ${bytes.length} bytes`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const be = dv.getUint32(0, false);
  const le = dv.getUint32(0, true);
  if (be === PCAPNG_SHB) return readPcapng(bytes, dv);
  if (be === PCAP_US || be === PCAP_NS) return readClassic(bytes, dv, false, be === PCAP_NS);
  if (le === PCAP_US || le === PCAP_NS) return readClassic(bytes, dv, true, le === PCAP_NS);
  throw new PcapError(`not a pcap or pcapng file (magic 0x${be.toString(16).padStart(8, '0')})`);
}

function readClassic(bytes: Uint8Array, dv: DataView, little: boolean, nano: boolean): PcapFile {
  if (bytes.length < 24) throw new PcapError(`truncated pcap file header (${bytes.length} of 24 bytes)`);
  const linkType = dv.getUint32(20, little) & 0xffff;
  const packets: PcapPacket[] = [];
  let off = 24;
  while (off < bytes.length) {
    const n = packets.length;
    if (off + 16 > bytes.length) {
      throw new PcapError(`truncated record header of packet ${n} at offset ${off}`);
    }
    const tsSec = dv.getUint32(off, little);
    const frac = dv.getUint32(off + 4, little);
    const incl = dv.getUint32(off + 8, little);
    const orig = dv.getUint32(off + 12, little);
    if (incl > MAX_PACKET) throw new PcapError(`packet ${n} at offset ${off}: captured length ${incl} is implausible`);
    if (off + 16 + incl > bytes.length) {
      throw new PcapError(`truncated data of packet ${n} at offset ${off}: ${incl} bytes announced, ${bytes.length - off - 16} present`);
    }
    if (frac >= (nano ? 1_000_000_000 : 1_000_000)) {
      throw new PcapError(`packet ${n} at offset ${off}: bad timestamp fraction ${frac}`);
    }
    packets.push({
      data: bytes.subarray(off + 16, off + 16 + incl),
      origLength: orig,
      tsSec,
      tsNsec: nano ? frac : frac * 1000,
      linkType,
    });
    off += 16 + incl;
  }
  return { format: 'pcap', linkType, littleEndian: little, nanosecond: nano, packets };
}

interface Iface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per second. */
  unitsPerSec: bigint;
}

function tsResolution(v: number): bigint {
  return v & 0x80 ? 1n << BigInt(v & 0x7f) : 10n ** BigInt(v);
}

function readPcapng(bytes: Uint8Array, dv: DataView): PcapFile {
  let little = true;
  let firstLittle: boolean | undefined;
  let ifaces: Iface[] = [];
  let firstLink: number | undefined;
  const packets: PcapPacket[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (off + 12 > bytes.length) throw new PcapError(`truncated pcapng block at offset ${off}`);
    let type = dv.getUint32(off, little);
    if (dv.getUint32(off, false) === PCAPNG_SHB) {
      type = PCAPNG_SHB;
      const bom = dv.getUint32(off + 8, true);
      if (bom === PCAPNG_BOM) little = true;
      else if (dv.getUint32(off + 8, false) === PCAPNG_BOM) little = false;
      else throw new PcapError(`pcapng section header at offset ${off}: bad byte-order magic`);
      firstLittle ??= little;
      ifaces = [];
    }
    const len = dv.getUint32(off + 4, little);
    if (len < 12 || len % 4 !== 0) throw new PcapError(`pcapng block at offset ${off}: bad block length ${len}`);
    if (off + len > bytes.length) throw new PcapError(`truncated pcapng block at offset ${off}: ${len} bytes announced, ${bytes.length - off} present`);
    if (dv.getUint32(off + len - 4, little) !== len) throw new PcapError(`pcapng block at offset ${off}: trailing length does not match`);
    const body = off + 8;
    const bodyEnd = off + len - 4;
    if (type === 1) {
      if (bodyEnd - body < 8) throw new PcapError(`pcapng interface block at offset ${off} is too short`);
      const iface: Iface = { linkType: dv.getUint16(body, little), snapLen: dv.getUint32(body + 4, little), unitsPerSec: 1_000_000n };
      for (let p = body + 8; p + 4 <= bodyEnd; ) {
        const code = dv.getUint16(p, little);
        const olen = dv.getUint16(p + 2, little);
        if (code === 0) break;
        if (p + 4 + olen > bodyEnd) throw new PcapError(`pcapng interface block at offset ${off}: option overruns the block`);
        if (code === 9 && olen >= 1) iface.unitsPerSec = tsResolution(bytes[p + 4]!);
        p += 4 + ((olen + 3) & ~3);
      }
      ifaces.push(iface);
      firstLink ??= iface.linkType;
    } else if (type === 6) {
      if (bodyEnd - body < 20) throw new PcapError(`pcapng packet block at offset ${off} is too short`);
      const id = dv.getUint32(body, little);
      const iface = ifaces[id];
      if (!iface) throw new PcapError(`pcapng packet block at offset ${off} names interface ${id}, which is not described`);
      const ts = (BigInt(dv.getUint32(body + 4, little)) << 32n) | BigInt(dv.getUint32(body + 8, little));
      const cap = dv.getUint32(body + 12, little);
      const orig = dv.getUint32(body + 16, little);
      if (body + 20 + cap > bodyEnd) throw new PcapError(`pcapng packet block at offset ${off}: captured length ${cap} overruns the block`);
      const sec = ts / iface.unitsPerSec;
      const nsec = ((ts % iface.unitsPerSec) * 1_000_000_000n) / iface.unitsPerSec;
      packets.push({
        data: bytes.subarray(body + 20, body + 20 + cap),
        origLength: orig,
        tsSec: Number(sec),
        tsNsec: Number(nsec),
        linkType: iface.linkType,
      });
    } else if (type === 3) {
      const iface = ifaces[0];
      if (!iface) throw new PcapError(`pcapng simple packet block at offset ${off} comes before any interface block`);
      if (bodyEnd - body < 4) throw new PcapError(`pcapng simple packet block at offset ${off} is too short`);
      const orig = dv.getUint32(body, little);
      // The captured length is implied: the original length cut by the snap length and the block.
      let cap = Math.min(orig, bodyEnd - body - 4);
      if (iface.snapLen > 0) cap = Math.min(cap, iface.snapLen);
      packets.push({ data: bytes.subarray(body + 4, body + 4 + cap), origLength: orig, tsSec: 0, tsNsec: 0, linkType: iface.linkType });
    }
    off += len;
  }
  return { format: 'pcapng', linkType: firstLink ?? 1, littleEndian: firstLittle ?? true, nanosecond: false, packets };
}
