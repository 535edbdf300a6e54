// SPDX-License-Identifier: MIT
// Where each port of a model sits in the packed cycle buffers exchanged with the harness.
//
// A cycle's inputs are every input port except `clk`, in declaration order, each as
// little-endian 32-bit words (bit 0 of the port is bit 0 of its first word) padded to
// whole words. Outputs are every output port, packed the same way. A batch of N cycles
// is N such records back to back in one Uint32Array, which is exactly the byte stream
// the harness reads and writes (x86 and ARM are little-endian, so no conversion).

import type { Module, Signal } from '../../gen/ir/module.ts';

export interface PortSlot {
  readonly name: string;
  readonly width: number;
  readonly dir: 'input' | 'output';
  /** First word of the port within one cycle's record. */
  readonly offset: number;
  readonly words: number;
  /** Mask of the meaningful bits of the last word. */
  readonly topMask: number;
}

export class PortError extends Error {}

const wordsOf = (width: number): number => Math.ceil(width / 32);

function slots(ports: Signal[], dir: 'input' | 'output'): { list: PortSlot[]; words: number } {
  let offset = 0;
  const list = ports.map((p) => {
    const words = wordsOf(p.width);
    const rem = p.width % 32;
    const s: PortSlot = { name: p.name, width: p.width, dir, offset, words, topMask: rem === 0 ? 0xffffffff : (1 << rem) - 1 };
    offset += words;
    return s;
  });
  return { list, words: offset };
}

export class PortLayout {
  readonly inputs: readonly PortSlot[];
  readonly outputs: readonly PortSlot[];
  /** Words per cycle of a stimulus batch and of an output batch. */
  readonly inWords: number;
  readonly outWords: number;
  /** The module has a `clk` input: the harness clocks it after sampling each cycle. */
  readonly clocked: boolean;
  private readonly byName = new Map<string, PortSlot>();

  constructor(
    readonly moduleName: string,
    ports: readonly { name: string; width: number; kind: string }[],
  ) {
    const ins = ports.filter((p) => p.kind === 'input' && p.name !== 'clk') as Signal[];
    const outs = ports.filter((p) => p.kind === 'output') as Signal[];
    const i = slots(ins, 'input');
    const o = slots(outs, 'output');
    this.inputs = i.list;
    this.outputs = o.list;
    this.inWords = i.words;
    this.outWords = o.words;
    this.clocked = ports.some((p) => p.name === 'clk' && p.kind === 'input');
    for (const s of [...i.list, ...o.list]) this.byName.set(s.name, s);
  }

  static of(m: Module): PortLayout {
    return new PortLayout(m.name, m.ports);
  }

  /** The slot of a port by name; throws naming the module when there is none. */
  slot(name: string): PortSlot {
    const s = this.byName.get(name);
    if (!s) throw new PortError(`${this.moduleName}: no port '${name}' (clk is driven by the harness)`);
    return s;
  }

  /** A zeroed stimulus batch of `cycles` cycles. */
  alloc(cycles: number): Uint32Array {
    return new Uint32Array(cycles * this.inWords);
  }

  /** Number of cycles a batch holds. */
  cycles(buf: Uint32Array, dir: 'input' | 'output' = 'input'): number {
    const w = dir === 'input' ? this.inWords : this.outWords;
    if (w === 0) throw new PortError(`${this.moduleName}: no ${dir} words, the cycle count is not in the buffer`);
    if (buf.length % w !== 0) throw new PortError(`${this.moduleName}: ${buf.length} words is not a whole number of ${w}-word cycles`);
    return buf.length / w;
  }

  private resolve(p: string | PortSlot): PortSlot {
    return typeof p === 'string' ? this.slot(p) : p;
  }

  private base(s: PortSlot, cycle: number): number {
    return cycle * (s.dir === 'input' ? this.inWords : this.outWords) + s.offset;
  }

