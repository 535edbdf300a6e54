// SPDX-License-Identifier: MIT
// The fast path of the lockstep loop against its plain forms (no RTL): the cycle model's
// packed form gives the same input and output words as outputs()/step() through the
// generic adapter; records packed with number arithmetic equal packMeta's bigint beats;
// the scoreboard's word compare still reports the first differing port, and compares
// payloads while their valid is low unless asked to be lenient.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { metaLayout } from '../gen/meta-layout.ts';
import { topModule } from '../gen/top.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import { defaultProfile } from '../ref/profile.ts';
import { RefEngine } from '../ref/engine.ts';
import type { MetaRecord } from '../ref/record.ts';
import { BehaviouralTop, behaviouralPorts, packMeta } from '../tb/lockstep/behavioural-top.ts';
import type { LockstepModel } from '../tb/lockstep/model.ts';
import { Driver, SHAPES, type Batch } from '../tb/lockstep/driver.ts';
import { TopLockstep } from '../tb/lockstep/top.ts';
import { MetaPacker } from '../tb/lockstep/meta-words.ts';
import { PortLayout } from '../tb/bridge/ports.ts';
import { Scoreboard } from '../tb/lockstep/scoreboard.ts';
import { randomFrame, randomScript } from '../tb/stimulus/random.ts';

const CONFIGS: BuildConfig[] = [
  DEFAULT_CONFIG,
  parseBuildConfig({ dataWidth: 512, ipv6: false, toeplitz: 'const-key' }),
  parseBuildConfig({ dataWidth: 128, vmqFilters: 5, queueBits: 3 }),
];

/** The same model seen only through outputs()/step() (and its tlast-dependent tready): the driver adapts it. */
const plain = (m: LockstepModel): LockstepModel => ({
  outputs: () => m.outputs(),
  step: (i) => m.step(i),
  ...(m.treadyFor ? { treadyFor: (tlast: boolean) => m.treadyFor!(tlast) } : {}),
});

function batches(cfg: BuildConfig, model: LockstepModel, seed: number, frames: number): Batch[] {
  const layout = PortLayout.of(topModule(cfg).module);
  const d = new Driver(cfg, layout, model, randomScript(seed, cfg, { frames }), SHAPES.gappy);
  const out: Batch[] = [];
  for (let b = d.next(1000); b; b = d.next(1000)) out.push(b);
  return out;
}

function beatWords(v: bigint, words: number): number[] {
  return Array.from({ length: words }, (_, i) => Number((v >> BigInt(32 * i)) & 0xffffffffn));
}

