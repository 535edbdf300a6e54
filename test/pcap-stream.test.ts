// SPDX-License-Identifier: MIT
// The streaming capture decoder: whatever the chunking, it hands out the packets readPcap
// gives for the whole file; several pcapng sections and interfaces; every kind of damage
// as a one-line PcapError after the packets before it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureDecoder, type CapturePacket, MAX_PACKET } from '../ref/pcap/decoder.ts';
import { readPcap } from '../ref/pcap/read.ts';
import { streamCapture } from '../ref/pcap/stream.ts';
import { PcapError } from '../ref/pcap/types.ts';
import { writePcap } from '../ref/pcap/write.ts';
import { cat, epb, idb, nrb, pb, shb, spb, unknownBlock } from './pcapng-blocks.ts';

const frame = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const FRAMES = [frame(60, 1), frame(7, 2), frame(1514, 3), frame(0, 4), frame(99, 5)];

/** Feeds bytes in chunks of the given sizes (cycled); returns packets and the error, if any. */
function decodeChunked(bytes: Uint8Array, sizes: number[]): { packets: CapturePacket[]; error?: PcapError } {
  const dec = new CaptureDecoder();
  const packets: CapturePacket[] = [];
  for (let o = 0, k = 0; o < bytes.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    packets.push(...dec.push(bytes.subarray(o, o + n)));
    o += n;
  }
  try {
    dec.end();
  } catch (e) {
    if (!(e instanceof PcapError)) throw e;
    return { packets, error: e };
  }
  return { packets, error: undefined };
}

const view = (p: CapturePacket) => ({
  data: Array.from(p.data),
  origLength: p.origLength,
  tsSec: p.tsSec,
  tsNsec: p.tsNsec,
  linkType: p.linkType,
  iface: p.iface,
  offset: p.offset,
});

// Two sections of opposite byte order; the first with an Ethernet interface at the default
// microseconds and a second one at nanoseconds, every packet block kind and skipped blocks.
const NS = 1_000_000_000n;
const US = 1_000_000n;
const TS_NS = 1_700_000_000n * NS + 123_456_789n; // beyond 2^53: the exact path
const TS_US = 1_600_000_000n * US + 250_000n;
function twoSections(): { bytes: Uint8Array; offsets: number[] } {
  const parts = [
    shb(true),
    idb(true, 1),
    idb(true, 1, 9),
    epb(true, 1, TS_NS, FRAMES[0]!, 1000),
    unknownBlock(true),
    pb(true, 0, TS_US, FRAMES[1]!),
    nrb(true),
    spb(true, FRAMES[2]!),
    shb(false),
    idb(false, 1, 6),
    epb(false, 0, TS_US, FRAMES[4]!),
  ];
  const offsets: number[] = [];
  let o = 0;
  for (const p of parts) {
    offsets.push(o);
    o += p.length;
  }
  return { bytes: cat(...parts), offsets };
}

describe('streaming decoder: classic pcap', () => {
  for (const bigEndian of [false, true])
    for (const nanosecond of [false, true]) {
      const bytes = writePcap(
        FRAMES.map((data, i) => ({ data, tsSec: 1000 + i, tsNsec: 123456000 + i * 1000 })),
        { bigEndian, nanosecond },
      );
      it(`${bigEndian ? 'big' : 'little'}-endian ${nanosecond ? 'ns' : 'µs'}: any chunking gives readPcap's packets`, () => {
        const whole = readPcap(bytes).packets;
        for (const sizes of [[1], [3], [17], [16, 1], [4096], [bytes.length]]) {
          const { packets, error } = decodeChunked(bytes, sizes);
          expect(error).toBeUndefined();
          expect(packets.map((p) => ({ data: Array.from(p.data), tsSec: p.tsSec, tsNsec: p.tsNsec, origLength: p.origLength }))).toEqual(
            whole.map((p) => ({ data: Array.from(p.data), tsSec: p.tsSec, tsNsec: p.tsNsec, origLength: p.origLength })),
          );
        }
        const { packets } = decodeChunked(bytes, [5]);
        expect(packets.map((p) => p.offset)).toEqual([24, 24 + 16 + 60, 24 + 32 + 67, 24 + 48 + 67 + 1514, 24 + 64 + 67 + 1514]);
        expect(packets[2]!.tsNsec).toBe(123458000);
      });
    }
});

