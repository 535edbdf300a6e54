// SPDX-License-Identifier: MIT
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv6 } from '../ref/packets/addr.ts';
import { MAX_INPUT_BYTES, ToeplitzHasher, hexToBytes, toeplitzBitSerial } from '../ref/toeplitz.ts';
import vectors from './vectors/ms-rss-vectors.json' with { type: 'json' };

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function port(p: number): Uint8Array {
  return Uint8Array.of(p >> 8, p & 0xff);
}

describe('Microsoft "Verifying the RSS Hash Calculation" vectors', () => {
  for (const v of vectors) {
    const key = hexToBytes(v.key);
    const addr = v.family === 'ipv4' ? parseIpv4 : parseIpv6;
    const addrOnly = concat(addr(v.src), addr(v.dst));
    const withPorts = concat(addrOnly, port(v.sport), port(v.dport));
    const name = `${v.src}:${v.sport} -> ${v.dst}:${v.dport}`;

    it(`${name}: hash inputs built from the addresses match the published input bytes`, () => {
      expect(withPorts).toEqual(hexToBytes(v.input_with_ports_hex));
      expect(addrOnly).toEqual(hexToBytes(v.input_addr_only_hex));
    });

    it(`${name}: bit-serial Toeplitz`, () => {
      expect(toeplitzBitSerial(key, withPorts)).toBe(Number(v.hash_with_ports));
      expect(toeplitzBitSerial(key, addrOnly)).toBe(Number(v.hash_addr_only));
    });

    it(`${name}: table-driven Toeplitz, whole and split into address and port parts`, () => {
      const h = new ToeplitzHasher(key);
      expect(h.hash(withPorts, 0, withPorts.length)).toBe(Number(v.hash_with_ports));
      expect(h.hash(addrOnly, 0, addrOnly.length)).toBe(Number(v.hash_addr_only));
      const ports = concat(port(v.sport), port(v.dport));
      const split = (h.partial(addrOnly, 0, addrOnly.length, 0) ^ h.partial(ports, 0, 4, addrOnly.length)) >>> 0;
      expect(split).toBe(Number(v.hash_with_ports));
    });
  }
});

describe('Toeplitz definition', () => {
  it('a single set input bit selects the key window starting at that bit', () => {
    const key = new Uint8Array(40);
    key[0] = 0xde;
    key[1] = 0xad;
    key[2] = 0xbe;
    key[3] = 0xef;
    key[4] = 0x80;
    // Input bit 0 -> key bits 0..31; input bit 1 -> key bits 1..32 (0xdeadbeef << 1 | 1).
    expect(toeplitzBitSerial(key, Uint8Array.of(0x80))).toBe(0xdeadbeef);
    expect(toeplitzBitSerial(key, Uint8Array.of(0x40))).toBe(0xbd5b7ddf);
    expect(new ToeplitzHasher(key).hash(Uint8Array.of(0x40), 0, 1)).toBe(0xbd5b7ddf);
  });

  it('the empty input and the all-zero key hash to 0', () => {
    const key = hexToBytes('6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa');
    expect(toeplitzBitSerial(key, new Uint8Array(0))).toBe(0);
    expect(new ToeplitzHasher(new Uint8Array(40)).hash(Uint8Array.of(1, 2, 3), 0, 3)).toBe(0);
  });

  it('setKey() rebuilds the tables', () => {
    const a = new Uint8Array(40).fill(0x11);
    const b = new Uint8Array(40).fill(0xa5);
    const input = Uint8Array.of(10, 0, 0, 1, 10, 0, 0, 2, 0x12, 0x34, 0x56, 0x78);
    const h = new ToeplitzHasher(a);
    expect(h.hash(input, 0, 12)).toBe(toeplitzBitSerial(a, input));
    h.setKey(b);
    expect(h.hash(input, 0, 12)).toBe(toeplitzBitSerial(b, input));
    expect(toeplitzBitSerial(a, input)).not.toBe(toeplitzBitSerial(b, input));
  });

  it('rejects keys that are not 40 bytes', () => {
    expect(() => new ToeplitzHasher(new Uint8Array(39))).toThrow(/40 bytes/);
  });
});

describe('table-driven Toeplitz equals the bit-serial oracle', () => {
  it('on random keys and inputs (whole and at an offset)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 40, maxLength: 40 }),
        fc.uint8Array({ minLength: 0, maxLength: MAX_INPUT_BYTES }),
        fc.nat(8),
        (key, input, pad) => {
          const h = new ToeplitzHasher(key);
          const buf = new Uint8Array(pad + input.length);
          buf.set(input, pad);
          expect(h.hash(buf, pad, input.length)).toBe(toeplitzBitSerial(key, input));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('partials at any split point XOR to the whole hash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 40 }), fc.uint8Array({ minLength: 1, maxLength: MAX_INPUT_BYTES }), fc.nat(), (key, input, cut) => {
        const h = new ToeplitzHasher(key);
        const k = cut % (input.length + 1);
        const joined = (h.partial(input, 0, k, 0) ^ h.partial(input, k, input.length - k, k)) >>> 0;
        expect(joined).toBe(toeplitzBitSerial(key, input));
      }),
      { numRuns: 300 },
    );
  });
});
