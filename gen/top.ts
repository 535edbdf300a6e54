// SPDX-License-Identifier: MIT
// nvgre_rx: the top level. AXI4-Stream frames in, one metadata record per frame out, an
// AXI4-Lite register block. It wires capture -> parser -> RSS select -> Toeplitz ->
// indirection, and VMQ in parallel with hashing, packs the record (gen/meta-layout.ts)
// into the meta FIFO, and keeps the configuration frame-atomic (docs/ARCHITECTURE.md):
// the small registers are snapshotted at capture, and each table's write events are
// delayed by exactly its consumer's distance from capture.

import { captureModule } from './blocks/capture.ts';
import { CSR_WRITE_EVENT_DELAY, csrModule } from './blocks/csr.ts';
import { indirectionModule } from './blocks/indirection.ts';
import { metaFifoModule } from './blocks/meta-fifo.ts';
import { parsedFields } from './blocks/parser-fields.ts';
import { parserModule } from './blocks/parser.ts';
import { rssSelectModule, rssSelectOutputs, sideLayout } from './blocks/rss-select.ts';
import { hasherFor } from './blocks/toeplitz-serial.ts';
import { vmqModule } from './blocks/vmq.ts';
import { type BuildConfig, buildParamsOf, ConfigError } from './config.ts';
import type { TopModelParams } from '../ref/cycle/top-model.ts';
import { hexToBytes } from '../ref/toeplitz.ts';
import { ENCAP, HASH_INPUT, hashInputKey } from '../ref/constants.ts';
import type { HashInput } from '../ref/record.ts';
import { cat, type Expr, lit, mux, named, namedLit } from './ir/expr.ts';
import { Layout } from './ir/layout.ts';
import { Module, Signal } from './ir/module.ts';
import { clog2, metaLayout } from './meta-layout.ts';
import { INDIRECTION_BASE, KEY_BASE, KEY_WORDS } from './regmap.ts';

/** The cycle numbers of one frame's way through the top, counted from its tlast cycle T. */
export interface TopTiming {
  /** Parser stages. */
  parserLatency: number;
  /** Cycle (after T) in which the Toeplitz hasher reads its key for the frame. */
  keyRead: number;
  /** Cycle in which the indirection table is read. */
  indirectionRead: number;
  /** Cycle in which the VMQ block reads its first step of filters (step s: vmqRead + s). */
  vmqRead: number;
  /** Cycle in which the record is pushed into the meta FIFO and the counters count it. */
  push: number;
  /** First cycle of m_axis_meta_tvalid for the record when the FIFO is empty. */
  latency: number;
  /** Extra register stages on each table's write-event stream after the CSR block's own. */
  keyEventDelay: number;
  indirectionEventDelay: number;
  /** Cycles from a filter write's handshake H to the end of the cycle the CSR block applies it (see csr.ts), for filters of step 0. */
  filterApplyDelay: number;
  /** VMQ comparators (banks of the filter table): filter f is read in step f div filterBanks, and applied that many cycles later. */
  filterBanks: number;
  /** Cycles the VMQ block reads the table for per frame. */
  filterSteps: number;
  /** Records the top lets into flight and the FIFO together (s_axis_tready needs room for one more). */
  capacity: number;
  /** Fewest cycles between accepted tlast beats: the hasher's cycles per hash (1: any). */
  tlastGap: number;
  /**
   * `toeplitz: "tables"`: a key written with handshake H reaches frames with T >= H + 1 +
   * keyRebuild, unless another key write comes in H+1 .. H+keyRebuild (the tables' rebuild).
   */
  keyRebuild?: number;
}

const MHB_BITS = (c: BuildConfig): number => Math.ceil(Math.log2(c.maxHeaderBytes + 1));