describe('packed lockstep path', () => {
  for (const cfg of CONFIGS) {
    it(`TopLockstep's packed form drives and predicts the same words as outputs()/step() (${cfg.dataWidth} bits, ${cfg.toeplitz})`, () => {
      expect(new TopLockstep(cfg).packed(PortLayout.of(topModule(cfg).module))).toBeDefined();
      const fast = batches(cfg, new TopLockstep(cfg), 5, 400);
      const slow = batches(cfg, plain(new TopLockstep(cfg)), 5, 400);
      expect(fast.length).toBe(slow.length);
      expect(fast.length).toBeGreaterThan(3);
      fast.forEach((b, i) => {
        const s = slow[i]!;
        expect([b.start, b.cycles]).toEqual([s.start, s.cycles]);
        expect(Buffer.from(b.stim.buffer, b.stim.byteOffset, b.stim.byteLength).equals(Buffer.from(s.stim.buffer, s.stim.byteOffset, s.stim.byteLength))).toBe(
          true,
        );
        expect(
          Buffer.from(b.expected.buffer, b.expected.byteOffset, b.expected.byteLength).equals(
            Buffer.from(s.expected.buffer, s.expected.byteOffset, s.expected.byteLength),
          ),
        ).toBe(true);
        expect(b.meta.map((e) => [e.cycle, e.frame.id])).toEqual(s.meta.map((e) => [e.cycle, e.frame.id]));
      });
    });

    it(`MetaPacker packs every record as packMeta does (${cfg.dataWidth} bits)`, () => {
      const p = new MetaPacker(cfg);
      expect(p.words).toBe(Math.ceil(metaLayout(cfg).width / 32));
      const engine = new RefEngine({ ...defaultProfile(cfg), vmqEnable: true }, cfg);
      const r = mulberry32(3);
      const w = new Uint32Array(p.words + 2).fill(0xdeadbeef);
      for (let k = 0; k < 2000; k++) {
        const rec = engine.classify(randomFrame(r, cfg).data, { frameIndex: k, macError: r() < 0.1 });
        expect(p.roundTrips(rec)).toBe(true);
        p.pack(rec, w, 1);
        expect([...w.subarray(1, 1 + p.words)]).toEqual(beatWords(packMeta(cfg, rec), p.words));
      }
      // Every field at its widest.
      const max = (bits: number): number => 2 ** bits - 1;
      const f = Object.fromEntries(metaLayout(cfg).fields.map((x) => [x.name, x.width]));
      const full: MetaRecord = {
        frame: 0,
        hash: 0xffffffff,
        hash_type: max(f.hash_type!),
        hash_valid: true,
        hash_input: 'inner-4tuple',
        rss_queue: max(f.rss_queue!),
        vmq_queue: max(f.vmq_queue!),
        vmq_hit: true,
        vmq_filter: max(f.vmq_filter!),
        encap: 'nvgre',
        inner_parsed: true,
        vsid: max(24),
        flowid: 255,
        outer_l3_offset: max(f.outer_l3_offset!),
        inner_l2_offset: max(f.inner_l2_offset!),
        inner_l3_offset: max(f.inner_l3_offset!),
        inner_l4_offset: max(f.inner_l4_offset!),
        length: 65535,
        errors: ['truncated', 'too_deep', 'bad_ip', 'mac_error'],
      };
      expect(p.roundTrips(full)).toBe(true);
      p.pack(full, w, 1);
      expect([...w.subarray(1, 1 + p.words)]).toEqual(beatWords(packMeta(cfg, full), p.words));
    });
  }

  it('a record that packing would change is not judged by its words', () => {
    const p = new MetaPacker(DEFAULT_CONFIG);
    const ok = new RefEngine(defaultProfile(DEFAULT_CONFIG), DEFAULT_CONFIG).classify(randomFrame(mulberry32(1), DEFAULT_CONFIG).data);
    expect(p.roundTrips(ok)).toBe(true);
    expect(p.roundTrips({ ...ok, vmq_hit: false, vmq_filter: 2 })).toBe(false);
    expect(p.roundTrips({ ...ok, errors: ['bad_ip', 'truncated'] })).toBe(false);
    expect(p.roundTrips({ ...ok, errors: ['truncated', 'truncated'] })).toBe(false);
    expect(p.roundTrips({ ...ok, rss_queue: 1 << 20 })).toBe(false);
    expect(p.roundTrips({ ...ok, length: 1.5 })).toBe(false);
    expect(p.roundTrips({ ...ok, extra: 1 } as MetaRecord)).toBe(false);
  });
});

describe('scoreboard word compare', () => {
  const cfg = DEFAULT_CONFIG;
  const layout = new PortLayout('nvgre_rx', behaviouralPorts(cfg));
  const run = (seed: number): Batch[] => {
    const d = new Driver(cfg, layout, new BehaviouralTop(cfg), randomScript(seed, cfg, { frames: 200 }), SHAPES.gappy);
    const out: Batch[] = [];
    for (let b = d.next(100_000); b; b = d.next(100_000)) out.push(b);
    return out;
  };

  it('reports the first differing port of the first differing cycle, and the others of that cycle', () => {
    const [b] = run(2);
    const act = b!.expected.slice();
    const W = layout.outWords;
    const c = 1500;
    act[c * W + layout.slot('s_axil_awready').offset]! ^= 1;
    act[c * W + layout.slot('s_axis_tready').offset]! ^= 1;
    act[(c + 7) * W + layout.slot('s_axis_tready').offset]! ^= 1;
    const m = new Scoreboard(cfg, layout).check(b!, act, () => undefined);
    expect([m?.cycle, m?.signal, m?.others]).toEqual([c, 's_axis_tready', ['s_axil_awready']]);
  });

  it('compares payloads while their valid is low, unless lenient', () => {
    const [b] = run(3);
    const W = layout.outWords;
    const rvalid = layout.slot('s_axil_rvalid').offset;
    const c = Array.from({ length: b!.cycles }, (_, i) => i).find((i) => i > 100 && b!.expected[i * W + rvalid] === 0)!;
    const act = b!.expected.slice();
    act[c * W + layout.slot('s_axil_rdata').offset]! ^= 0x100;
    const strict = new Scoreboard(cfg, layout).check(b!, act, () => undefined);
    expect([strict?.cycle, strict?.signal]).toEqual([c, 's_axil_rdata']);
    expect(new Scoreboard(cfg, layout, { payloadWhenValid: true }).check(b!, act, () => undefined)).toBeUndefined();
  });
});
