// SPDX-License-Identifier: MIT
// Full rate: with m_axis_meta_tready high, s_axis_tready never drops and no cycle goes
// without a beat: back-to-back single-beat frames at 512 bits (one frame per cycle) and
// 60-byte frames (minFrameBytes) at 64 bits. Shorter frames back to back at 64 bits wait
// for the multi-cycle hasher: tready drops in their tlast cycles, exactly as the cycle
// model says. Lockstep with the cycle model on every cycle as well.

import { describe, expect, it } from 'vitest';
import { parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { buildFrame } from '../ref/packets/index.ts';
import { defaultProfile } from '../ref/profile.ts';
import { profileWrites } from '../tb/stimulus/csr.ts';
import type { Script, ScriptItem } from '../tb/stimulus/script.ts';
import { buildTop, driveScript, runLockstep } from './top-support.ts';

function rateScript(cfg: BuildConfig, frames: number, len: number): Script {
  const p = defaultProfile(cfg);
  const items: ScriptItem[] = [{ k: 'csr', writes: profileWrites(p, cfg), during: false, profile: p, why: 'default profile' }];
  for (let i = 0; i < frames; i++) {
    const layers = [
      { kind: 'eth' as const },
      { kind: 'ipv4' as const, src: '10.0.0.1', dst: `10.0.${i >> 8}.${i & 255}` },
      { kind: 'udp' as const, sport: 1000 + i, dport: 53 },
    ];
    items.push({ k: 'frame', frame: { data: buildFrame(layers, { padTo: len }), macError: false, tag: 'rate' } });
  }
  return { items, seed: 0 };
}

async function fullRate(cfgIn: object, frames: number, len: number): Promise<void> {
  const cfg = parseBuildConfig(cfgIn);
  const b = await buildTop(cfg);
  const d = driveScript(cfg, rateScript(cfg, frames, len), { seed: 1, gapRate: 0, readyRate: 1 });
  expect(d.notReady).toBe(0);
  // Beats offered back to back are all taken: the cycles with s_axis_tvalid are exactly the beats.
  const beats = frames * Math.ceil(len / (cfg.dataWidth / 8));
  expect(d.inputs.filter((i) => i.s_axis_tvalid).length).toBe(beats);
  const first = d.inputs.findIndex((i) => i.s_axis_tvalid);
  const last = d.inputs.length - 1 - [...d.inputs].reverse().findIndex((i) => i.s_axis_tvalid);
  expect(last - first + 1).toBe(beats);
  expect(d.records.length).toBe(frames);
  const r = await runLockstep(b, cfg, d);
  expect(r.mismatches, r.mismatches.join('\n')).toEqual([]);
}

describe('full rate, no bubbles', () => {
  it('512-bit: one single-beat frame per cycle', async () => {
    await fullRate({ dataWidth: 512, metaFifoDepth: 32 }, 500, 64);
  });
  it('64-bit: 60-byte frames back to back', async () => {
    await fullRate({}, 300, 60);
  });
  it('64-bit streaming parser: 60-byte frames back to back', async () => {
    await fullRate({ ipv6: false, parser: 'stream' }, 300, 60);
  });
  it('64-bit streaming parser, IPv6: 60-byte frames back to back', async () => {
    await fullRate({ parser: 'stream' }, 300, 60);
  });
  it('128-bit streaming parser: 64-byte frames back to back', async () => {
    await fullRate({ dataWidth: 128, ipv6: false, parser: 'stream', metaFifoDepth: 16 }, 400, 64);
  });
  it('64-bit: 42-byte frames (6 beats) back to back: each tlast waits until 8 cycles after the last', async () => {
    const cfg = parseBuildConfig({});
    const frames = 200;
    const b = await buildTop(cfg);
    const d = driveScript(cfg, rateScript(cfg, frames, 42), { seed: 1, gapRate: 0, readyRate: 1 });
    expect(d.records.length).toBe(frames);
    const lasts = d.inputs.flatMap((i, c) => (i.s_axis_tvalid && i.s_axis_tlast && d.expected[c]!.s_axis_tready ? [c] : []));
    expect(lasts.length).toBe(frames);
    const gaps = lasts.slice(1).map((t, k) => t - lasts[k]!);
    expect(Math.min(...gaps)).toBe(8);
    expect(Math.max(...gaps)).toBe(8);
    // Two held cycles per frame, all of them on a tlast beat.
    expect(d.notReady).toBe(2 * (frames - 1));
    const r = await runLockstep(b, cfg, d);
    expect(r.mismatches, r.mismatches.join('\n')).toEqual([]);
  });
});
