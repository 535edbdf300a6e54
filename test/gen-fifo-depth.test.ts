// SPDX-License-Identifier: MIT
// The metadata FIFO must hold every frame in flight plus one for s_axis_tready to stay
// high at line rate. lineRateFifoDepth(cfg) (latency + 1) is checked against the cycle
// model (which test/top-lockstep.test.ts holds to the RTL): at that capacity one frame per
// cycle never sees tready low, one entry less does. generateAll refuses a smaller FIFO
// unless allowBackpressureFifo is set; `nvgre-rx gen` refusing it is in gen-rtl.test.ts.

import { describe, expect, it } from 'vitest';
import { generateAll } from '../gen/build-all.ts';
import { ConfigError, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { lineRateFifoDepth, topModelParams } from '../gen/top.ts';
import { idleAxil } from '../ref/cycle/csr-model.ts';
import { TopModel, type TopInputs } from '../ref/cycle/top-model.ts';
import { buildLine } from '../tb/rtl-dir/caps.ts';

const IDLE_AXIL = idleAxil(true);

/** Cycles with s_axis_tready low while single-beat frames are offered every cycle. */
function readyLowCycles(cfg: BuildConfig, capacity: number, cycles: number): number {
  const m = new TopModel({ ...topModelParams(cfg), capacity });
  const W = cfg.dataWidth / 8;
  const data = new Uint8Array(W);
  let low = 0;
  let accepted = 0;
  for (let t = 0; t < cycles; t++) {
    if (!m.outputs.s_axis_tready) low++;
    else accepted++;
    const i: TopInputs = {
      rst: false,
      s_axis_tdata: data,
      s_axis_tkeep: (1n << BigInt(W)) - 1n,
      s_axis_tvalid: true,
      s_axis_tlast: true,
      s_axis_tuser: false,
      m_axis_meta_tready: true,
      ...IDLE_AXIL,
    };
    m.step(i);
  }
  expect(accepted).toBeGreaterThan(cycles / 2);
  return low;
}

describe('metadata FIFO depth and line rate', () => {
  it.each([
    [{ dataWidth: 512 }, 19],
    [{ dataWidth: 512, ipv6: false }, 15],
    [{ dataWidth: 512, ipv6MaxExtHeaders: 8 }, 23],
    [{ dataWidth: 512, ipv6MaxExtHeaders: 0 }, 15],
    // Without the tunnel port table the parser has no UDP tunnel stage: one cycle less.
    [{ dataWidth: 512, udpTunnelPorts: 0 }, 18],
  ])('%o: line rate needs exactly %i entries (cycle model)', (c, min) => {
    const cfg = parseBuildConfig(c);
    expect(lineRateFifoDepth(cfg)).toBe(min);
    expect(readyLowCycles(cfg, min, 1500)).toBe(0);
    expect(readyLowCycles(cfg, min - 1, 1500)).toBeGreaterThan(20);
  });

  it.each([
    // 64-bit builds: the 8-step hasher adds 8 cycles of latency over 512-bit ones.
    [{ ipv6: false, metaFifoDepth: 16 }, 23, 32],
    [{ metaFifoDepth: 16 }, 27, 32],
    [{ ipv6MaxExtHeaders: 8, metaFifoDepth: 16 }, 31, 32],
    [{ dataWidth: 128, metaFifoDepth: 16 }, 23, 32],
  ])('generateAll refuses %o: below the minimum of %i', (c, min, pow2) => {
    const cfg = parseBuildConfig(c);
    let err: unknown;
    try {
      generateAll(cfg);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).not.toMatch(/\n/);
    expect(msg).toMatch(new RegExp(`^config: metaFifoDepth: ${cfg.metaFifoDepth} is below the line-rate minimum of ${min} `));
    expect(msg).toContain(`use ${pow2} or more`);
    expect(msg).toContain('allowBackpressureFifo');
  });

  it('the smallest legal power of two builds; allowBackpressureFifo builds below it and says so', () => {
    expect(generateAll(parseBuildConfig({ ipv6: false, metaFifoDepth: 32 })).has('nvgre_rx.v')).toBe(true);
    const ok = generateAll(parseBuildConfig({ ipv6MaxExtHeaders: 8, metaFifoDepth: 32 })).get('nvgre_rx.v')!;
    expect(ok).toMatch(/with m_axis_meta_tready high it never drops/);
    expect(ok).not.toMatch(/allowBackpressureFifo/);
    const small = generateAll(parseBuildConfig({ ipv6: false, metaFifoDepth: 4, allowBackpressureFifo: true })).get('nvgre_rx.v')!;
    expect(small).toMatch(/fewer than the 23 line rate needs/);
    expect(buildLine(small)).toMatchObject({ metaFifoDepth: 4, allowBackpressureFifo: true });
  });

  it('the default build keeps line rate and its Build: line does not mention the option', () => {
    const cfg = parseBuildConfig({});
    expect(cfg.metaFifoDepth).toBeGreaterThanOrEqual(lineRateFifoDepth(cfg));
    expect(cfg.allowBackpressureFifo).toBe(false);
    expect(generateAll(cfg).get('nvgre_rx.v')!).not.toMatch(/allowBackpressureFifo/);
  });
});
