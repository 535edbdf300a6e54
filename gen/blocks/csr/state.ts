// SPDX-License-Identifier: MIT
// The CSR block's state: the small configuration registers behind cfg_*, the key words,
// the read copy of the indirection table, the counters, and the low-region words they
// read and write as.

import { type Expr, lit } from '../../ir/expr.ts';
import type { Signal } from '../../ir/module.ts';
import { log2 } from '../../../ref/bits.ts';
import {
  CAP_BASE,
  capabilities,
  COUNTER_BASE,
  COUNTER_NAMES,
  CTRL_BASE,
  HASH_TYPES_MASK,
  ID_VALUE,
  KEY_BASE,
  KEY_WORDS,
  type RegmapExtras,
  VERSION_VALUE,
} from '../../regmap.ts';
import { tunnelRegs } from '../tunnel-regs.ts';
import { type ZeroedTable, zeroedTable } from '../zeroed-table.ts';
import type { CsrCtx, LowWords, ReadOnlyWord, Stored } from './context.ts';
import type { CfgPorts } from './ports.ts';

export interface CsrState {
  table: ZeroedTable;
  counters: Signal[];
  low: LowWords;
}

interface ConfigRegs {
  ctrl: Signal;
  hashTypes: Signal;
  rssDefaultQueue: Signal;
  vmqDefaultQueue: Signal;
  indirectionBits: Signal;
  maxHeaderBytes: Signal;
  key: Signal[];
}

export function csrState(ctx: CsrCtx, cfgOut: CfgPorts, extras: RegmapExtras): CsrState {
  const { m, cfg } = ctx;
  const regs = configRegs(ctx);
  const table = zeroedTable(m, 'ind_table', ctx.q, cfg.indirectionEntries, 'copy of the indirection table, for reads');
  const counters = COUNTER_NAMES.map((n) => m.reg(`cnt_${n}_reg`, 32, 0));
  driveCfg(ctx, regs, cfgOut);
  const stored = storedWords(ctx, regs);
  return { table, counters, low: { stored, ro: readOnlyWords(ctx, counters, extras) } };
}

function configRegs(ctx: CsrCtx): ConfigRegs {
  const { m, q } = ctx;
  return {
    ctrl: m.reg('ctrl_reg', 4, 0, 'rss, vmq, encap rss, encap vmq enables'),
    hashTypes: m.reg('hash_types_reg', 16, 0),
    rssDefaultQueue: m.reg('rss_default_queue_reg', q, 0),
    vmqDefaultQueue: m.reg('vmq_default_queue_reg', q, 0),
    indirectionBits: m.reg('indirection_bits_reg', 3, log2(ctx.cfg.indirectionEntries)),
    maxHeaderBytes: m.reg('max_header_bytes_reg', ctx.mhbBits, ctx.cfg.maxHeaderBytes),
    key: ctx.constKey ? [] : Array.from({ length: KEY_WORDS }, (_, k) => m.reg(`key_reg_${k}`, 32, 0, `key bytes ${4 * k}..${4 * k + 3}`)),
  };
}

function driveCfg(ctx: CsrCtx, r: ConfigRegs, o: CfgPorts): void {
  const { m } = ctx;
  m.assign(o.rss, r.ctrl.bit(0));
  m.assign(o.vmq, r.ctrl.bit(1));
  m.assign(o.encapRss, r.ctrl.bit(2));
  m.assign(o.encapVmq, r.ctrl.bit(3));
  m.assign(o.hashTypes, r.hashTypes);
  m.assign(o.rssDefaultQueue, r.rssDefaultQueue);
  m.assign(o.vmqDefaultQueue, r.vmqDefaultQueue);
  m.assign(o.indirectionBits, r.indirectionBits);
  m.assign(o.maxHeaderBytes, r.maxHeaderBytes);
}

/** Stored registers of the low region, word address -> view/store. */
function storedWords(ctx: CsrCtx, r: ConfigRegs): Stored[] {
  const { q, mhbBits } = ctx;
  const z32 = (e: Expr): Expr => e.zext(32);
  const clampOf = (name: string): Stored['clamp'] => ctx.rm.regs.find((x) => x.name === name)!.clamp!;
  const plain = (k: number, reg: Signal, width: number, mask: number): Stored => ({
    wordAddr: CTRL_BASE / 4 + k,
    view: z32(reg),
    store: (b, v) => b.set(reg, v.slice(width - 1, 0)),
    mask,
  });
  return [
    plain(0, r.ctrl, 4, 0xf),
    plain(1, r.hashTypes, 16, HASH_TYPES_MASK),
    plain(2, r.rssDefaultQueue, q, (1 << q) - 1),
    plain(3, r.vmqDefaultQueue, q, (1 << q) - 1),
    { ...plain(4, r.indirectionBits, 3, 0x7), clamp: clampOf('INDIRECTION_BITS') },
    { ...plain(5, r.maxHeaderBytes, mhbBits, (1 << mhbBits) - 1), clamp: clampOf('MAX_HEADER_BYTES') },
    ...r.key.map((reg, k): Stored => ({ wordAddr: KEY_BASE / 4 + k, view: reg, store: (b, v) => b.set(reg, v), mask: 0xffffffff })),
    ...tunnelRegs(ctx.m, ctx.cfg.udpTunnelPorts),
  ];
}

function readOnlyWords(ctx: CsrCtx, counters: Signal[], extras: RegmapExtras): ReadOnlyWord[] {
  const keyDef = ctx.rm.regs.find((r) => r.name === 'KEY')!;
  return [
    { wordAddr: 0, view: lit(ID_VALUE, 32) },
    { wordAddr: 1, view: lit(VERSION_VALUE, 32) },
    ...capabilities(ctx.cfg, extras).map((c, i) => ({ wordAddr: CAP_BASE / 4 + i, view: lit(c.value, 32) })),
    ...(ctx.constKey ? Array.from({ length: KEY_WORDS }, (_, k) => ({ wordAddr: KEY_BASE / 4 + k, view: lit(keyDef.reset(k), 32) })) : []),
    ...counters.map((c, k) => ({ wordAddr: COUNTER_BASE / 4 + k, view: c as Expr })),
  ];
}