describe('streaming decoder: pcapng', () => {
  const { bytes, offsets } = twoSections();
  it('two sections of opposite byte order, interfaces with their own resolution, EPB/PB/SPB, other blocks skipped', () => {
    const { packets, error } = decodeChunked(bytes, [7, 1, 64]);
    expect(error).toBeUndefined();
    expect(packets.map(view)).toEqual([
      { data: Array.from(FRAMES[0]!), origLength: 1000, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 1, iface: 1, offset: offsets[3] },
      { data: Array.from(FRAMES[1]!), origLength: 7, tsSec: 1_600_000_000, tsNsec: 250_000_000, linkType: 1, iface: 0, offset: offsets[5] },
      { data: Array.from(FRAMES[2]!), origLength: 1514, tsSec: 0, tsNsec: 0, linkType: 1, iface: 0, offset: offsets[7] },
      { data: Array.from(FRAMES[4]!), origLength: 99, tsSec: 1_600_000_000, tsNsec: 250_000_000, linkType: 1, iface: 0, offset: offsets[10] },
    ]);
  });

  it('readPcap of the same file agrees, reporting the first section', () => {
    const f = readPcap(bytes);
    expect([f.format, f.linkType, f.littleEndian]).toEqual(['pcapng', 1, true]);
    expect(f.packets.map((p) => Array.from(p.data))).toEqual([FRAMES[0], FRAMES[1], FRAMES[2], FRAMES[4]].map((d) => Array.from(d!)));
  });

  it('each packet carries the link type of its own interface', () => {
    const file = cat(
      shb(true),
      idb(true, 1),
      idb(true, 113),
      epb(true, 0, 0n, FRAMES[0]!),
      epb(true, 1, 0n, FRAMES[1]!),
      shb(false),
      idb(false, 228),
      epb(false, 0, 0n, FRAMES[4]!),
    );
    expect(decodeChunked(file, [13]).packets.map((p) => [p.iface, p.linkType])).toEqual([
      [0, 1],
      [1, 113],
      [0, 228],
    ]);
  });

  it('a new section forgets the interfaces of the previous one', () => {
    const file = cat(shb(true), idb(true, 1), idb(true, 1), shb(true), idb(true, 1), epb(true, 1, 0n, FRAMES[0]!));
    expect(decodeChunked(file, [1000]).error?.message).toMatch(/names interface 1, which is not described/);
  });

  it('property: the chunking never changes the packets or the error', () => {
    const files = [bytes, writePcap(FRAMES, { bigEndian: true }), bytes.subarray(0, bytes.length - 5), writePcap(FRAMES).subarray(0, 200)];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), (f, sizes) => {
        const want = decodeChunked(files[f]!, [files[f]!.length]);
        const got = decodeChunked(files[f]!, sizes);
        expect(got.packets.map(view)).toEqual(want.packets.map(view));
        expect(got.error?.message).toBe(want.error?.message);
      }),
      { numRuns: 200 },
    );
  });

  it('streamCapture yields batches from an async source and ends on a whole file', async () => {
    async function* chunks() {
      for (let o = 0; o < bytes.length; o += 50) yield bytes.subarray(o, o + 50);
    }
    const batches: CapturePacket[][] = [];
    for await (const b of streamCapture(chunks())) batches.push(b);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toHaveLength(4);
  });
});

