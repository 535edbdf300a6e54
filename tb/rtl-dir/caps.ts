// SPDX-License-Identifier: MIT
// What build a directory of RTL is, asked of the hardware itself: after a reset the
// capability registers (CAP_*) are read over AXI4-Lite, a const-key build's KEY
// registers give its key, and the one parameter no register reports (the metadata FIFO
// depth) comes from a config file beside the RTL, the `Build:` line every generated file
// carries in its header, or, failing both, is measured: with m_axis_meta stalled, the
// top accepts exactly metaFifoDepth frames before s_axis_tready drops.

import { parseBuildConfig, ConfigError, type BuildConfig } from '../../gen/config.ts';
import { topTiming } from '../../gen/top.ts';
import { ID_VALUE, REG } from '../../ref/regmap.generated.ts';
import { SimProcess } from '../bridge/sim-process.ts';
import type { PortLayout } from '../bridge/ports.ts';
import { RtlDirError } from './dir-model.ts';
import type { Model } from '../bridge/verilator.ts';

/** Build parameters and the register that reports each. */
export const CAP_FIELDS = [
  ['dataWidth', 'CAP_DATA_WIDTH'],
  ['ipv6', 'CAP_IPV6'],
  ['maxHeaderBytes', 'CAP_MAX_HEADER_BYTES'],
  ['ipv6MaxExtHeaders', 'CAP_IPV6_EXT_HEADERS'],
  ['vmqFilters', 'CAP_VMQ_FILTERS'],
  ['indirectionEntries', 'CAP_INDIRECTION_ENTRIES'],
  ['queueBits', 'CAP_QUEUE_BITS'],
  ['toeplitz', 'CAP_TOEPLITZ'],
  // A core from before the tunnel port table answers DECERR with data 0 here: no table, as it has none.
  ['udpTunnelPorts', 'CAP_UDP_TUNNEL_PORTS'],
] as const satisfies readonly (readonly [keyof BuildConfig, keyof typeof REG])[];

export type Caps = Record<(typeof CAP_FIELDS)[number][1] | 'CAP_LATENCY' | 'ID', number>;

/** One cycle at a time through the bridge: enough for a few hundred cycles of register reads. */
class Stepper {
  readonly stim: Uint32Array;
  cycles = 0;
  constructor(
    readonly sim: SimProcess,
    readonly L: PortLayout,
  ) {
    this.stim = L.alloc(1);
  }
  set(port: string, v: number | bigint): void {
    this.L.set(this.stim, 0, port, v);
  }
  async step(): Promise<Uint32Array> {
    this.cycles++;
    return this.sim.run(this.stim.slice());
  }
  get(out: Uint32Array, port: string): number {
    return this.L.getNum(out, 0, port);
  }
}

async function reset(s: Stepper): Promise<void> {
  for (const p of s.L.inputs) s.set(p.name, p.width > 32 ? 0n : 0);
  s.set('rst', 1);
  for (let i = 0; i < 4; i++) await s.step();
  s.set('rst', 0);
  s.set('s_axil_rready', 1);
  s.set('s_axil_bready', 1);
  for (let i = 0; i < 2; i++) await s.step();
}

async function readReg(s: Stepper, addr: number, name: string): Promise<number> {
  s.set('s_axil_araddr', addr);
  s.set('s_axil_arvalid', 1);
  for (let i = 0; ; i++) {
    if (i > 64) throw new RtlDirError(`no AXI4-Lite read response for ${name} (0x${addr.toString(16)}) within 64 cycles`);
    const out = await s.step();
    if (s.get(out, 's_axil_arready')) break;
  }
  s.set('s_axil_arvalid', 0);
  for (let i = 0; ; i++) {
    if (i > 64) throw new RtlDirError(`no AXI4-Lite read data for ${name} (0x${addr.toString(16)}) within 64 cycles`);
    const out = await s.step();
    if (s.get(out, 's_axil_rvalid')) return s.get(out, 's_axil_rdata') >>> 0;
  }
}

/** Frames the top accepts while m_axis_meta is stalled: its metadata FIFO depth. */
async function measureCapacity(sim: SimProcess, L: PortLayout): Promise<number> {
  const n = 2200;
  const stim = L.alloc(n);
  const keep = (1n << BigInt(L.slot('s_axis_tkeep').width)) - 1n;
  for (let c = 0; c < n; c++) {
    L.set(stim, c, 'rst', c < 4 ? 1 : 0);
    if (c >= 6) {
      L.set(stim, c, 's_axis_tvalid', 1);
      L.set(stim, c, 's_axis_tlast', 1);
      L.set(stim, c, 's_axis_tkeep', keep);
    }
  }
  const out = await sim.run(stim);
  let accepted = 0;
  let lastAccept = 0;
  for (let c = 6; c < n; c++) {
    if (L.getNum(out, c, 's_axis_tready')) {
      accepted++;
      lastAccept = c;
    }
  }
  if (lastAccept > n - 200)
    throw new RtlDirError(
      `cannot measure the metadata FIFO depth: s_axis_tready stays high with m_axis_meta stalled (add nvgre_rx.config.json with metaFifoDepth)`,
    );
  return accepted;
}

