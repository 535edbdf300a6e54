// SPDX-License-Identifier: MIT
// The real top level for the regression: its Verilog (every module of gen/top.ts),
// built with Verilator through tb/bridge/verilator.ts (cached under build/models), and the
// cycle model ref/cycle/top-model.ts adapted to the driver's LockstepModel shape.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATOR } from '../../gen/build-all.ts';
import { describeBuild, type BuildConfig } from '../../gen/config.ts';
import { emitModule } from '../../gen/emit/verilog.ts';
import type { Module } from '../../gen/ir/module.ts';
import { topModelParams, topModule } from '../../gen/top.ts';
import { idleAxil } from '../../ref/cycle/csr-model.ts';
import { TopModel, type TopInputs } from '../../ref/cycle/top-model.ts';
import type { MetaRecord } from '../../ref/record.ts';
import { packMeta } from './behavioural-top.ts';
import type { LockstepModel, PackedLockstepModel, PortValue, PortValues } from './model.ts';
import { MetaPacker } from './meta-words.ts';
import type { PortLayout } from '../bridge/ports.ts';
import type { TopProvider } from './regress.ts';
import { buildModel, DEFAULT_MODEL_DIR, type Model } from '../bridge/verilator.ts';

const REPO = join(DEFAULT_MODEL_DIR, '..', '..');
export const SIM_DIR = join(REPO, 'build', 'sim');

const bool = (v: PortValue | undefined): boolean => v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'bigint' && v !== 0n);
const num = (v: PortValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v === true ? 1 : 0);
const EMPTY = new Uint8Array(0);

/** ref/cycle/top-model.ts as a LockstepModel: records packed into m_axis_meta_tdata beats. */
export class TopLockstep implements LockstepModel {
  readonly model: TopModel;
  private lastRec: MetaRecord | undefined;
  private lastBeat = 0n;

  constructor(readonly cfg: BuildConfig) {
    this.model = new TopModel(topModelParams(cfg));
  }

  treadyFor(tlast: boolean): boolean {
    return this.model.treadyFor(tlast);
  }

  outputs(): PortValues {
    const o = this.model.outputs;
    if (o.meta !== this.lastRec) {
      this.lastRec = o.meta;
      this.lastBeat = o.meta ? packMeta(this.cfg, o.meta) : 0n;
    }
    return {
      s_axis_tready: o.s_axis_tready,
      m_axis_meta_tdata: this.lastBeat,
      m_axis_meta_tvalid: o.m_axis_meta_tvalid,
      s_axil_awready: o.s_axil_awready,
      s_axil_wready: o.s_axil_wready,
      s_axil_bresp: o.s_axil_bresp,
      s_axil_bvalid: o.s_axil_bvalid,
      s_axil_arready: o.s_axil_arready,
      s_axil_rdata: o.s_axil_rdata,
      s_axil_rresp: o.s_axil_rresp,
      s_axil_rvalid: o.s_axil_rvalid,
    };
  }

  step(i: PortValues): void {
    const keep = i.s_axis_tkeep;
    const inp: TopInputs = {
      rst: bool(i.rst),
      s_axis_tdata: i.s_axis_tdata instanceof Uint8Array ? i.s_axis_tdata : EMPTY,
      s_axis_tkeep: typeof keep === 'bigint' ? keep : BigInt(num(keep)),
      s_axis_tvalid: bool(i.s_axis_tvalid),
      s_axis_tlast: bool(i.s_axis_tlast),
      s_axis_tuser: bool(i.s_axis_tuser),
      m_axis_meta_tready: bool(i.m_axis_meta_tready),
      s_axil_awaddr: num(i.s_axil_awaddr),
      s_axil_awvalid: bool(i.s_axil_awvalid),
      s_axil_wdata: num(i.s_axil_wdata),
      s_axil_wstrb: num(i.s_axil_wstrb),
      s_axil_wvalid: bool(i.s_axil_wvalid),
      s_axil_bready: bool(i.s_axil_bready),
      s_axil_araddr: num(i.s_axil_araddr),
      s_axil_arvalid: bool(i.s_axil_arvalid),
      s_axil_rready: bool(i.s_axil_rready),
    };
    this.model.step(inp);
  }

