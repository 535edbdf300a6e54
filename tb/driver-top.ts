// The real top level for the regression: its Verilog (every module of gen/top.ts),
// built with Verilator through tb/verilator.ts (cached under build/models), and the
// cycle model ref/cycle/top-model.ts adapted to the driver's LockstepModel shape.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATOR } from '../gen/build-all.ts';
import { buildParamsOf, describeBuild, type BuildConfig } from '../gen/config.ts';
import { emitModule } from '../gen/emit/verilog.ts';
import type { Module } from '../gen/ir/module.ts';
import { topModule, topTiming } from '../gen/top.ts';
import { TopModel, type TopInputs, type TopModelParams } from '../ref/cycle/top-model.ts';
import type { MetaRecord } from '../ref/record.ts';
import { hexToBytes } from '../ref/toeplitz.ts';
import { packMeta } from './driver-behav.ts';
import type { LockstepModel, PortValue, PortValues } from './driver-model.ts';
import type { TopProvider } from './regress.ts';
import { buildModel, DEFAULT_MODEL_DIR, type Model } from './verilator.ts';

const REPO = join(DEFAULT_MODEL_DIR, '..', '..');
export const SIM_DIR = join(REPO, 'build', 'sim');

export function topModelParams(cfg: BuildConfig): TopModelParams {
  const t = topTiming(cfg);
  return {
    build: buildParamsOf(cfg),
    pushDelay: t.push,
    capacity: t.capacity,
    latency: t.latency,
    constKey: cfg.toeplitz === 'const-key' ? hexToBytes(cfg.constKey) : undefined,
  };
}

const bool = (v: PortValue | undefined): boolean =>
  v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'bigint' && v !== 0n);
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
  `w${cfg.dataWidth}-${cfg.ipv6 ? 'v6' : 'v4'}-${cfg.toeplitz === 'const-key' ? 'ck' : 'rk'}-h${cfg.maxHeaderBytes}-f${cfg.vmqFilters}-i${cfg.indirectionEntries}-q${cfg.queueBits}-e${cfg.ipv6MaxExtHeaders}-d${cfg.metaFifoDepth}`;

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
