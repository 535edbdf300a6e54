// SPDX-License-Identifier: MIT
// PortLayout packing, without Verilator: offsets, round trips of every width class, and
// the errors that keep silently truncated stimulus out of the model.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { widthsModule } from '../tb/bridge/fixtures.ts';
import { layoutSignature, PortLayout } from '../tb/bridge/ports.ts';

const L = PortLayout.of(widthsModule());

describe('PortLayout', () => {
  it('packs inputs (without clk) and outputs in declaration order, each padded to words', () => {
    expect(L.inputs.map((s) => [s.name, s.offset, s.words])).toEqual([
      ['rst', 0, 1],
      ['p1', 1, 1],
      ['p33', 2, 2],
      ['p64', 4, 2],
      ['p2048', 6, 64],
    ]);
    expect(L.inWords).toBe(70);
    expect(L.outputs.map((s) => [s.name, s.offset, s.words])).toEqual([
      ['q1', 0, 1],
      ['q33', 1, 2],
      ['q64', 3, 2],
      ['q2048', 5, 64],
      ['c64', 69, 2],
      ['c1', 71, 1],
    ]);
    expect(L.outWords).toBe(72);
    expect(L.clocked).toBe(true);
  });

  it('round-trips values of every width through set and get', () => {
    const big = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
    fc.assert(
      fc.property(fc.nat(3), fc.integer({ min: 0, max: 1 }), big(33), big(64), big(2048), (cycle, p1, p33, p64, p2048) => {
        const buf = L.alloc(4);
        L.set(buf, cycle, 'p1', p1);
        L.set(buf, cycle, 'p33', p33);
        L.set(buf, cycle, 'p64', p64);
        L.set(buf, cycle, 'p2048', p2048);
        expect(L.get(buf, cycle, 'p1')).toBe(p1);
        expect(L.getBig(buf, cycle, 'p33')).toBe(p33);
        expect(L.getBig(buf, cycle, 'p64')).toBe(p64);
        expect(L.getBig(buf, cycle, 'p2048')).toBe(p2048);
        // Other cycles stay untouched.
        expect(buf.subarray(0, cycle * L.inWords).every((w) => w === 0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('puts bit 0 of a port in bit 0 of its first word, little-endian words', () => {
    const buf = L.alloc(1);
    L.set(buf, 0, 'p64', 0x0123456789abcdefn);
    expect([buf[4], buf[5]]).toEqual([0x89abcdef, 0x01234567]);
    L.setBytes(buf, 0, 'p2048', new Uint8Array([0x11, 0x22, 0x33, 0x44, 0x55]));
    expect([buf[6], buf[7]]).toEqual([0x44332211, 0x55]);
    expect(L.getBig(buf, 0, 'p2048')).toBe(0x5544332211n);
    expect([...L.getBytes(buf, 0, 'p2048').subarray(0, 6)]).toEqual([0x11, 0x22, 0x33, 0x44, 0x55, 0]);
  });

  it('reads 32-bit values as unsigned numbers and ignores bits above a port', () => {
    const l = new PortLayout('t', [
      { name: 'w32', width: 32, kind: 'output' },
      { name: 'w5', width: 5, kind: 'output' },
    ]);
    const out = new Uint32Array([0xfffffffe, 0xffffffff]);
    expect(l.getNum(out, 0, 'w32')).toBe(0xfffffffe);
    expect(l.getNum(out, 0, 'w5')).toBe(31);
    expect(l.clocked).toBe(false);
  });

  it('rejects values that do not fit, unknown ports and ragged batches', () => {
    const buf = L.alloc(1);
    expect(() => L.set(buf, 0, 'p1', 2)).toThrow(/does not fit 1 bits/);
    expect(() => L.set(buf, 0, 'p33', 1n << 33n)).toThrow(/does not fit 33 bits/);
    expect(() => L.set(buf, 0, 'p64', -1)).toThrow(/non-negative/);
    expect(() => L.set(buf, 0, 'clk', 1)).toThrow(/no port 'clk'/);
    expect(() => L.getNum(buf, 0, 'p33')).toThrow(/use getBig/);
    expect(() => L.cycles(new Uint32Array(L.inWords + 1))).toThrow(/not a whole number/);
  });

  it('gives different signatures to different port lists', () => {
    const a = new PortLayout('a', [{ name: 'x', width: 8, kind: 'input' }]);
    const b = new PortLayout('b', [{ name: 'x', width: 9, kind: 'input' }]);
    expect(layoutSignature(a)).not.toBe(layoutSignature(b));
    expect(layoutSignature(a)).toBe(layoutSignature(new PortLayout('c', [{ name: 'x', width: 8, kind: 'input' }])));
  });
});