  /** The packed form for the top level's own port list; undefined for any other. */
  packed(layout: PortLayout): PackedLockstepModel | undefined {
    return TopPacked.fits(layout, this.cfg) ? new TopPacked(this.model, layout, this.cfg) : undefined;
  }
}

const TOP_OUTPUTS = [
  's_axis_tready',
  'm_axis_meta_tdata',
  'm_axis_meta_tvalid',
  's_axil_awready',
  's_axil_wready',
  's_axil_bresp',
  's_axil_bvalid',
  's_axil_arready',
  's_axil_rdata',
  's_axil_rresp',
  's_axil_rvalid',
];
const TOP_INPUTS = [
  'rst',
  's_axis_tdata',
  's_axis_tkeep',
  's_axis_tvalid',
  's_axis_tlast',
  's_axis_tuser',
  'm_axis_meta_tready',
  's_axil_awaddr',
  's_axil_awvalid',
  's_axil_wdata',
  's_axil_wstrb',
  's_axil_wvalid',
  's_axil_bready',
  's_axil_araddr',
  's_axil_arvalid',
  's_axil_rready',
];

/**
 * TopModel on packed words: outputs written straight into the output record (the record
 * on m_axis_meta_tdata packed once, when the output register loads it), inputs read
 * straight from the input record into one reused TopInputs. Same values as
 * TopLockstep.outputs()/step() (test/sim-packed.test.ts runs both side by side).
 */
class TopPacked implements PackedLockstepModel {
  private readonly packer: MetaPacker;
  private readonly metaWords: Uint32Array;
  private lastRec: MetaRecord | undefined;
  private readonly beat: Uint8Array;
  private readonly beatWords: Uint32Array;
  private readonly inp: TopInputs;
  // Word offsets within a cycle's record (plain fields: read every cycle).
  private readonly oTready: number;
  private readonly oMdata: number;
  private readonly oMvalid: number;
  private readonly oAwready: number;
  private readonly oWready: number;
  private readonly oBresp: number;
  private readonly oBvalid: number;
  private readonly oArready: number;
  private readonly oRdata: number;
  private readonly oRresp: number;
  private readonly oRvalid: number;
  private readonly iRst: number;
  private readonly iTdata: number;
  private readonly iTkeep: number;
  private readonly iTvalid: number;
  private readonly iTlast: number;
  private readonly iTuser: number;
  private readonly iMready: number;
  private readonly iAwaddr: number;
  private readonly iAwvalid: number;
  private readonly iWdata: number;
  private readonly iWstrb: number;
  private readonly iWvalid: number;
  private readonly iBready: number;
  private readonly iAraddr: number;
  private readonly iArvalid: number;
  private readonly iRready: number;
  /** tkeep of a tlast beat, as words (TopInputs takes them as they are). */
  private readonly keep: Uint32Array;
  private readonly noKeep: Uint32Array;

  /**
   * The layout has exactly the top's outputs and at least its inputs (others, such as
   * s_axil_awprot/arprot, are ignored as step() ignores them), with this build's widths.
   */
  static fits(L: PortLayout, cfg: BuildConfig): boolean {
    const names = (list: readonly { name: string }[]): string =>
      list
        .map((x) => x.name)
        .sort()
        .join(',');
    if (names(L.outputs) !== [...TOP_OUTPUTS].sort().join(',') || !TOP_INPUTS.every((n) => L.inputs.some((s) => s.name === n))) return false;
    const w = (n: string): number => L.slot(n).width;
    return w('s_axis_tdata') === cfg.dataWidth && w('s_axis_tkeep') === cfg.dataWidth / 8 && L.slot('m_axis_meta_tdata').words === new MetaPacker(cfg).words;
  }

