// SPDX-License-Identifier: MIT
// Incremental capture decoder: bytes go in as chunks of any size, packets come out as
// soon as they are whole. One code path for files in memory (readPcap) and for streams
// (ref/pcap/stream.ts), so a capture of any size is read in constant memory: only the
// tail of a record cut by a chunk boundary is carried over.
//
// Formats: classic pcap (either byte order, micro- or nanosecond), pcapng (any number of
// sections, each with its own byte order and interfaces; Enhanced, Simple and obsolete
// Packet blocks; other blocks skipped). Damage is a one-line PcapError; packets decoded
// before the damage are still handed out, so a consumer can finish them first.

import { type PcapPacket, PcapError } from './types.ts';

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
/** Wireshark's limit for a packet of the usual link types (WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_PACKET = 262_144;
/** Largest pcapng block accepted: a packet block of MAX_PACKET with generous options. */
export const MAX_BLOCK = 16 * 1024 * 1024;

export interface CapturePacket extends PcapPacket {
  /** Byte offset of the packet's record (pcap) or block (pcapng) in the stream. */
  offset: number;
  /** pcapng: interface index within its section; pcap: 0. */
  iface: number;
}

interface Iface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per second. */
  unitsPerSec: number;
}

function tsResolution(v: number): number {
  return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
}

/** Split a 64-bit count of `units` per second into seconds and nanoseconds, exactly. */
function splitTs(hi: number, lo: number, units: number): [number, number] {
  const ts = hi * 4294967296 + lo;
  if (ts <= Number.MAX_SAFE_INTEGER) {
    const sec = Math.floor(ts / units);
    return [sec, Math.floor(((ts - sec * units) * 1e9) / units)];
  }
  // Nanosecond clocks since 1970 exceed 2^53: the rare exact path.
  const big = (BigInt(hi) << 32n) | BigInt(lo);
  const u = BigInt(units);
  return [Number(big / u), Number(((big % u) * 1_000_000_000n) / u)];
}

type State = 'magic' | 'pcap-header' | 'pcap' | 'pcapng';

export class CaptureDecoder {
  format: 'pcap' | 'pcapng' | undefined;
  /** Classic pcap: the file header's link type; pcapng: that of the first interface. */
  linkType: number | undefined;
  /** Byte order of the file header (pcap) or of the first section (pcapng). */
  littleEndian: boolean | undefined;
  nanosecond = false;
  /** Set once damage is found; later pushes decode nothing. */
  error: PcapError | undefined;
  /** Packets decoded so far. */
  count = 0;

  private state: State = 'magic';
  private pending: Uint8Array = new Uint8Array(0);
  /** Stream offset of pending[0]. */
  private base = 0;
  private little = true;
  private ifaces: Iface[] = [];

