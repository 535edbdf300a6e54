// SPDX-License-Identifier: MIT
// The scoreboard: compares a batch of outputs from the RTL with what the cycle model
// predicted, on every cycle and every output port, and checks every delivered record
// against the reference engine under the control state the frame was classified with.
// The first difference is returned as a Mismatch; tb/lockstep/scoreboard-report.ts prints it.

import type { BuildConfig } from '../../gen/config.ts';
import { unpackMeta } from '../../gen/meta-layout.ts';
import { RefEngine } from '../../ref/engine.ts';
import type { Profile } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import type { Batch, FrameInfo } from './driver.ts';
import { MetaPacker } from './meta-words.ts';
import type { PortLayout, PortSlot } from '../bridge/ports.ts';

export interface Mismatch {
  kind: 'lockstep' | 'record';
  cycle: number;
  signal: string;
  expected: bigint;
  actual: bigint;
  /** Other outputs that differ in the same cycle. */
  others: string[];
  frame: FrameInfo | undefined;
  /** For a metadata beat: both records decoded, and the fields that differ. */
  expectedRecord?: MetaRecord;
  actualRecord?: MetaRecord;
  fields?: string[];
}

export interface CompareOptions {
  /**
   * Lenient mode: compare payloads (m_axis_meta_tdata, s_axil_rdata/rresp, s_axil_bresp)
   * only in cycles where their valid is high in the prediction (AXI lets a payload be
   * anything while its valid is low). Default false: the cycle model predicts what the
   * RTL holds there too (the last record or response, 0 after a reset), so every output
   * is compared on every cycle. Valids and readies are compared on every cycle regardless.
   */
  payloadWhenValid?: boolean;
  /**
   * Cycles before this one are not compared (default 1): in cycle 0 the registers have
   * not seen a clock edge, let alone the reset, so their values are undefined (X).
   */
  compareFrom?: number;
  /** Check every delivered record against the reference engine (default true). */
  records?: boolean;
}

const PAYLOAD_VALID: Record<string, string> = {
  m_axis_meta_tdata: 'm_axis_meta_tvalid',
  s_axil_rdata: 's_axil_rvalid',
  s_axil_rresp: 's_axil_rvalid',
  s_axil_bresp: 's_axil_bvalid',
};

function slotValue(buf: Uint32Array, at: number, sl: PortSlot): bigint {
  let v = 0n;
  for (let i = sl.words - 1; i >= 0; i--) v = (v << 32n) | BigInt((buf[at + i]! & (i === sl.words - 1 ? sl.topMask : 0xffffffff)) >>> 0);
  return v;
}

function differs(a: Uint32Array, b: Uint32Array, at: number, sl: PortSlot): boolean {
  for (let i = 0; i < sl.words; i++) {
    const m = i === sl.words - 1 ? sl.topMask : 0xffffffff;
    if (((a[at + i]! ^ b[at + i]!) & m) !== 0) return true;
  }
  return false;
}

const RECORD_KEYS = (r: MetaRecord): (keyof MetaRecord)[] => (Object.keys(r) as (keyof MetaRecord)[]).filter((k) => k !== 'frame');