describe('damage: one line, after the packets before it', () => {
  const pcap = writePcap(FRAMES);
  const ng = twoSections().bytes;
  // End offsets of each whole record/block holding a packet.
  const pcapEnds = FRAMES.reduce<number[]>((a, f) => [...a, (a.at(-1) ?? 24) + 16 + f.length], []);

  it('a pcap cut at every byte: the whole packets before the cut, then "truncated" (or "only N bytes")', () => {
    for (let cut = 0; cut < pcap.length; cut++) {
      const { packets, error } = decodeChunked(pcap.subarray(0, cut), [64]);
      const whole = pcapEnds.filter((e) => e <= cut).length;
      expect(packets, `cut ${cut}`).toHaveLength(whole);
      if (cut >= 24 && pcapEnds.includes(cut)) expect(error, `cut ${cut}`).toBeUndefined();
      else if (cut === 24) expect(error).toBeUndefined();
      else {
        expect(error?.message, `cut ${cut}`).toMatch(cut < 4 ? /only \d bytes/ : /truncated/);
        expect(error?.message).not.toContain('\n');
      }
    }
  });

  it('a pcapng cut at every byte: packets of the whole blocks, then "truncated"', () => {
    const { offsets } = twoSections();
    const blockEnds = [...offsets.slice(1), ng.length];
    for (let cut = 0; cut < ng.length; cut++) {
      const { packets, error } = decodeChunked(ng.subarray(0, cut), [37]);
      const ok = cut === 0 ? false : blockEnds.includes(cut);
      if (ok) expect(error, `cut ${cut}`).toBeUndefined();
      else expect(error?.message, `cut ${cut}`).toMatch(cut < 4 ? /only \d bytes/ : /truncated pcapng block/);
      // Packets: those whose block ended before the cut.
      const want = decodeChunked(ng, [ng.length]).packets.filter((p) => blockEnds[offsets.indexOf(p.offset)]! <= cut);
      expect(packets.map(view), `cut ${cut}`).toEqual(want.map(view));
    }
  });

  it('wrong magic', () => {
    expect(decodeChunked(Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 0), [1]).error?.message).toBe('not a pcap or pcapng file (magic 0xdeadbeef)');
  });

  it('a record length of 4 GB is refused at once, without waiting for its data', () => {
    const bad = cat(pcap.subarray(0, pcapEnds[1]!), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    const dec = new CaptureDecoder();
    const packets = dec.push(bad);
    expect(packets).toHaveLength(2);
    expect(dec.error?.message).toBe(`packet 2 at offset ${pcapEnds[1]}: captured length 4294967295 is implausible (limit ${MAX_PACKET})`);
    expect(() => dec.end()).toThrow(PcapError);
  });

  it('a pcapng block of 4 GB is refused at once', () => {
    const c = ng.slice();
    const { offsets } = twoSections();
    new DataView(c.buffer).setUint32(offsets[5]! + 4, 0xfffffffc, true);
    const { packets, error } = decodeChunked(c.subarray(0, offsets[5]! + 64), [4096]);
    expect(packets).toHaveLength(1);
    expect(error?.message).toMatch(/block length 4294967292 is implausible/);
  });

  it('a pcapng block whose leading and trailing lengths disagree', () => {
    const { offsets } = twoSections();
    const c = ng.slice();
    const end = offsets[6]!;
    new DataView(c.buffer).setUint32(end - 4, 64, true);
    const { packets, error } = decodeChunked(c, [100]);
    expect(packets).toHaveLength(1);
    expect(error?.message).toBe(`pcapng block at offset ${offsets[5]}: trailing length 64 does not match leading length ${end - offsets[5]!}`);
  });

  it('a bad byte-order magic in a later section', () => {
    const { offsets } = twoSections();
    const c = ng.slice();
    new DataView(c.buffer).setUint32(offsets[8]! + 8, 0x12345678, true);
    const { packets, error } = decodeChunked(c, [9]);
    expect(packets).toHaveLength(3);
    expect(error?.message).toBe(`pcapng section header at offset ${offsets[8]}: bad byte-order magic`);
  });
});
