// SPDX-License-Identifier: MIT
// nvgre_rx_csr: the AXI4-Lite register block of docs/ARCHITECTURE.md, built from the one
// register map in gen/regmap.ts.
//
// Timing (cycle-exact; ref/cycle/csr-model.ts is the same machine in TypeScript):
//   Write. In a cycle D with awvalid && wvalid && !awready && (!bvalid || bready) the
//   address, data and strobes are latched and awready = wready = 1 in D+1 (= H, the
//   handshake cycle; the slave waits for both valids, so they may come in either order).
//   The write takes effect at the end of H: the CSR's copy and the cfg_* outputs show it
//   from H+1. bvalid/bresp from H+1 until bready. cfg_wr_en/addr/data is high in H+3
//   only, for an accepted write (OKAY), carrying the word as stored (merged with the old
//   value per wstrb, masked), read back from the CSR's copy, for the words that have
//   event consumers (indirection table, KEY when it is a register); 0 for the others,
//   which the pipeline takes from cfg_* instead.
//   Filter writes are the exception: the filter table is stored once, here, and it is the
//   VMQ block's working copy (cfg_filter_* buses), so a filter write is applied at the end
//   of cycle H+F (F = filterApplyDelay, the distance at which the VMQ block reads the
//   filters for a frame whose tlast is in H+1: frame-atomic as the event streams are).
//   Its bvalid comes from H+F+1, and no other write is taken before then, so a read
//   issued after the write response returns the new value.
//   Read. In a cycle D with arvalid && !arready && no read in progress && (!rvalid ||
//   rready) the address is latched; arready = 1 in D+1 (= H). The data is the registers'
//   content during H (counters count the cnt_* pulses of cycles before H); rvalid/rdata/
//   rresp from H+2 until rready. Reads and writes run independently.
//   Address bits 1:0 are ignored.
// Responses: OKAY; SLVERR for a write to a read-only register (nothing changes);
// DECERR for an unmapped address (reads return 0).
//
// This file assembles the block; each concern is its own file in gen/blocks/csr/, and
// the order of the calls below is the order of the declarations in the Verilog.

import type { BuildConfig } from '../config.ts';
import type { Module } from '../ir/module.ts';
import { regmap, type RegmapExtras } from '../regmap.ts';
import type { FilterSchedule } from './filter-regs.ts';
import type { CsrCtx } from './csr/context.ts';
import { countEvents } from './csr/counters.ts';
import { wordAddressing } from './csr/decode.ts';
import { writeEvents } from './csr/events.ts';
import { csrShell } from './csr/ports.ts';
import { readChannel } from './csr/read.ts';
import { csrState } from './csr/state.ts';
import { writeChannel } from './csr/write.ts';

/** Cycles from the write handshake cycle H to the cycle cfg_wr_en is high. */
export const CSR_WRITE_EVENT_DELAY = 3;
/** Cycles from the read handshake cycle to the first cycle of rvalid. */
export const CSR_READ_DELAY = 2;

export interface CsrExtras extends RegmapExtras {
  filterApplyDelay?: number;
  filterSchedule?: FilterSchedule;
}

export function csrModule(cfg: BuildConfig, extras: CsrExtras): { module: Module; writeEventDelay: number; readDelay: number } {
  const filterApply = extras.filterApplyDelay ?? 1;
  // Default: every filter in registers, compared at once (steps 1).
  const sched = extras.filterSchedule ?? { banks: cfg.vmqFilters, steps: 1 };
  if (filterApply < 1) throw new Error(`csr: filterApplyDelay ${filterApply}, want >= 1`);
  // A filter write lands at least filterApplyDelay + 2 cycles after a reset; the clear
  // sequence of the table's RAM writes its last entry `steps` cycles after it.
  if (filterApply + 1 < sched.steps) throw new Error(`csr: filterApplyDelay ${filterApply} is too short for a ${sched.steps}-entry clear sequence`);
  const rm = regmap(cfg, extras);
  const mhbBits = Math.ceil(Math.log2(cfg.maxHeaderBytes + 1));
  const { m, ports } = csrShell({ cfg, sched, filterApply, mhbBits });
  const ctx: CsrCtx = { m, cfg, q: cfg.queueBits, sched, filterApply, mhbBits, constKey: cfg.toeplitz === 'const-key', rm, ...wordAddressing(rm) };
  const state = csrState(ctx, ports.cfg, extras);
  const wr = writeChannel(ctx, ports, state);
  writeEvents(ctx, ports, state, wr);
  readChannel(ctx, ports, { ...state, filters: wr.store });
  countEvents(ctx, ports, state.counters);
  return { module: m, writeEventDelay: CSR_WRITE_EVENT_DELAY, readDelay: CSR_READ_DELAY };
}