export function topTiming(c: BuildConfig): TopTiming {
  const parser = parserModule(c, { sideWidth: sideLayout(c).width, mhbWidth: MHB_BITS(c) });
  const tz = hasherFor(c);
  const ind = indirectionModule(c);
  const vmq = vmqModule(c);
  const fifo = metaFifoModule(c, 8);
  // T: tlast accepted; T+1: capture registers = parser input; T+1+P: parser output;
  // T+2+P: RSS select output = Toeplitz and VMQ input.
  const sel = 2 + parser.latency;
  const keyRead = sel + tz.keyStageDelay;
  const indirectionRead = sel + tz.latency;
  const push = Math.max(indirectionRead + ind.latency, sel + vmq.latency);
  return {
    parserLatency: parser.latency,
    keyRead,
    indirectionRead,
    vmqRead: sel,
    push,
    latency: push + fifo.pushToVisible,
    keyEventDelay: keyRead - CSR_WRITE_EVENT_DELAY,
    indirectionEventDelay: indirectionRead - CSR_WRITE_EVENT_DELAY,
    // A write in force from H+1 must reach the filters read in cycle (H+1)+sel (+ their step), and no earlier.
    filterApplyDelay: sel,
    filterBanks: vmq.schedule.banks,
    filterSteps: vmq.schedule.steps,
    capacity: c.metaFifoDepth,
    tlastGap: tz.steps,
    ...(tz.rebuildCycles !== undefined ? { keyRebuild: tz.rebuildCycles } : {}),
  };
}

/**
 * The smallest metaFifoDepth at which s_axis_tready never drops while m_axis_meta_tready
 * is high: one frame per cycle keeps `latency` frames past tlast, and tready needs room
 * for one more (docs/PIPELINE.md, "s_axis_tready").
 */
export function lineRateFifoDepth(c: BuildConfig): number {
  return topTiming(c).latency + 1;
}

/**
 * Refuse a build whose FIFO cannot keep line rate, unless it says it accepts that
 * (allowBackpressureFifo). generateAll calls it; topModule itself builds any depth, so
 * that testbenches can still model RTL measured with a small FIFO.
 */
export function checkLineRateFifo(c: BuildConfig): void {
  const min = lineRateFifoDepth(c);
  if (c.metaFifoDepth >= min || c.allowBackpressureFifo) return;
  const pow2 = 2 ** Math.ceil(Math.log2(min));
  throw new ConfigError(
    `config: metaFifoDepth: ${c.metaFifoDepth} is below the line-rate minimum of ${min} for this build (latency ${min - 1} cycles + 1); ` +
      `use ${pow2} or more, or set allowBackpressureFifo: true to let s_axis_tready drop below line rate`,
  );
}

export interface TopResult {
  module: Module;
  latency: number;
  timing: TopTiming;
  /** Every module of the core, leaves first, the top last. */
  modules: Module[];
}

