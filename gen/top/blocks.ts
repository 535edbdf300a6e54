// SPDX-License-Identifier: MIT
// The blocks the top level instantiates, each generated for the build and the top's timing.

import { captureModule } from '../blocks/capture.ts';
import { csrModule } from '../blocks/csr.ts';
import { indirectionModule } from '../blocks/indirection.ts';
import { metaFifoModule } from '../blocks/meta-fifo.ts';
import { parserModule } from '../blocks/parser.ts';
import { rssSelectModule } from '../blocks/rss-select.ts';
import { hasherFor } from '../blocks/toeplitz-serial.ts';
import { vmqModule } from '../blocks/vmq.ts';
import type { BuildConfig } from '../config.ts';
import type { Layout } from '../ir/layout.ts';
import type { TopBlocks } from './context.ts';
import type { TopTiming } from './timing.ts';

export function topBlocks(c: BuildConfig, timing: TopTiming, side: Layout, mhbBits: number, recordWidth: number): TopBlocks {
  const csr = csrModule(c, {
    latency: timing.latency,
    filterApplyDelay: timing.filterApplyDelay,
    filterSchedule: { banks: timing.filterBanks, steps: timing.filterSteps },
  }).module;
  // The snapshot is `side` without tuser, plus max_header_bytes.
  const cfgWidth = side.width - 1 + mhbBits;
  return {
    csr,
    cfgWidth,
    cap: captureModule(c, cfgWidth).module,
    parser: parserModule(c, { sideWidth: side.width, mhbWidth: mhbBits }),
    sel: rssSelectModule(c),
    tz: hasherFor(c),
    ind: indirectionModule(c),
    vmq: vmqModule(c),
    fifo: metaFifoModule(c, recordWidth),
  };
}
