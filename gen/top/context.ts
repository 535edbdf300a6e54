// SPDX-License-Identifier: MIT
// The context every concern of the top level (gen/top.ts) is built with: the module under
// construction, the build's figures and timing, and the blocks it instantiates.

import type { indirectionModule } from '../blocks/indirection.ts';
import type { metaFifoModule } from '../blocks/meta-fifo.ts';
import type { ParserResult } from '../blocks/parser.ts';
import type { rssSelectModule } from '../blocks/rss-select.ts';
import type { hasherFor } from '../blocks/toeplitz-serial.ts';
import type { vmqModule } from '../blocks/vmq.ts';
import type { BuildConfig } from '../config.ts';
import type { Layout } from '../ir/layout.ts';
import type { Module, Signal } from '../ir/module.ts';
import type { metaLayout } from '../meta-layout.ts';
import type { TopTiming } from './timing.ts';

/** The blocks of the core, built before the top so that the top can read their ports and latencies. */
export interface TopBlocks {
  csr: Module;
  /** Width of the configuration snapshot taken at capture. */
  cfgWidth: number;
  cap: Module;
  parser: ParserResult;
  sel: ReturnType<typeof rssSelectModule>;
  tz: ReturnType<typeof hasherFor>;
  ind: ReturnType<typeof indirectionModule>;
  vmq: ReturnType<typeof vmqModule>;
  fifo: ReturnType<typeof metaFifoModule>;
}

export interface TopCtx {
  c: BuildConfig;
  m: Module;
  timing: TopTiming;
  /** The per-frame side data the parser carries (configuration snapshot and tuser). */
  side: Layout;
  mhbBits: number;
  layout: ReturnType<typeof metaLayout>;
  /** Queue number width (c.queueBits). */
  q: number;
  /** Indirection index bits. */
  ib: number;
  /** Filter index bits. */
  fb: number;
  blocks: TopBlocks;
  /** A plain signal of the top, for an instance output. */
  sig: (name: string, width: number) => Signal;
}

/** The top's AXI4-Stream ports. */
export interface StreamPorts {
  tdata: Signal;
  tkeep: Signal;
  tvalid: Signal;
  tready: Signal;
  tlast: Signal;
  tuser: Signal;
  mData: Signal;
  mValid: Signal;
  mReady: Signal;
}