export function topModule(c: BuildConfig): TopResult {
  const timing = topTiming(c);
  const side = sideLayout(c);
  const mhbBits = MHB_BITS(c);
  const layout = metaLayout(c);
  const q = c.queueBits;
  const ib = Math.log2(c.indirectionEntries);
  const fb = clog2(c.vmqFilters);

  const csr = csrModule(c, {
    latency: timing.latency,
    filterApplyDelay: timing.filterApplyDelay,
    filterSchedule: { banks: timing.filterBanks, steps: timing.filterSteps },
  }).module;
  const cfgWidth = side.width - 1 + mhbBits;
  const cap = captureModule(c, cfgWidth).module;
  const parser = parserModule(c, { sideWidth: side.width, mhbWidth: mhbBits });
  const sel = rssSelectModule(c);
  const tz = hasherFor(c);
  const ind = indirectionModule(c);
  const vmq = vmqModule(c);
  const fifo = metaFifoModule(c, layout.width);

  const m = new Module('nvgre_rx', [
    'NVGRE receive classifier (RSS and VMQ for NVGRE-encapsulated traffic).',
    '',
    'One metadata record per AXI4-Stream frame on m_axis_meta, in frame order, a fixed',
    `${timing.latency} cycles after the frame's tlast beat when m_axis_meta is ready. Every`,
    'frame is classified with the configuration in force in the cycle its tlast beat is',
    'accepted (a register write is in force from the cycle after its handshake).',
    's_axis_tready is low only while the frames in flight and the records waiting in the',
    ...(c.metaFifoDepth >= lineRateFifoDepth(c)
      ? [`FIFO fill its ${c.metaFifoDepth} entries; with m_axis_meta_tready high it never drops.`]
      : [
          `FIFO fill its ${c.metaFifoDepth} entries, fewer than the ${lineRateFifoDepth(c)} line rate needs: at one frame`,
          'per cycle it drops even with m_axis_meta_tready high (allowBackpressureFifo).',
        ]),
  ]);
  m.param('DATA_WIDTH', c.dataWidth, 'AXI4-Stream data width in bits');
  m.param('KEEP_WIDTH', c.dataWidth / 8, 'tkeep width');
  m.param('META_WIDTH', layout.width, 'metadata record width in bits');
  const tdata = m.input('s_axis_tdata', c.dataWidth, { param: 'DATA_WIDTH' });
  const tkeep = m.input('s_axis_tkeep', c.dataWidth / 8, { param: 'KEEP_WIDTH' });
  const tvalid = m.input('s_axis_tvalid', 1);
  const tready = m.output('s_axis_tready', 1);
  const tlast = m.input('s_axis_tlast', 1);
  const tuser = m.input('s_axis_tuser', 1);
  const mData = m.output('m_axis_meta_tdata', layout.width, { param: 'META_WIDTH' });
  const mValid = m.output('m_axis_meta_tvalid', 1);
  const mReady = m.input('m_axis_meta_tready', 1);

  // AXI4-Lite passes straight to the CSR block.
  const csrConns: Record<string, Expr> = {};
  const sig = (name: string, w: number): Signal => m.signal(name, w);
  for (const p of csr.ports) {
    if (p.name === 'clk' || p.name === 'rst') continue;
    if (p.name.startsWith('s_axil_')) csrConns[p.name] = p.kind === 'input' ? m.input(p.name, p.width) : m.output(p.name, p.width);
  }
  const cfgOut: Record<string, Signal> = {};
  for (const p of csr.ports) if (p.name.startsWith('cfg_')) cfgOut[p.name] = sig(`csr_${p.name}`, p.width);
  const cnt: Record<string, Signal> = {};
  for (const p of csr.ports) if (p.name.startsWith('cnt_')) cnt[p.name] = sig(`count_${p.name.slice(4)}`, 1);

  // Capture with the configuration snapshot (everything of `side` but tuser, plus max_header_bytes).
  const cfgLayout = new Layout([...side.fields.filter((f) => f.name !== 'user'), { name: 'max_header_bytes', width: mhbBits }]);
  const cfgIn = cfgLayout.pack(Object.fromEntries(cfgLayout.fields.map((f) => [f.name, cfgOut[`cfg_${f.name}`]!])));
  const capV = sig('capture_valid', 1);
  const capLen = sig('capture_len', 16);
  const capUser = sig('capture_user', 1);
  const capCfg = sig('capture_cfg', cfgWidth);
  const readyReg = m.reg('s_axis_tready_reg', 1, 1);
  // A hasher of K cycles per frame takes a tlast beat at most every K cycles: one that
  // comes sooner (frames shorter than minFrameBytes back to back) is held with
  // s_axis_tready low in its cycle. That makes s_axis_tready depend on s_axis_tlast (one
  // gate after registers); builds with K = 1 keep it a plain register.
  let readyOut: Signal = readyReg;
  let lastIn: Signal;
  if (timing.tlastGap > 1) {
    const gapBits = clog2(timing.tlastGap + 1);
    const gapReg = m.reg('tlast_gap_reg', gapBits, timing.tlastGap, 'cycles since the last accepted tlast beat, saturating');
    const soonReg = m.reg('tlast_soon_reg', 1, 0, 'a tlast beat now would come too soon for the hasher');
    readyOut = m.wire('s_axis_tready_int', readyReg.and(tlast.and(soonReg).not()));
    lastIn = m.wire('frame_in', tvalid.and(readyOut).and(tlast));
    const gapNext = m.wire('tlast_gap_next', mux(lastIn, lit(1, gapBits), mux(gapReg.lt(timing.tlastGap), gapReg.add(1).slice(gapBits - 1, 0), gapReg)));
    m.sync((b) => {
      b.set(gapReg, gapNext);
      b.set(soonReg, gapNext.lt(timing.tlastGap));
    }, 'tlast spacing for the hasher');
  } else lastIn = m.wire('frame_in', tvalid.and(readyReg).and(tlast));
  m.instance(cap, 'capture_inst', {
    s_axis_tdata: tdata,
    s_axis_tkeep: tkeep,
    s_axis_tvalid: tvalid,
    s_axis_tready: readyOut,
    s_axis_tlast: tlast,
    s_axis_tuser: tuser,
    cfg_in: cfgIn,
    out_valid: capV,
    out_len: capLen,
    out_user: capUser,
    out_cfg: capCfg,
  });
  const snap = cfgLayout.view(m, capCfg, 'capture_cfg');
  const snapMhb = snap('max_header_bytes');
  const sideBus = side.pack(Object.fromEntries(side.fields.map((f) => [f.name, f.name === 'user' ? capUser : snap(f.name)])));
  const encapRss = snap('encap_rss_enable');
  const encapVmq = snap('encap_vmq_enable');

  // Parser.
  const pf = parsedFields(c, side.width);
  const pOut: Record<string, Signal> = { valid: sig('parsed_valid', 1) };
  for (const f of pf) pOut[f.name] = sig(`parsed_${f.name}`, f.width);
  const pConns: Record<string, Expr> = {
    in_valid: capV,
    // The parser sees every accepted beat, in the cycle capture_inst does.
    in_beat_valid: tvalid.and(readyOut),
    in_beat_data: tdata,
    in_beat_last: tlast,
    in_len: capLen,
    in_max_header_bytes: snapMhb,
    in_parse_gre: encapRss.or(encapVmq),
    in_side: sideBus,
    // The tunnel port table, live: the parser latches it at each frame's first beat.
    ...(cfgOut.cfg_udp_tunnels ? { in_udp_tunnels: cfgOut.cfg_udp_tunnels } : {}),
  };
  for (const [k, s] of Object.entries(pOut)) pConns[`out_${k}`] = s;
  m.instance(parser.module, 'parser_inst', pConns);

  // RSS select and the VMQ key.
  const sConns: Record<string, Expr> = { in_valid: pOut.valid! };
  for (const f of pf) sConns[`in_${f.name}`] = pOut[f.name]!;
  const so: Record<string, Signal> = {};
  for (const p of sel.module.ports) {
    if (p.kind !== 'output') continue;
    so[p.name.slice(4)] = sig(`sel_${p.name.slice(4)}`, p.width);
    sConns[p.name] = so[p.name.slice(4)]!;
  }
  m.instance(sel.module, 'rss_select_inst', sConns);

  // Table write events, decoded once and delayed per consumer.
  const wrEn = cfgOut.cfg_wr_en!;
  const wrAddr = cfgOut.cfg_wr_addr!;
  const wrData = cfgOut.cfg_wr_data!;
  /** The register `name`'s bytes [base, base + bytes), bounds as localparams ADDR_<name>, ADDR_<name>_END. */
  const inRange = (name: string, base: number, bytes: number): Expr =>
    wrAddr.ge(namedLit(`ADDR_${name}`, base, 16)).and(wrAddr.lt(namedLit(`ADDR_${name}_END`, base + bytes, 16)));
  /** A write event: its enable delayed by n cycles, its index and data (a packed record) read by name. */
  const delayed = (name: string, en: Expr, index: Expr, data: Expr, n: number): { en: Expr; field: (f: 'index' | 'data') => Expr } => {
    const ev = new Layout([
      { name: 'data', width: data.width },
      { name: 'index', width: index.width },
    ]);
    // Event data only matters in the cycle its enable is high: a RAM delay line will do.
    const d = m.delayMem(`${name}_wr`, ev.pack({ index, data }), n);
    return { en: m.delay(`${name}_wr_en`, en, n, 0), field: ev.view(m, d, d instanceof Signal ? d.name : `${name}_wr`) };
  };
  const keyEv = delayed('key', wrEn.and(inRange('KEY', KEY_BASE, 4 * KEY_WORDS)), wrAddr.slice(5, 2), wrData, timing.keyEventDelay);
  const indEv = delayed(
    'indirection',
    wrEn.and(inRange('INDIRECTION', INDIRECTION_BASE, 4 * c.indirectionEntries)),
    wrAddr.slice(ib + 1, 2),
    wrData.slice(q - 1, 0),
    timing.indirectionEventDelay,
  );
  // Toeplitz. Key word k is at KEY_BASE + 4k (KEY_BASE has bits 5:2 clear), so k is address bits 5:2.
  const hash = sig('hash', 32);
  const hashV = sig('hash_valid_out', 1);
  const tzConns: Record<string, Expr> = { in_valid: so.valid!, in_data: so.hash_data!, out_valid: hashV, out_hash: hash };
  if (tz.module.ports.some((p) => p.name === 'cfg_wr_en')) {
    tzConns.cfg_wr_en = keyEv.en;
    tzConns.cfg_wr_index = keyEv.field('index');
    tzConns.cfg_wr_data = keyEv.field('data');
  }
  m.instance(tz.module, 'toeplitz_inst', tzConns);

  // Indirection: the hash masked to the entries in use.
  const toHash = tz.latency;
  const ibAtHash = m.delay('indirection_bits', so.indirection_bits!, toHash);
  const mask = cat(...Array.from({ length: ib }, (_, j) => ibAtHash.gt(ib - 1 - j)));
  const indQueue = sig('indirection_queue', q);
  const indValid = sig('indirection_valid', 1);
  m.instance(ind.module, 'indirection_inst', {
    cfg_wr_en: indEv.en,
    cfg_wr_index: indEv.field('index'),
    cfg_wr_data: indEv.field('data'),
    in_valid: hashV,
    in_index: hash.slice(ib - 1, 0).and(mask),
    out_valid: indValid,
    out_queue: indQueue,
  });

  // VMQ, in parallel with hashing.
  const vHit = sig('vmq_hit', 1);
  const vFilter = sig('vmq_filter', fb);
  const vQueue = sig('vmq_queue', q);
  const vValid = sig('vmq_valid', 1);
  const fltConns: Record<string, Expr> = {};
  // flt_addr (time-shared builds) is the VMQ block's step, the address of the CSR block's filter banks.
  for (const p of vmq.module.ports) if (p.name.startsWith('flt_')) fltConns[p.name] = cfgOut[`cfg_filter_${p.name.slice(4)}`]!;
  m.instance(vmq.module, 'vmq_inst', {
    ...fltConns,
    in_valid: so.valid!,
    in_enable: so.vmq_enable!,
    in_mac: so.vmq_mac!,
    // flt_addr (time-shared builds) is the VMQ block's step, the address of the CSR block's filter banks.
    in_has_vlan: so.vmq_has_vlan!,
    in_vlan: so.vmq_vlan!,
    in_has_vsid: so.vmq_has_vsid!,
    in_vsid: so.vmq_vsid!,
    out_valid: vValid,
    out_hit: vHit,
    out_filter: vFilter,
    out_queue: vQueue,
  });

  // Align everything to the push cycle.
  const selAt = timing.vmqRead;
  const push = timing.push;
  const passFields = rssSelectOutputs(c);
  const passLayout = new Layout(passFields);
  const passBus = passLayout.pack(Object.fromEntries(passFields.map((f) => [f.name, so[f.name]!])));
  // The record's fields wait in a RAM delay line for the hash and the queues.
  const pass = m.delayMem('record', passBus, push - selAt);
  const passValid = m.delay('record_valid', so.valid!, push - selAt, 0);
  const get = passLayout.view(m, pass, pass instanceof Signal ? pass.name : 'record');
  const hashAt = m.delay('hash', hash, push - (selAt + tz.latency));
  const indAt = m.delay('rss_queue', indQueue, push - (timing.indirectionRead + ind.latency));
  const hitAt = m.delay('vmq_hit', vHit, push - (selAt + vmq.latency));
  const filterAt = m.delay('vmq_filter', vFilter, push - (selAt + vmq.latency));
  const vqAt = m.delay('vmq_queue', vQueue, push - (selAt + vmq.latency));
  void indValid;
  void vValid;

  const hv = get('hash_valid');
  const values: Record<string, Expr> = {
    hash: mux(hv, hashAt, lit(0, 32)),
    hash_type: get('hash_type'),
    hash_valid: hv,
    hash_input: get('hash_input'),
    rss_queue: mux(hv, indAt, get('rss_default_queue')),
    vmq_queue: mux(hitAt, vqAt, get('vmq_default_queue')),
    vmq_hit: hitAt,
    vmq_filter: mux(hitAt, filterAt, lit(0, fb)),
    encap: get('encap'),
    inner_parsed: get('inner_parsed'),
    vsid: get('vsid'),
    flowid: get('flowid'),
    outer_l3_offset: get('outer_l3_offset'),
    inner_l2_offset: get('inner_l2_offset'),
    inner_l3_offset: get('inner_l3_offset'),
    inner_l4_offset: get('inner_l4_offset'),
    length: get('length'),
    errors: get('errors'),
  };
  const recordLayout = new Layout(layout.fields, layout.width);
  for (const f of layout.fields) if (recordLayout.field(f.name).lsb !== f.lsb) throw new Error(`record field ${f.name}: lsb ${f.lsb}`);
  const record = m.wire('record_data', recordLayout.pack(values));

  // Counters count each record as it is pushed.
  const hashInput = (n: HashInput): Expr => named(HASH_INPUT, hashInputKey(n));
  const hi = get('hash_input');
  const cntVals: Record<string, Expr> = {
    cnt_valid: passValid,
    cnt_frames: lit(1, 1),
    cnt_encap: get('encap').ne(named(ENCAP, 'NONE', get('encap').width)),
    cnt_nvgre: get('encap').eq(named(ENCAP, 'NVGRE', get('encap').width)),
    cnt_four_tuple: hi.eq(hashInput('4tuple')).or(hi.eq(hashInput('inner-4tuple'))),
    cnt_outer_2tuple: hi.eq(hashInput('outer-2tuple')),
    cnt_no_hash: hi.eq(hashInput('none')),
    cnt_vmq_hit: hitAt,
    cnt_parse_error: get('errors').slice(2, 0).any(),
    cnt_mac_error: get('errors').bit(3),
    ...(c.udpTunnelPorts > 0 ? { cnt_vxlan: get('encap').eq(3), cnt_geneve: get('encap').eq(4) } : {}),
  };
  for (const [k, s] of Object.entries(cnt)) m.assign(s, cntVals[k] ?? lit(0, 1));
  m.instance(csr, 'csr_inst', { ...csrConns, ...cfgOut, ...cnt });

  // Meta FIFO.
  const fifoValid = sig('meta_tvalid', 1);
  const fifoData = sig('meta_tdata', layout.width);
  m.instance(fifo.module, 'meta_fifo_inst', {
    s_valid: passValid,
    s_data: record,
    m_axis_tdata: fifoData,
    m_axis_tvalid: fifoValid,
    m_axis_tready: mReady,
  });
  m.assign(mData, fifoData);
  m.assign(mValid, fifoValid);

  // Frames accepted (tlast) and not yet taken from m_axis_meta: in flight plus queued.
  const ow = clog2(timing.capacity + 1);
  const occ = m.reg('occupancy_reg', ow, 0, 'frames past tlast whose record has not left m_axis_meta');
  const inc = lastIn;
  const dec = m.wire('record_out', fifoValid.and(mReady));
  const occNext = m.wire('occupancy_next', mux(inc.and(dec.not()), occ.add(1), mux(dec.and(inc.not()), occ.sub(1), occ)));
  m.sync((b) => {
    b.set(occ, occNext);
    b.set(readyReg, occNext.lt(timing.capacity));
  }, 'occupancy and s_axis_tready');
  m.assign(tready, readyOut);

  return { module: m, latency: timing.latency, timing, modules: [cap, parser.module, sel.module, tz.module, ind.module, vmq.module, fifo.module, csr, m] };
}

/** The figures the cycle model (ref/cycle/top-model.ts) needs for this build. */
export function topModelParams(c: BuildConfig): TopModelParams {
  const t = topTiming(c);
  return {
    build: buildParamsOf(c),
    pushDelay: t.push,
    capacity: t.capacity,
    latency: t.latency,
    constKey: c.toeplitz === 'const-key' ? hexToBytes(c.constKey) : undefined,
    filterApplyDelay: t.filterApplyDelay,
    filterBanks: t.filterBanks,
    tlastGap: t.tlastGap,
    keyRebuild: t.keyRebuild,
  };
}
