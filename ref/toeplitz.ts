// SPDX-License-Identifier: MIT
// Toeplitz hash of docs/CONTRACT.md section 3.2, two ways. The bit-serial form follows the definition
// word for word and is the oracle in tests; ToeplitzHasher is what the engine uses.

export const KEY_BYTES = 40;
/** The longest hash input the core uses: IPv6 addresses (32) plus ports (4). */
export const MAX_INPUT_BYTES = 36;

function keyBit(key: Uint8Array, i: number): number {
  // Key bits past the key's end read as zero; with 40 bytes and 36-byte inputs they are never needed.
  return i < key.length * 8 ? (key[i >> 3]! >> (7 - (i & 7))) & 1 : 0;
}

function keyWindow(key: Uint8Array, start: number): number {
  let w = 0;
  for (let j = 0; j < 32; j++) w = ((w << 1) | keyBit(key, start + j)) >>> 0;
  return w;
}

/**
 * For every set bit i of the input (MSB of byte 0 first), XOR in the 32-bit key window
 * starting at key bit i.
 */
export function toeplitzBitSerial(key: Uint8Array, input: Uint8Array, off = 0, len = input.length - off): number {
  let result = 0;
  for (let i = 0; i < len * 8; i++) {
    const bit = (input[off + (i >> 3)]! >> (7 - (i & 7))) & 1;
    if (bit === 1) result = (result ^ keyWindow(key, i)) >>> 0;
  }
  return result;
}

/** What the engine needs from a Toeplitz implementation. */
export interface Toeplitz {
  readonly key: Uint8Array;
  hash(data: Uint8Array, off: number, len: number): number;
  partial(data: Uint8Array, off: number, len: number, pos: number): number;
}

/**
 * The definition behind the engine's interface: lets a whole engine run on the oracle
 * (for the benchmark's comparison and for cross-checks), at a fraction of the speed.
 */
export class BitSerialToeplitz implements Toeplitz {
  readonly key: Uint8Array;

  constructor(key: Uint8Array) {
    this.key = key.slice();
  }

  hash(data: Uint8Array, off: number, len: number): number {
    return toeplitzBitSerial(this.key, data, off, len);
  }

  partial(data: Uint8Array, off: number, len: number, pos: number): number {
    let result = 0;
    for (let i = 0; i < len * 8; i++) {
      const bit = (data[off + (i >> 3)]! >> (7 - (i & 7))) & 1;
      if (bit === 1) result ^= keyWindow(this.key, pos * 8 + i);
    }
    return result;
  }
}

/**
 * Table-driven Toeplitz: for every input byte position p and byte value v, the XOR of the
 * key windows selected by v's set bits at p. A hash is then one lookup per input byte.
 * The tables depend only on the key and are rebuilt by setKey().
 */
export class ToeplitzHasher implements Toeplitz {
  /** tables[p * 256 + v]: contribution of byte value v at input position p. */
  private readonly tables = new Uint32Array(MAX_INPUT_BYTES * 256);
  private readonly windows = new Uint32Array(MAX_INPUT_BYTES * 8);
  private readonly keyCopy = new Uint8Array(KEY_BYTES);

  constructor(key: Uint8Array) {
    this.setKey(key);
  }

  /** The key the tables were built from (a copy; the caller's array may change freely). */
  get key(): Uint8Array {
    return this.keyCopy;
  }

  setKey(key: Uint8Array): void {
    if (key.length !== KEY_BYTES) throw new RangeError(`Toeplitz key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.keyCopy.set(key);
    // Sliding window: window i+1 is window i shifted left with key bit i+32 shifted in.
    let w = keyWindow(key, 0);
    for (let i = 0; i < this.windows.length; i++) {
      this.windows[i] = w;
      w = ((w << 1) | keyBit(key, i + 32)) >>> 0;
    }
    const t = this.tables;
    for (let p = 0; p < MAX_INPUT_BYTES; p++) {
      const base = p * 256;
      t[base] = 0;
      for (let v = 1; v < 256; v++) {
        const low = v & -v;
        const k = 31 - Math.clz32(low); // bit k of the byte is input bit 7-k of position p
        t[base + v] = t[base + (v ^ low)]! ^ this.windows[p * 8 + 7 - k]!;
      }
    }
  }

  /** Hash of input[off, off+len). len must not exceed MAX_INPUT_BYTES. */
  hash(data: Uint8Array, off: number, len: number): number {
    // partial() inlined: this is the hot path of callers that hash contiguous inputs.
    const t = this.tables;
    let h = 0;
    const end = off + len;
    for (let i = off, base = 0; i < end; i++, base += 256) h ^= t[base + data[i]!]!;
    return h >>> 0;
  }

  /**
   * The contribution of data[off, off+len) placed at input byte position pos. Hashes of
   * non-contiguous inputs (addresses here, ports there) are XORs of partials; finish
   * with `>>> 0`.
   */
  partial(data: Uint8Array, off: number, len: number, pos: number): number {
    const t = this.tables;
    let h = 0;
    let base = pos << 8;
    const end = off + len;
    for (let i = off; i < end; i++, base += 256) h ^= t[base + data[i]!]!;
    return h;
  }
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new RangeError(`not a hex string: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
