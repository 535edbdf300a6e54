// SPDX-License-Identifier: MIT
// The figures of a build that the top level's cycle model (ref/cycle/top-model.ts) runs
// with, taken from the same timing the RTL is generated with.

import { buildParamsOf, type BuildConfig } from '../config.ts';
import type { TopModelParams } from '../../ref/cycle/top-model.ts';
import { hexToBytes } from '../../ref/toeplitz.ts';
import { topTiming } from './timing.ts';

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