export function recordDiff(a: MetaRecord, b: MetaRecord): (keyof MetaRecord)[] {
  return RECORD_KEYS(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export class Scoreboard {
  private lastProfile: Profile | undefined;
  private engine: RefEngine | undefined;
  private readonly validSlot = new Map<string, PortSlot>();
  /** Per output word of a cycle's record: the slot it belongs to. */
  private readonly wordSlot: PortSlot[] = [];
  private readonly tdata: PortSlot | undefined;
  private readonly packer: MetaPacker;
  /** The reference record's beat, packed for the word compare. */
  private readonly refWords: Uint32Array;
  records = 0;
  cyclesCompared = 0;
  readonly delivered: { frame: FrameInfo; record: MetaRecord }[] = [];

  constructor(
    readonly cfg: BuildConfig,
    readonly layout: PortLayout,
    readonly opts: CompareOptions = {},
    /** Keep the delivered records (for classify --engine rtl). */
    readonly keepRecords = false,
  ) {
    for (const [p, v] of Object.entries(PAYLOAD_VALID)) {
      const sl = layout.outputs.find((s) => s.name === v);
      if (sl && layout.outputs.some((s) => s.name === p)) this.validSlot.set(p, sl);
    }
    for (const sl of layout.outputs) for (let i = 0; i < sl.words; i++) this.wordSlot[sl.offset + i] = sl;
    this.tdata = layout.outputs.find((s) => s.name === 'm_axis_meta_tdata');
    this.packer = new MetaPacker(cfg);
    this.refWords = new Uint32Array(this.packer.words);
  }

  /**
   * The reference record of a frame under the control state it was classified with
   * (computed once per frame: the check and the coverage count both ask for it).
   */
  reference(f: FrameInfo): MetaRecord {
    if (f.reference) return f.reference;
    const p = f.profile!;
    if (p !== this.lastProfile || !this.engine) {
      this.engine = new RefEngine(p, this.cfg, this.engine?.toeplitz);
      this.lastProfile = p;
    }
    f.reference = this.engine.classify(f.frame.data, { frameIndex: f.id, macError: f.frame.macError });
    return f.reference;
  }

  /**
   * Compare one batch; returns the first mismatch, cycle by cycle, port by port. The
   * prediction is packed in the harness's own layout, so equal batches are one word
   * compare loop; only a differing word is looked at port by port (masks, lenient mode).
   */
  check(batch: Batch, actual: Uint32Array, frameAt: (cycle: number, metaSide: boolean) => FrameInfo | undefined): Mismatch | undefined {
    const exp = batch.expected;
    const W = this.layout.outWords;
    if (actual.length !== exp.length) throw new Error(`batch of ${batch.cycles} cycles: ${actual.length} output words, expected ${exp.length}`);
    const from = this.opts.compareFrom ?? 1;
    const n = exp.length;
    let i = Math.max(0, from - batch.start) * W;
    for (;;) {
      while (i < n && exp[i] === actual[i]) i++;
      if (i >= n) break;
      const c = Math.floor(i / W);
      const m = this.checkCycle(batch, actual, c, frameAt);
      if (m) {
        this.cyclesCompared += c;
        return m;
      }
      i = (c + 1) * W;
    }
    this.cyclesCompared += batch.cycles;
    return this.checkRecords(batch, actual);
  }

  /** Cycle c of a batch port by port: the first differing port, or undefined (masked bits, lenient payloads). */
  private checkCycle(batch: Batch, actual: Uint32Array, c: number, frameAt: (cycle: number, metaSide: boolean) => FrameInfo | undefined): Mismatch | undefined {
    const exp = batch.expected;
    const base = c * this.layout.outWords;
    let first: PortSlot | undefined;
    const others: string[] = [];
    for (const sl of this.layout.outputs) {
      const vs = this.validSlot.get(sl.name);
      if (vs && this.opts.payloadWhenValid === true && (exp[base + vs.offset]! & 1) === 0) continue;
      if (differs(exp, actual, base + sl.offset, sl)) {
        if (!first) first = sl;
        else others.push(sl.name);
      }
    }
    if (!first) return undefined;
    const cycle = batch.start + c;
    const m: Mismatch = {
      kind: 'lockstep',
      cycle,
      signal: first.name,
      expected: slotValue(exp, base + first.offset, first),
      actual: slotValue(actual, base + first.offset, first),
      others,
      frame: frameAt(cycle, first.name.startsWith('m_axis_meta')),
    };
    if (first.name === 'm_axis_meta_tdata') {
      m.expectedRecord = unpackMeta(this.cfg, m.expected, m.frame?.id ?? 0);
      m.actualRecord = unpackMeta(this.cfg, m.actual, m.frame?.id ?? 0);
      m.fields = recordDiff(m.expectedRecord, m.actualRecord);
    }
    return m;
  }

  /**
   * Every record delivered in the batch against the reference engine. The reference
   * record is packed and compared with the beat word by word; when the words are equal
   * and the record survives packing unchanged (MetaPacker.roundTrips) the decoded beat
   * equals it field for field, so only a difference is decoded (the report's path).
   */
  private checkRecords(batch: Batch, actual: Uint32Array): Mismatch | undefined {
    const W = this.layout.outWords;
    const tdata = this.tdata!;
    const check = this.opts.records !== false;
    for (const ev of batch.meta) {
      const at = (ev.cycle - batch.start) * W + tdata.offset;
      this.records++;
      if (check) {
        const want = this.reference(ev.frame);
        if (!this.keepRecords && this.sameBeat(want, actual, at, tdata)) continue;
        const beat = slotValue(actual, at, tdata);
        const got = unpackMeta(this.cfg, beat, ev.frame.id);
        if (this.keepRecords) this.delivered.push({ frame: ev.frame, record: got });
        const fields = recordDiff(want, got);
        if (fields.length) {
          return {
            kind: 'record',
            cycle: ev.cycle,
            signal: 'm_axis_meta_tdata',
            expected: 0n,
            actual: beat,
            others: [],
            frame: ev.frame,
            expectedRecord: want,
            actualRecord: got,
            fields,
          };
        }
      } else if (this.keepRecords) {
        this.delivered.push({ frame: ev.frame, record: unpackMeta(this.cfg, slotValue(actual, at, tdata), ev.frame.id) });
      }
    }
    return undefined;
  }

  private sameBeat(want: MetaRecord, actual: Uint32Array, at: number, sl: PortSlot): boolean {
    if (this.packer.words !== sl.words || !this.packer.roundTrips(want)) return false;
    const w = this.refWords;
    this.packer.pack(want, w, 0);
    for (let k = 0; k < sl.words; k++) {
      const m = k === sl.words - 1 ? sl.topMask : 0xffffffff;
      if (((w[k]! ^ actual[at + k]!) & m) !== 0) return false;
    }
    return true;
  }
}