/** Read ID and every CAP_* register after a reset. */
async function readCaps(s: Stepper): Promise<Caps> {
  await reset(s);
  const caps = { ID: await readReg(s, REG.ID, 'ID') } as Caps;
  if (caps.ID !== ID_VALUE) {
    throw new RtlDirError(
      `the ID register reads 0x${caps.ID.toString(16)}, not 0x${ID_VALUE.toString(16)} ("NVGR"): not an nvgre_rx register block, or its AXI4-Lite reads are broken`,
    );
  }
  for (const [, reg] of CAP_FIELDS) caps[reg] = await readReg(s, REG[reg], reg);
  caps.CAP_LATENCY = await readReg(s, REG.CAP_LATENCY, 'CAP_LATENCY');
  return caps;
}

const capValue = (field: (typeof CAP_FIELDS)[number][0], v: number): unknown =>
  field === 'ipv6' ? v === 1 : field === 'toeplitz' ? (v & 1 ? 'const-key' : v & 2 ? 'tables' : 'runtime-key') : v;

/**
 * The `Build: k=v ...` line of a generated file's header, as a partial build configuration;
 * a long one continues on the comment lines after it that hold only k=v words.
 */
export function buildLine(text: string): Partial<BuildConfig> | undefined {
  const m = /^\s*\*?\s*Build:\s*(.+)$((?:\n[ \t]*\*?[ \t]+\w+=\S+(?:[ \t]+\w+=\S+)*[ \t]*$)*)/m.exec(text.slice(0, 8000));
  if (!m) return undefined;
  const out: Record<string, unknown> = {};
  for (const kv of `${m[1]!} ${m[2]!.replace(/^\s*\*/gm, ' ')}`.trim().split(/\s+/)) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined) continue;
    out[k] = v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v;
  }
  return out as Partial<BuildConfig>;
}

export interface Declared {
  cfg: Partial<BuildConfig>;
  /** e.g. "DIR/nvgre_rx.config.json" or "the Build: line of DIR/nvgre_rx.v". */
  from: string;
}

export interface Resolved {
  cfg: BuildConfig;
  source: string;
  caps: Caps;
}

/**
 * The build configuration of a built model: CAP_* registers, completed and checked by
 * what the directory declares (or by `expected`, which must agree with the registers).
 */
export async function resolveConfig(model: Model, declared: Declared | undefined, expected?: BuildConfig): Promise<Resolved> {
  const sim = await SimProcess.start(model, { timeoutMs: 60_000 });
  try {
    const s = new Stepper(sim, model.layout);
    const caps = await readCaps(s);
    const claim = expected ? { cfg: expected as Partial<BuildConfig>, from: 'the configuration asked for' } : declared;
    const raw: Record<string, unknown> = {};
    for (const [field, reg] of CAP_FIELDS) {
      const v = capValue(field, caps[reg]);
      raw[field] = v;
      const c = claim?.cfg[field];
      if (c !== undefined && c !== v) throw new RtlDirError(`${claim!.from} says ${field} ${String(c)}, but ${reg} reads ${caps[reg]}`);
    }
    let source = 'CAP_* registers';
    if (raw.toeplitz === 'const-key') {
      // A const-key build's KEY registers read back the key it was built with.
      let hex = '';
      for (let k = 0; k < 10; k++) hex += (await readReg(s, REG.KEY + 4 * k, `KEY[${k}]`)).toString(16).padStart(8, '0');
      raw.constKey = hex;
      if (expected && expected.constKey.toLowerCase() !== hex)
        throw new RtlDirError(`the configuration asked for has constKey ${expected.constKey}, but the KEY registers read ${hex}`);
      source += ', KEY registers';
    }
    if (claim?.cfg.metaFifoDepth !== undefined) {
      raw.metaFifoDepth = claim.cfg.metaFifoDepth;
      source += `, metaFifoDepth from ${claim.from}`;
    } else {
      raw.metaFifoDepth = await measureCapacity(sim, model.layout);
      source += `, metaFifoDepth measured (${String(raw.metaFifoDepth)})`;
    }
    let cfg: BuildConfig;
    try {
      cfg = parseBuildConfig(raw);
    } catch (e) {
      if (e instanceof ConfigError) throw new RtlDirError(`the capability registers describe no valid build: ${e.message}`);
      throw e;
    }
    const lat = topTiming(cfg).latency;
    if (caps.CAP_LATENCY !== lat) {
      throw new RtlDirError(
        `CAP_LATENCY reads ${caps.CAP_LATENCY}, but the cycle model of this build has a latency of ${lat} cycles (the RTL's pipeline is not the generator's)`,
      );
    }
    return { cfg, source, caps };
  } finally {
    await sim.close();
  }
}
