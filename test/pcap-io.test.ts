// SPDX-License-Identifier: MIT
// Capture files: classic pcap in both byte orders and resolutions, pcapng blocks, damage.
import { describe, expect, it } from 'vitest';
import { readPcap } from '../ref/pcap/read.ts';
import { PcapError } from '../ref/pcap/types.ts';
import { writePcap } from '../ref/pcap/write.ts';
import { block, body, cat } from './pcapng-blocks.ts';

const A = Uint8Array.from({ length: 60 }, (_, i) => i);
const B = Uint8Array.from({ length: 7 }, (_, i) => 200 + i);

function hex(s: string): Uint8Array {
  const c = s.replace(/\s+/g, '');
  return Uint8Array.from({ length: c.length / 2 }, (_, i) => parseInt(c.slice(i * 2, i * 2 + 2), 16));
}

describe('classic pcap', () => {
  for (const bigEndian of [false, true])
    for (const nanosecond of [false, true]) {
      it(`round trip, ${bigEndian ? 'big' : 'little'}-endian, ${nanosecond ? 'ns' : 'µs'}`, () => {
        const bytes = writePcap(
          [
            { data: A, tsSec: 1700000000, tsNsec: 123456789 },
            { data: B, tsSec: 5, tsNsec: 999000, origLength: 1500 },
          ],
          { bigEndian, nanosecond },
        );
        const f = readPcap(bytes);
        expect([f.format, f.linkType, f.littleEndian, f.nanosecond]).toEqual(['pcap', 1, !bigEndian, nanosecond]);
        expect(f.packets.map((p) => Array.from(p.data))).toEqual([Array.from(A), Array.from(B)]);
        expect(f.packets[0]!.tsSec).toBe(1700000000);
        expect(f.packets[0]!.tsNsec).toBe(nanosecond ? 123456789 : 123456000);
        expect(f.packets[1]!.origLength).toBe(1500);
      });
    }

  it('reads a hand-written big-endian file', () => {
    const bytes = hex(`
      a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000001
      00000010 00000020 00000003 00000040 aabbcc`);
    const f = readPcap(bytes);
    expect(f.littleEndian).toBe(false);
    expect(f.packets).toHaveLength(1);
    expect(Array.from(f.packets[0]!.data)).toEqual([0xaa, 0xbb, 0xcc]);
    expect([f.packets[0]!.tsSec, f.packets[0]!.tsNsec, f.packets[0]!.origLength]).toEqual([16, 32000, 64]);
  });

  it('an empty capture has no packets', () => {
    expect(readPcap(writePcap([])).packets).toEqual([]);
  });

  it('reports the link type', () => {
    expect(readPcap(writePcap([A], { linkType: 101 })).linkType).toBe(101);
  });
});

function pcapng(little: boolean, tsresol?: number): Uint8Array {
  const shb = block(0x0a0d0d0a, body(little, [0x1a2b3c4d, 4], [1, 2], [0, 2], [0xffffffff, 4], [0xffffffff, 4]), little);
  const opts = tsresol === undefined ? new Uint8Array(0) : cat(body(little, [9, 2], [1, 2]), Uint8Array.of(tsresol, 0, 0, 0), body(little, [0, 2], [0, 2]));
  const idb = block(1, cat(body(little, [1, 2], [0, 2], [0, 4]), opts), little);
  // Timestamp 1_500_000_000.25 s in the interface's units.
  const units = tsresol === 9 ? 1_000_000_000n : 1_000_000n;
  const ts = 1_500_000_000n * units + units / 4n;
  const epb = block(6, cat(body(little, [0, 4], [Number(ts >> 32n), 4], [Number(ts & 0xffffffffn), 4], [A.length, 4], [A.length + 4, 4]), A), little);
  const custom = block(0xbad, Uint8Array.of(1, 2, 3, 4), little);
  const spb = block(3, cat(body(little, [B.length, 4]), B), little);
  return cat(shb, idb, epb, custom, spb);
}

describe('pcapng', () => {
  for (const little of [true, false])
    for (const tsresol of [undefined, 9]) {
      it(`${little ? 'little' : 'big'}-endian, ${tsresol === undefined ? 'default µs' : 'ns'} resolution: EPB and SPB, other blocks skipped`, () => {
        const f = readPcap(pcapng(little, tsresol));
        expect([f.format, f.linkType, f.littleEndian]).toEqual(['pcapng', 1, little]);
        expect(f.packets).toHaveLength(2);
        expect(Array.from(f.packets[0]!.data)).toEqual(Array.from(A));
        expect(f.packets[0]!.origLength).toBe(A.length + 4);
        expect([f.packets[0]!.tsSec, f.packets[0]!.tsNsec]).toEqual([1_500_000_000, 250_000_000]);
        expect(Array.from(f.packets[1]!.data)).toEqual(Array.from(B));
      });
    }
});

describe('damaged files give a one-line PcapError', () => {
  const good = writePcap([A, B]);
  const ng = pcapng(true, 9);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /only 0 bytes/],
    ['unknown magic', hex('00112233445566778899'), /not a pcap or pcapng file/],
    ['text file', new TextEncoder().encode('hello world, this is not a capture'), /not a pcap or pcapng file/],
    ['header cut', good.subarray(0, 20), /truncated pcap file header/],
    ['record header cut', good.subarray(0, 24 + 10), /truncated record header of packet 0/],
    ['packet data cut', good.subarray(0, good.length - 3), /truncated data of packet 1/],
    ['pcapng block cut', ng.subarray(0, ng.length - 8), /truncated pcapng block/],
    [
      'pcapng bad length',
      (() => {
        const c = ng.slice();
        new DataView(c.buffer).setUint32(4, 13, true);
        return c;
      })(),
      /bad block length/,
    ],
    [
      'pcapng EPB for a missing interface',
      (() => {
        const c = ng.slice();
        new DataView(c.buffer).setUint32(28 + 32 + 8, 3, true);
        return c;
      })(),
      /interface 3/,
    ],
  ];
  for (const [name, bytes, msg] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        readPcap(bytes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PcapError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});
