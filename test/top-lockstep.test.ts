// SPDX-License-Identifier: MIT
// nvgre_rx in Verilator against the cycle model (ref/cycle/top-model.ts), every output
// of every cycle: the register programming of the default profile, every directed contract
// path (tb/stimulus/directed.ts), random frames with register rewrites between and
// during frames, resets inside frames, counter reads, random valid gaps on s_axis and
// random ready on m_axis_meta and the AXI4-Lite response channels.

import { describe, expect, it } from 'vitest';
import { parseBuildConfig } from '../gen/config.ts';
import { randomScript } from '../tb/stimulus/random.ts';
import { buildTop, driveScript, runLockstep } from './top-support.ts';

const rates = { rewriteBetween: 0.02, rewriteDuring: 0.02, reset: 0.01, readEvery: 60 };

async function lockstep(cfgIn: object, seed: number, frames: number, gapRate: number, readyRate: number, expectStall = false): Promise<void> {
  const cfg = parseBuildConfig(cfgIn);
  const b = await buildTop(cfg);
  const d = driveScript(cfg, randomScript(seed, cfg, { frames, rates }), { seed, gapRate, readyRate, axilReadyRate: 0.7 });
  const r = await runLockstep(b, cfg, d);
  expect(r.mismatches, r.mismatches.join('\n')).toEqual([]);
  // The run really carried traffic (resets drop the records in flight and queued).
  expect(d.records.length).toBeGreaterThan(frames * 0.6);
  if (expectStall) expect(d.notReady).toBeGreaterThan(0);
}

describe('nvgre_rx lockstep with the cycle model', () => {
  it('64-bit, IPv6 (default build): gaps and backpressure', async () => {
    await lockstep({}, 11, 400, 0.2, 0.6);
  });
  it('64-bit, IPv6: full rate, ready always', async () => {
    await lockstep({}, 12, 300, 0, 1);
  });
  it('64-bit, IPv4-only build', async () => {
    await lockstep({ ipv6: false }, 13, 300, 0.1, 0.8);
  });
  it('128-bit', async () => {
    await lockstep({ dataWidth: 128 }, 14, 250, 0.2, 0.5);
  });
  it('256-bit, IPv4-only', async () => {
    await lockstep({ dataWidth: 256, ipv6: false }, 15, 250, 0.1, 0.7);
  });
  it('64-bit, small build', async () => {
    await lockstep({ ipv6: false, maxHeaderBytes: 128, vmqFilters: 4, indirectionEntries: 32, queueBits: 4, metaFifoDepth: 16 }, 17, 400, 0.2, 0.6);
  });
  it('64-bit, IPv6 (the default build)', async () => {
    await lockstep({}, 20, 400, 0.2, 0.6);
  });
  it('64-bit, IPv6, 8 extension headers, 1024-byte window', async () => {
    await lockstep({ ipv6MaxExtHeaders: 8, maxHeaderBytes: 1024 }, 21, 300, 0.1, 0.8);
  });
  it('128-bit, 1024-byte window', async () => {
    await lockstep({ dataWidth: 128, ipv6: false, maxHeaderBytes: 1024 }, 18, 250, 0.1, 0.8);
  });
  it('128-bit, 64-byte window (no inner L4 reachable)', async () => {
    await lockstep({ dataWidth: 128, ipv6: false, maxHeaderBytes: 64, toeplitz: 'const-key' }, 19, 250, 0.1, 0.7);
  });
  it('512-bit, small FIFO (tready drops under backpressure)', async () => {
    await lockstep({ dataWidth: 512, metaFifoDepth: 32 }, 16, 250, 0.05, 0.3, true);
  });
});
