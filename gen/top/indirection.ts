// SPDX-License-Identifier: MIT
// The indirection table at the top: indexed by the hash masked to the entries in use
// (indirection_bits of the frame's snapshot, delayed to the hash), updated by its own
// delayed write events.

import { cat } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import type { TopCtx } from './context.ts';
import type { Selected } from './rss-select.ts';
import type { Hashed } from './toeplitz.ts';
import type { TableEvent } from './write-events.ts';

/** Returns the queue the table maps the frame's hash to. */
export function indirectionStage(ctx: TopCtx, so: Selected, hashed: Hashed, indEv: TableEvent): Signal {
  const { m, ib, blocks } = ctx;
  const ibAtHash = m.delay('indirection_bits', so.indirection_bits!, blocks.tz.latency);
  const mask = cat(...Array.from({ length: ib }, (_, j) => ibAtHash.gt(ib - 1 - j)));
  const queue = ctx.sig('indirection_queue', ctx.q);
  const valid = ctx.sig('indirection_valid', 1);
  m.instance(blocks.ind.module, 'indirection_inst', {
    cfg_wr_en: indEv.en,
    cfg_wr_index: indEv.field('index'),
    cfg_wr_data: indEv.field('data'),
    in_valid: hashed.valid,
    in_index: hashed.hash.slice(ib - 1, 0).and(mask),
    out_valid: valid,
    out_queue: queue,
  });
  return queue;
}