  constructor(
    private readonly model: TopModel,
    layout: PortLayout,
    cfg: BuildConfig,
  ) {
    const at = (n: string): number => layout.slot(n).offset;
    this.oTready = at('s_axis_tready');
    this.oMdata = at('m_axis_meta_tdata');
    this.oMvalid = at('m_axis_meta_tvalid');
    this.oAwready = at('s_axil_awready');
    this.oWready = at('s_axil_wready');
    this.oBresp = at('s_axil_bresp');
    this.oBvalid = at('s_axil_bvalid');
    this.oArready = at('s_axil_arready');
    this.oRdata = at('s_axil_rdata');
    this.oRresp = at('s_axil_rresp');
    this.oRvalid = at('s_axil_rvalid');
    this.iRst = at('rst');
    this.iTdata = at('s_axis_tdata');
    this.iTkeep = at('s_axis_tkeep');
    this.iTvalid = at('s_axis_tvalid');
    this.iTlast = at('s_axis_tlast');
    this.iTuser = at('s_axis_tuser');
    this.iMready = at('m_axis_meta_tready');
    this.iAwaddr = at('s_axil_awaddr');
    this.iAwvalid = at('s_axil_awvalid');
    this.iWdata = at('s_axil_wdata');
    this.iWstrb = at('s_axil_wstrb');
    this.iWvalid = at('s_axil_wvalid');
    this.iBready = at('s_axil_bready');
    this.iAraddr = at('s_axil_araddr');
    this.iArvalid = at('s_axil_arvalid');
    this.iRready = at('s_axil_rready');
    this.packer = new MetaPacker(cfg);
    this.metaWords = new Uint32Array(this.packer.words);
    this.beatWords = new Uint32Array(cfg.dataWidth / 32);
    this.beat = new Uint8Array(this.beatWords.buffer);
    this.keep = new Uint32Array(layout.slot('s_axis_tkeep').words);
    this.noKeep = new Uint32Array(this.keep.length);
    this.inp = {
      rst: false,
      s_axis_tdata: this.beat,
      s_axis_tdata_words: this.beatWords,
      s_axis_tkeep: 0n,
      s_axis_tkeep_words: this.noKeep,
      s_axis_tvalid: false,
      s_axis_tlast: false,
      s_axis_tuser: false,
      m_axis_meta_tready: false,
      ...idleAxil(),
    };
  }

  treadyFor(tlast: boolean): boolean {
    return this.model.treadyFor(tlast);
  }

  packOutputs(buf: Uint32Array, at: number): void {
    const m = this.model;
    const c = m.csrModel;
    const rec = m.metaRecord;
    if (rec !== this.lastRec) {
      this.lastRec = rec;
      if (rec) this.packer.pack(rec, this.metaWords, 0);
      else this.metaWords.fill(0);
    }
    const md = at + this.oMdata;
    for (let k = 0; k < this.metaWords.length; k++) buf[md + k] = this.metaWords[k]!;
    buf[at + this.oTready] = m.sAxisTready ? 1 : 0;
    buf[at + this.oMvalid] = m.metaValid ? 1 : 0;
    buf[at + this.oAwready] = c.awready ? 1 : 0;
    buf[at + this.oWready] = c.awready ? 1 : 0;
    buf[at + this.oBresp] = c.brespOut;
    buf[at + this.oBvalid] = c.bvalidOut ? 1 : 0;
    buf[at + this.oArready] = c.arready ? 1 : 0;
    buf[at + this.oRdata] = c.rdataOut;
    buf[at + this.oRresp] = c.rrespOut;
    buf[at + this.oRvalid] = c.rvalidOut ? 1 : 0;
  }