  /**
   * Set a port in cycle `cycle` of a batch. Numbers are for ports up to 32 bits (and up
   * to 2^53 on wider ones), bigints for any width; bits beyond the port width throw,
   * because they would silently be lost in the model.
   */
  set(buf: Uint32Array, cycle: number, port: string | PortSlot, v: number | bigint): void {
    const s = this.resolve(port);
    const at = this.base(s, cycle);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) throw new PortError(`${s.name}: ${v} is not a non-negative safe integer`);
      if (s.width <= 32) {
        if (v > (s.width === 32 ? 0xffffffff : (1 << s.width) - 1)) throw new PortError(`${s.name}: ${v} does not fit ${s.width} bits`);
        buf[at] = v;
        return;
      }
      v = BigInt(v);
    }
    if (v < 0n || v >> BigInt(s.width) !== 0n) throw new PortError(`${s.name}: value does not fit ${s.width} bits`);
    for (let i = 0; i < s.words; i++) {
      buf[at + i] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  }

  /** A port of at most 32 bits as a number (unsigned). */
  getNum(buf: Uint32Array, cycle: number, port: string | PortSlot): number {
    const s = this.resolve(port);
    if (s.width > 32) throw new PortError(`${s.name}: ${s.width} bits do not fit a number, use getBig`);
    return (buf[this.base(s, cycle)]! & s.topMask) >>> 0;
  }

  /** Any port as a bigint. */
  getBig(buf: Uint32Array, cycle: number, port: string | PortSlot): bigint {
    const s = this.resolve(port);
    const at = this.base(s, cycle);
    let v = 0n;
    for (let i = s.words - 1; i >= 0; i--) v = (v << 32n) | BigInt((buf[at + i]! & (i === s.words - 1 ? s.topMask : 0xffffffff)) >>> 0);
    return v;
  }

  /** A number for ports up to 32 bits, a bigint for wider ones. */
  get(buf: Uint32Array, cycle: number, port: string | PortSlot): number | bigint {
    const s = this.resolve(port);
    return s.width <= 32 ? this.getNum(buf, cycle, s) : this.getBig(buf, cycle, s);
  }

  /**
   * Set a port from bytes in AXI lane order: byte i is bits 8i+7..8i (s_axis_tdata).
   * Missing bytes are zero; the port width must be a multiple of 8 bits.
   */
  setBytes(buf: Uint32Array, cycle: number, port: string | PortSlot, bytes: Uint8Array): void {
    const s = this.resolve(port);
    if (s.width % 8 !== 0 || bytes.length > s.width / 8) throw new PortError(`${s.name}: ${bytes.length} bytes for ${s.width} bits`);
    const at = this.base(s, cycle);
    for (let i = 0; i < s.words; i++) {
      const b = 4 * i;
      buf[at + i] = ((bytes[b] ?? 0) | ((bytes[b + 1] ?? 0) << 8) | ((bytes[b + 2] ?? 0) << 16) | ((bytes[b + 3] ?? 0) << 24)) >>> 0;
    }
  }

  /** A port's bytes in AXI lane order (byte i is bits 8i+7..8i). */
  getBytes(buf: Uint32Array, cycle: number, port: string | PortSlot): Uint8Array {
    const s = this.resolve(port);
    const n = Math.ceil(s.width / 8);
    const at = this.base(s, cycle);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (buf[at + (i >> 2)]! >>> (8 * (i & 3))) & 0xff;
    if (s.width % 8 !== 0) out[n - 1] = out[n - 1]! & ((1 << (s.width % 8)) - 1);
    return out;
  }
}

/**
 * A 32-bit FNV-1a hash of the port list as the harness sees it. The harness reports the
 * one it was generated with, so a bridge never talks to a model of other ports.
 */
export function layoutSignature(l: PortLayout): number {
  const text = [...l.inputs, ...l.outputs].map((s) => `${s.dir}:${s.name}:${s.width}`).join(';') + (l.clocked ? ';clk' : '');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
