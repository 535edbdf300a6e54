// SPDX-License-Identifier: MIT
// AXI4-Lite misuse of nvgre_rx_csr in Verilator, every output of every cycle compared
// with the CSR cycle model (ref/cycle/csr-model.ts), and every response compared with
// what the register map documents (gen/regmap.ts, docs/ARCHITECTURE.md): unmapped
// addresses answer DECERR and read 0, writes to read-only registers answer SLVERR and
// change nothing, partial strobes write only their byte lanes (then the field mask and
// clamp apply), address bits 1:0 are ignored, and a master that stalls, splits or
// reorders the address and data phases or holds off B/R still gets exactly one response
// per transaction. The map has no write-only register: every RW register reads back
// what it stores (asserted below, so a write-only one added later must be documented).

import { afterAll, describe, expect, it } from 'vitest';
import { csrModule } from '../gen/blocks/csr.ts';
import { buildParamsOf, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { RESP_DECERR, RESP_OKAY, RESP_SLVERR } from '../gen/regmap.ts';
import { CsrModel, type CsrInputs, type CsrOutputs, idleCsrInputs } from '../ref/cycle/csr-model.ts';
import { hexToBytes } from '../ref/toeplitz.ts';
import type { SimProcess } from '../tb/bridge/sim-process.ts';
import { documentedWords, storedValue, type DocWord } from '../tb/fuzz/regmap.ts';
import { rng, startBlock } from './block-sim.ts';

// The latency and the small build are those of test/csr-lockstep.test.ts: the Verilator builds are shared.
const LATENCY = 17;
const RESET = 2;

function documented(cfg: BuildConfig): Map<number, DocWord> {
  return documentedWords(cfg, { latency: LATENCY });
}

const stored = storedValue;

type Txn = { k: 'w'; addr: number; data: number; strb: number; awDelay?: number; wDelay?: number; bDelay?: number } | { k: 'r'; addr: number; rDelay?: number };

interface Resp {
  txn: Txn;
  resp: number;
  data: number;
  /** Cycles from the transaction's start to its address handshake. */
  aCycle: number;
  cycle: number;
}

const idle = idleCsrInputs;

const OUTS: (keyof CsrOutputs)[] = [
  's_axil_awready',
  's_axil_wready',
  's_axil_bvalid',
  's_axil_bresp',
  's_axil_arready',
  's_axil_rvalid',
  's_axil_rdata',
  's_axil_rresp',
  'cfg_rss_enable',
  'cfg_vmq_enable',
  'cfg_encap_rss_enable',
  'cfg_encap_vmq_enable',
  'cfg_hash_types',
  'cfg_rss_default_queue',
  'cfg_vmq_default_queue',
  'cfg_indirection_bits',
  'cfg_max_header_bytes',
  'cfg_wr_en',
  'cfg_wr_addr',
  'cfg_wr_data',
];

const open: SimProcess[] = [];
const sims = new Map<string, Promise<SimProcess>>();
afterAll(async () => {
  for (const s of open) await s.close();
});

function sim(cfg: BuildConfig): Promise<SimProcess> {
  const key = JSON.stringify(cfg);
  let s = sims.get(key);
  if (!s) {
    s = startBlock(cfg, csrModule(cfg, { latency: LATENCY }).module).then((p) => (open.push(p), p));
    sims.set(key, s);
  }
  return s;
}

/**
 * Runs the transactions one after the other, reacting to the CSR model (which is
 * cycle-exact, so the same inputs are legal for the RTL), then runs the RTL on the
 * same inputs, compares every output of every cycle, and returns the responses as the
 * RTL gave them.
 */
async function drive(cfg: BuildConfig, txns: Txn[]): Promise<Resp[]> {
  const model = new CsrModel({ build: buildParamsOf(cfg), latency: LATENCY, ...(cfg.toeplitz === 'const-key' ? { constKey: hexToBytes(cfg.constKey) } : {}) });
  const ins: CsrInputs[] = [];
  const want: CsrOutputs[] = [];
  const marks: { txn: Txn; aCycle: number; cycle: number; isRead: boolean }[] = [];
  let start = 0;
  for (let c = 0; c < RESET; c++) {
    ins.push({ ...idle() });
    want.push(model.outputs);
  }
  let c = RESET;
  const tick = (i: CsrInputs): CsrOutputs => {
    const o = model.outputs;
    ins.push(i);
    want.push(o);
    model.step(i);
    c++;
    return o;
  };
  for (const t of txns) {
    let age = 0;
    start = c;
    let aCycle = -1;
    if (t.k === 'w') {
      let awDone = false;
      let wDone = false;
      let bSeen = -1;
      for (;;) {
        if (age > 400) throw new Error(`write 0x${t.addr.toString(16)} never answered`);
        const o = model.outputs;
        const awv = !awDone && age >= (t.awDelay ?? 0);
        const wv = !wDone && age >= (t.wDelay ?? 0);
        const bReady = bSeen >= 0 && c - bSeen >= (t.bDelay ?? 0);
        tick({
          ...idle(),
          s_axil_awaddr: awv ? t.addr : 0xffff,
          s_axil_awvalid: awv,
          s_axil_wdata: wv ? t.data : 0xdeadbeef,
          s_axil_wstrb: wv ? t.strb : 0xf,
          s_axil_wvalid: wv,
          s_axil_bready: bReady,
        });
        if (awv && o.s_axil_awready) {
          awDone = true;
          aCycle = c - 1 - start;
        }
        if (wv && o.s_axil_wready) wDone = true;
        if (o.s_axil_bvalid && bSeen < 0) bSeen = c - 1;
        if (o.s_axil_bvalid && bReady) {
          marks.push({ txn: t, aCycle, cycle: c - 1, isRead: false });
          break;
        }
        age++;
      }
    } else {
      let arDone = false;
      let rSeen = -1;
      for (;;) {
        if (age > 400) throw new Error(`read 0x${t.addr.toString(16)} never answered`);
        const o = model.outputs;
        const arv = !arDone;
        const rReady = rSeen >= 0 && c - rSeen >= (t.rDelay ?? 0);
        tick({ ...idle(), s_axil_araddr: arv ? t.addr : 0xffff, s_axil_arvalid: arv, s_axil_rready: rReady });
        if (arv && o.s_axil_arready) {
          arDone = true;
          aCycle = c - 1 - start;
        }
        if (o.s_axil_rvalid && rSeen < 0) rSeen = c - 1;
        if (o.s_axil_rvalid && rReady) {
          marks.push({ txn: t, aCycle, cycle: c - 1, isRead: true });
          break;
        }
        age++;
      }
    }
  }
  for (let k = 0; k < 8; k++) tick(idle());

  const s = await sim(cfg);
  const L = s.layout;
  const stim = L.alloc(ins.length);
  ins.forEach((i, n) => {
    if (n < RESET) L.set(stim, n, 'rst', 1);
    L.set(stim, n, 's_axil_awaddr', i.s_axil_awaddr);
    L.set(stim, n, 's_axil_awvalid', +i.s_axil_awvalid);
    L.set(stim, n, 's_axil_wdata', i.s_axil_wdata >>> 0);
    L.set(stim, n, 's_axil_wstrb', i.s_axil_wstrb);
    L.set(stim, n, 's_axil_wvalid', +i.s_axil_wvalid);
    L.set(stim, n, 's_axil_bready', +i.s_axil_bready);
    L.set(stim, n, 's_axil_araddr', i.s_axil_araddr);
    L.set(stim, n, 's_axil_arvalid', +i.s_axil_arvalid);
    L.set(stim, n, 's_axil_rready', +i.s_axil_rready);
  });
  // A simulation process keeps its state between runs: every drive starts with a reset.
  const out = await s.run(stim);
  for (let n = RESET; n < ins.length; n++) {
    const w = want[n]!;
    for (const name of OUTS) {
      const exp = typeof w[name] === 'boolean' ? +w[name] : (w[name] as number) >>> 0;
      const got = L.getNum(out, n, name);
      if (got !== exp) expect.fail(`cycle ${n}: ${name} is 0x${got.toString(16)}, the CSR model says 0x${exp.toString(16)}`);
    }
  }
  return marks.map((m) => ({
    txn: m.txn,
    aCycle: m.aCycle,
    cycle: m.cycle,
    resp: L.getNum(out, m.cycle, m.isRead ? 's_axil_rresp' : 's_axil_bresp'),
    data: m.isRead ? L.getNum(out, m.cycle, 's_axil_rdata') >>> 0 : 0,
  }));
}

const hex = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
const BUILDS: [string, BuildConfig][] = [
  ['default build', parseBuildConfig({})],
  [
    'small const-key IPv4 build',
    parseBuildConfig({ ipv6: false, toeplitz: 'const-key', indirectionEntries: 16, vmqFilters: 3, queueBits: 4, maxHeaderBytes: 128, dataWidth: 512 }),
  ],
];

describe.each(BUILDS)('AXI4-Lite misuse, %s', (_name, cfg) => {
  const doc = documented(cfg);

  it('documents no write-only register (every mapped word is RO or RW and readable)', () => {
    expect([...doc.values()].every((d) => d.access === 'RO' || d.access === 'RW')).toBe(true);
    expect(doc.size).toBeGreaterThan(40);
  });

  it('reads every word of the 64 KiB space: mapped words OKAY with their documented reset value, the rest DECERR and 0', async () => {
    const txns: Txn[] = [];
    for (let a = 0; a < 0x10000; a += 4) txns.push({ k: 'r', addr: a });
    const rs = await drive(cfg, txns);
    expect(rs).toHaveLength(0x4000);
    const bad: string[] = [];
    for (const r of rs) {
      const d = doc.get(r.txn.addr);
      const want = d ? { resp: RESP_OKAY, data: d.reset } : { resp: RESP_DECERR, data: 0 };
      if (r.resp !== want.resp || r.data !== want.data)
        bad.push(
          `${hex(r.txn.addr)} ${d?.name ?? 'unmapped'}: resp ${r.resp} data 0x${r.data.toString(16)}, documented resp ${want.resp} data 0x${want.data.toString(16)}`,
        );
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('writes all-ones to every word: RW OKAY and stored as documented, RO SLVERR and unchanged, unmapped DECERR', async () => {
    const txns: Txn[] = [];
    for (let a = 0; a < 0x10000; a += 4) txns.push({ k: 'w', addr: a, data: 0xffffffff, strb: 0xf });
    for (let a = 0; a < 0x10000; a += 4) if (doc.has(a)) txns.push({ k: 'r', addr: a });
    const rs = await drive(cfg, txns);
    const bad: string[] = [];
    for (const r of rs) {
      const d = doc.get(r.txn.addr);
      if (r.txn.k === 'w') {
        const want = !d ? RESP_DECERR : d.access === 'RO' ? RESP_SLVERR : RESP_OKAY;
        if (r.resp !== want) bad.push(`write ${hex(r.txn.addr)} ${d?.name ?? 'unmapped'}: resp ${r.resp}, documented ${want}`);
      } else {
        const want = d!.access === 'RO' ? d!.reset : stored(d!, d!.reset, 0xffffffff, 0xf);
        if (r.resp !== RESP_OKAY || r.data !== want)
          bad.push(`read ${hex(r.txn.addr)} ${d!.name}: 0x${r.data.toString(16)}, documented 0x${want.toString(16)}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    // The sweep really hit all three responses.
    const n = [RESP_OKAY, RESP_SLVERR, RESP_DECERR].map((x) => rs.filter((r) => r.txn.k === 'w' && r.resp === x).length);
    expect(n.every((x) => x > 0)).toBe(true);
  });

  it('partial strobes write only their byte lanes, then the field mask and clamp apply', async () => {
    const r = rng(0x57b0 + cfg.vmqFilters);
    const rw = [...doc.entries()].filter(([, d]) => d.access === 'RW');
    const cur = new Map(rw.map(([a, d]) => [a, d.reset]));
    const txns: Txn[] = [];
    const expected: { addr: number; want: number; why: string }[] = [];
    for (const [a, d] of rw) {
      // Every strobe on the small registers; four random ones on table entries.
      const strobes = d.name.includes('[') ? [0, r.int(16), r.int(16), 0xf] : Array.from({ length: 16 }, (_, s) => s);
      for (const strb of strobes) {
        const data = r.chance(0.3) ? 0xffffffff : r.u32();
        const old = cur.get(a)!;
        const want = stored(d, old, data, strb);
        cur.set(a, want);
        txns.push({ k: 'w', addr: a, data, strb }, { k: 'r', addr: a });
        expected.push({ addr: a, want, why: `${d.name} 0x${old.toString(16)} <- 0x${data.toString(16)} strb ${strb.toString(2).padStart(4, '0')}` });
      }
    }
    const rs = await drive(cfg, txns);
    const bad: string[] = [];
    expected.forEach((e, i) => {
      const w = rs[2 * i]!;
      const rd = rs[2 * i + 1]!;
      if (w.resp !== RESP_OKAY || rd.data !== e.want)
        bad.push(`${e.why}: resp ${w.resp}, reads 0x${rd.data.toString(16)}, documented 0x${e.want.toString(16)}`);
    });
    expect(bad.slice(0, 10)).toEqual([]);
    expect(expected.length).toBeGreaterThan(100);
  });

  it('ignores address bits 1:0 on reads and writes', async () => {
    const ctrl = 0x0100;
    const rs = await drive(cfg, [
      { k: 'w', addr: ctrl | 3, data: 0x5, strb: 0xf },
      { k: 'r', addr: ctrl | 1 },
      { k: 'r', addr: 0x0000 | 2 },
      { k: 'w', addr: 0x0002, data: 0, strb: 0xf },
      { k: 'r', addr: 0x0006 | 1 },
    ]);
    expect(rs.map((x) => [x.resp, x.data])).toEqual([
      [RESP_OKAY, 0],
      [RESP_OKAY, 5],
      [RESP_OKAY, 0x4e564752],
      [RESP_SLVERR, 0],
      [RESP_OKAY, 0x00010000],
    ]);
  });

  it('survives a hostile master: split and reordered address/data phases, long B and R stalls, one response each', async () => {
    const r = rng(0xbad + cfg.queueBits);
    const addrs = [...doc.keys()];
    const txns: Txn[] = [];
    for (let i = 0; i < 300; i++) {
      const addr = r.chance(0.2) ? r.int(0x10000) & ~3 : addrs[r.int(addrs.length)]!;
      if (r.chance(0.5))
        txns.push({
          k: 'w',
          addr,
          data: r.u32(),
          strb: r.int(16),
          awDelay: r.chance(0.5) ? 0 : r.int(40),
          wDelay: r.chance(0.5) ? 0 : r.int(40),
          bDelay: r.chance(0.7) ? 0 : r.int(60),
        });
      else txns.push({ k: 'r', addr, rDelay: r.chance(0.7) ? 0 : r.int(60) });
    }
    const rs = await drive(cfg, txns);
    expect(rs).toHaveLength(txns.length);
    for (const x of rs) {
      const d = doc.get(x.txn.addr & ~3);
      if (x.txn.k === 'w') {
        const w = x.txn;
        // The slave takes the address only once both address and data are offered.
        expect(x.aCycle).toBeGreaterThanOrEqual(Math.max(w.awDelay ?? 0, w.wDelay ?? 0));
        expect(x.resp).toBe(!d ? RESP_DECERR : d.access === 'RO' ? RESP_SLVERR : RESP_OKAY);
      } else expect(x.resp).toBe(d ? RESP_OKAY : RESP_DECERR);
    }
  });
});