  stepPacked(w: Uint32Array, at: number): void {
    const i = this.inp;
    i.rst = w[at + this.iRst] !== 0;
    i.s_axis_tvalid = w[at + this.iTvalid] !== 0;
    i.s_axis_tlast = w[at + this.iTlast] !== 0;
    i.s_axis_tuser = w[at + this.iTuser] !== 0;
    i.m_axis_meta_tready = w[at + this.iMready] !== 0;
    i.s_axil_awaddr = w[at + this.iAwaddr]!;
    i.s_axil_awvalid = w[at + this.iAwvalid] !== 0;
    i.s_axil_wdata = w[at + this.iWdata]!;
    i.s_axil_wstrb = w[at + this.iWstrb]!;
    i.s_axil_wvalid = w[at + this.iWvalid] !== 0;
    i.s_axil_bready = w[at + this.iBready] !== 0;
    i.s_axil_araddr = w[at + this.iAraddr]!;
    i.s_axil_arvalid = w[at + this.iArvalid] !== 0;
    i.s_axil_rready = w[at + this.iRready] !== 0;
    // The beat's bytes and tkeep matter only for an accepted beat (tkeep only at tlast).
    if (i.s_axis_tvalid) {
      const d = at + this.iTdata;
      for (let k = 0; k < this.beatWords.length; k++) this.beatWords[k] = w[d + k]!;
      const kp = at + this.iTkeep;
      for (let k = 0; k < this.keep.length; k++) this.keep[k] = w[kp + k]!;
      i.s_axis_tkeep_words = this.keep;
    } else i.s_axis_tkeep_words = this.noKeep;
    this.model.step(i);
  }
}

/** Write every module of the top's build into one directory; returns the file paths. */
export async function writeTopVerilog(cfg: BuildConfig, dir: string): Promise<{ files: string[]; top: Module }> {
  const t = topModule(cfg);
  await mkdir(dir, { recursive: true });
  const build = describeBuild(cfg);
  const seen = new Set<string>();
  const files: string[] = [];
  for (const m of [...t.modules, t.module]) {
    if (seen.has(m.name)) continue;
    seen.add(m.name);
    const f = join(dir, `${m.name}.v`);
    const text = emitModule(m, { build, generator: GENERATOR });
    // Unchanged files keep their timestamps; changed ones are replaced atomically, so a
    // process reading the directory never sees half a file.
    if ((await readFile(f, 'utf8').catch(() => undefined)) !== text) {
      const tmp = `${f}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, f);
    }
    files.push(f);
  }
  return { files, top: t.module };
}

const configKey = (cfg: BuildConfig): string =>
  `w${cfg.dataWidth}-${cfg.ipv6 ? 'v6' : 'v4'}-${cfg.toeplitz === 'const-key' ? 'ck' : cfg.toeplitz === 'tables' ? 'tk' : 'rk'}-h${cfg.maxHeaderBytes}-f${cfg.vmqFilters}-i${cfg.indirectionEntries}-q${cfg.queueBits}-e${cfg.ipv6MaxExtHeaders}-d${cfg.metaFifoDepth}`;

let calls = 0;

export const topProvider: TopProvider = {
  async model(cfg, opts): Promise<{ model: Model; top: Module }> {
    // A coverage build names its sources in the coverage data (verilator_coverage reads
    // them to annotate), so they live at a stable path per configuration and stay. Other
    // builds compile private copies: their sources go to a directory of this call only.
    const stable = opts.coverage === true;
    const dir = stable ? join(SIM_DIR, 'src', configKey(cfg)) : join(SIM_DIR, 'rtl', `${configKey(cfg)}-${process.pid}-${++calls}`);
    const { files, top } = await writeTopVerilog(cfg, dir);
    const kind = opts.trace ? '-trace' : opts.coverage ? '-coverage' : '';
    try {
      const model = await buildModel({ name: `nvgre_rx-${configKey(cfg)}${kind}`, verilogFiles: files, top, trace: opts.trace, coverage: opts.coverage });
      return { model, top };
    } finally {
      if (!stable) await rm(dir, { recursive: true, force: true });
    }
  },
  cycleModel: (cfg) => new TopLockstep(cfg),
};