  /** Decodes what `chunk` completes; the packets' data are views into the decoder's buffers. */
  push(chunk: Uint8Array): CapturePacket[] {
    const out: CapturePacket[] = [];
    if (this.error) return out;
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending, 0);
      buf.set(chunk, this.pending.length);
    }
    let p = 0;
    try {
      p = this.decode(buf, out);
    } catch (e) {
      if (!(e instanceof PcapError)) throw e;
      this.error = e;
    }
    // Only the unfinished tail is kept (copied, so the chunk it came from can be freed).
    this.pending = buf.slice(p);
    this.base += p;
    this.count += out.length;
    return out;
  }

  /** The end of the stream: throws the damage found, or what an unfinished tail means. */
  end(): void {
    if (this.error) throw this.error;
    const n = this.pending.length;
    const off = this.base;
    const dv = new DataView(this.pending.buffer, this.pending.byteOffset, n);
    switch (this.state) {
      case 'magic':
        throw new PcapError(`not a capture file: only ${n} bytes`);
      case 'pcap-header':
        throw new PcapError(`truncated pcap file header (${n} of 24 bytes)`);
      case 'pcap':
        if (n === 0) return;
        if (n < 16) throw new PcapError(`truncated record header of packet ${this.count} at offset ${off}`);
        throw new PcapError(`truncated data of packet ${this.count} at offset ${off}: ${dv.getUint32(8, this.little)} bytes announced, ${n - 16} present`);
      case 'pcapng':
        if (n === 0) return;
        if (n < 12) throw new PcapError(`truncated pcapng block at offset ${off}`);
        throw new PcapError(`truncated pcapng block at offset ${off}: ${this.blockLength(dv, 0)} bytes announced, ${n} present`);
    }
  }

  private blockLength(dv: DataView, p: number): number {
    return dv.getUint32(p + 4, dv.getUint32(p, false) === PCAPNG_SHB ? this.sectionOrder(dv, p) : this.little);
  }

  private sectionOrder(dv: DataView, p: number): boolean {
    if (dv.getUint32(p + 8, true) === PCAPNG_BOM) return true;
    if (dv.getUint32(p + 8, false) === PCAPNG_BOM) return false;
    throw new PcapError(`pcapng section header at offset ${this.base + p}: bad byte-order magic`);
  }

  /** Decodes whole records of buf into out; returns where the unfinished part starts. */
  private decode(buf: Uint8Array, out: CapturePacket[]): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = 0;
    if (this.state === 'magic') {
      if (buf.length < 4) return 0;
      const be = dv.getUint32(0, false);
      const le = dv.getUint32(0, true);
      if (be === PCAPNG_SHB) {
        this.state = 'pcapng';
        this.format = 'pcapng';
      } else if (be === PCAP_US || be === PCAP_NS || le === PCAP_US || le === PCAP_NS) {
        this.state = 'pcap-header';
        this.format = 'pcap';
        this.little = le === PCAP_US || le === PCAP_NS;
        this.nanosecond = (this.little ? le : be) === PCAP_NS;
        this.littleEndian = this.little;
      } else {
        throw new PcapError(`not a pcap or pcapng file (magic 0x${be.toString(16).padStart(8, '0')})`);
      }
    }
    if (this.state === 'pcap-header') {
      if (buf.length < 24) return 0;
      this.linkType = dv.getUint32(20, this.little) & 0xffff;
      this.state = 'pcap';
      p = 24;
    }
    return this.state === 'pcap' ? this.decodePcap(buf, dv, p, out) : this.decodePcapng(buf, dv, p, out);
  }

  private decodePcap(buf: Uint8Array, dv: DataView, p: number, out: CapturePacket[]): number {
    const little = this.little;
    const nano = this.nanosecond;
    const fracLimit = nano ? 1_000_000_000 : 1_000_000;
    const linkType = this.linkType!;
    const end = buf.length;
    while (p + 16 <= end) {
      const incl = dv.getUint32(p + 8, little);
      const off = this.base + p;
      const n = this.count + out.length;
      if (incl > MAX_PACKET) throw new PcapError(`packet ${n} at offset ${off}: captured length ${incl} is implausible (limit ${MAX_PACKET})`);
      if (p + 16 + incl > end) break;
      const frac = dv.getUint32(p + 4, little);
      if (frac >= fracLimit) throw new PcapError(`packet ${n} at offset ${off}: bad timestamp fraction ${frac}`);
      out.push({
        data: buf.subarray(p + 16, p + 16 + incl),
        origLength: dv.getUint32(p + 12, little),
        tsSec: dv.getUint32(p, little),
        tsNsec: nano ? frac : frac * 1000,
        linkType,
        offset: off,
        iface: 0,
      });
      p += 16 + incl;
    }
    return p;
  }

  private decodePcapng(buf: Uint8Array, dv: DataView, p: number, out: CapturePacket[]): number {
    while (p + 12 <= buf.length) {
      const off = this.base + p;
      const isShb = dv.getUint32(p, false) === PCAPNG_SHB;
      // A section header sets the byte order of itself and of every block up to the next one.
      const little = isShb ? this.sectionOrder(dv, p) : this.little;
      const type = isShb ? PCAPNG_SHB : dv.getUint32(p, little);
      const len = dv.getUint32(p + 4, little);
      if (len < 12 || len % 4 !== 0) throw new PcapError(`pcapng block at offset ${off}: bad block length ${len}`);
      if (len > MAX_BLOCK) throw new PcapError(`pcapng block at offset ${off}: block length ${len} is implausible (limit ${MAX_BLOCK})`);
      if (p + len > buf.length) break;
      if (dv.getUint32(p + len - 4, little) !== len) {
        throw new PcapError(`pcapng block at offset ${off}: trailing length ${dv.getUint32(p + len - 4, little)} does not match leading length ${len}`);
      }
      const body = p + 8;
      const bodyEnd = p + len - 4;
      if (isShb) {
        this.little = little;
        this.littleEndian ??= little;
        this.ifaces = [];
      } else if (type === BT_IDB) {
        this.readIdb(buf, dv, body, bodyEnd, off);
      } else if (type === BT_EPB || type === BT_PB) {
        out.push(this.readPacketBlock(buf, dv, type, body, bodyEnd, off));
      } else if (type === BT_SPB) {
        const iface = this.ifaces[0];
        if (!iface) throw new PcapError(`pcapng simple packet block at offset ${off} comes before any interface block`);
        if (bodyEnd - body < 4) throw new PcapError(`pcapng simple packet block at offset ${off} is too short`);
        const orig = dv.getUint32(body, little);
        // The captured length is implied: the original length cut by the snap length and the block.
        let cap = Math.min(orig, bodyEnd - body - 4);
        if (iface.snapLen > 0) cap = Math.min(cap, iface.snapLen);
        out.push({ data: buf.subarray(body + 4, body + 4 + cap), origLength: orig, tsSec: 0, tsNsec: 0, linkType: iface.linkType, offset: off, iface: 0 });
      }
      p += len;
    }
    return p;
  }

  private readIdb(buf: Uint8Array, dv: DataView, body: number, bodyEnd: number, off: number): void {
    const little = this.little;
    if (bodyEnd - body < 8) throw new PcapError(`pcapng interface block at offset ${off} is too short`);
    const iface: Iface = { linkType: dv.getUint16(body, little), snapLen: dv.getUint32(body + 4, little), unitsPerSec: 1_000_000 };
    for (let q = body + 8; q + 4 <= bodyEnd;) {
      const code = dv.getUint16(q, little);
      const olen = dv.getUint16(q + 2, little);
      if (code === 0) break;
      if (q + 4 + olen > bodyEnd) throw new PcapError(`pcapng interface block at offset ${off}: option overruns the block`);
      if (code === 9 && olen >= 1) iface.unitsPerSec = tsResolution(buf[q + 4]!);
      q += 4 + ((olen + 3) & ~3);
    }
    this.ifaces.push(iface);
    this.linkType ??= iface.linkType;
  }

  /** Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id, drops count). */
  private readPacketBlock(buf: Uint8Array, dv: DataView, type: number, body: number, bodyEnd: number, off: number): CapturePacket {
    const little = this.little;
    const name = type === BT_EPB ? 'packet block' : 'obsolete packet block';
    if (bodyEnd - body < 20) throw new PcapError(`pcapng ${name} at offset ${off} is too short`);
    const id = type === BT_EPB ? dv.getUint32(body, little) : dv.getUint16(body, little);
    const iface = this.ifaces[id];
    if (!iface) throw new PcapError(`pcapng ${name} at offset ${off} names interface ${id}, which is not described`);
    const cap = dv.getUint32(body + 12, little);
    if (body + 20 + cap > bodyEnd) throw new PcapError(`pcapng ${name} at offset ${off}: captured length ${cap} overruns the block`);
    const [tsSec, tsNsec] = splitTs(dv.getUint32(body + 4, little), dv.getUint32(body + 8, little), iface.unitsPerSec);
    return {
      data: buf.subarray(body + 20, body + 20 + cap),
      origLength: dv.getUint32(body + 16, little),
      tsSec,
      tsNsec,
      linkType: iface.linkType,
      offset: off,
      iface: id,
    };
  }
}
