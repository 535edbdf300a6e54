// SPDX-License-Identifier: MIT
// `nvgre-rx classify --engine rtl|both`: the capture's frames through the Verilated
// top level (built on first use, cached under build/models), with the default or given
// profile programmed over AXI4-Lite first. The driver and the lockstep check of
// tb/lockstep/regress.ts are used as they are, so a model that strays from the cycle model is
// reported rather than trusted. `both` also runs the reference engine and reports every
// field that differs. The capture is simulated in batches, so any size streams through.

import { DEFAULT_CONFIG } from '../gen/config.ts';
import { RefEngine } from '../ref/engine.ts';
import type { CapturePacket } from '../ref/pcap/decoder.ts';
import type { Profile } from '../ref/profile.ts';
import type { MetaRecord } from '../ref/record.ts';
import { SHAPES } from '../tb/lockstep/driver.ts';
import { topProvider } from '../tb/lockstep/top.ts';
import { runRegression, type TopProvider } from '../tb/lockstep/regress.ts';
import { recordDiff } from '../tb/lockstep/scoreboard.ts';
import { engineProfile, imageOf, profileWrites } from '../tb/stimulus/csr.ts';
import type { Script, ScriptItem } from '../tb/stimulus/script.ts';
import { CliError, EXIT_USAGE } from './errors.ts';

/** Exit status of `--engine both` when the engines disagree. */
export const EXIT_DIFFERENCE = 3;
const EXIT_SIM = 4;
const MAX_LISTED_DIFFS = 50;

/** Records of every frame from the RTL, in order; `frame` is `first` + the position in `frames`. */
export async function classifyRtl(
  frames: readonly Uint8Array[],
  profile: Profile,
  cfg = DEFAULT_CONFIG,
  provider: TopProvider = topProvider,
  first = 0,
): Promise<(MetaRecord | undefined)[]> {
  const items: ScriptItem[] = [{ k: 'csr', writes: profileWrites(profile, cfg), during: false, profile: engineProfile(imageOf(profile, cfg)), why: 'profile' }];
  const index: number[] = [];
  frames.forEach((data, i) => {
    // An AXI4-Stream frame has at least one byte: an empty capture record cannot be sent.
    if (data.length === 0) return;
    index.push(i);
    items.push({ k: 'frame', frame: { data, macError: false, tag: `capture frame ${first + i}` } });
  });
  items.push({ k: 'idle', cycles: 8 });
  const script: Script = { items, seed: 1 };
  const r = await runRegression({
    cfg,
    configName: 'default',
    seed: 1,
    frames: frames.length,
    script,
    provider,
    shape: SHAPES.smooth,
    compare: { records: false },
    keepRecords: true,
    noWave: true,
  });
  if (r.report) throw new CliError(`the RTL strayed from its cycle model, records not trusted:\n${r.report}`, EXIT_SIM);
  const out: (MetaRecord | undefined)[] = new Array(frames.length).fill(undefined);
  (r.records_ ?? []).forEach((rec, k) => {
    const i = index[k]!;
    out[i] = { ...rec, frame: first + i };
  });
  return out;
}

export interface RtlRun {
  records: AsyncGenerator<MetaRecord[]>;
  /** After the records are written: throws the differences `both` found. */
  finish: () => void;
}

export async function rtlRecords(
  frames: AsyncIterable<CapturePacket[]>,
  profile: Profile,
  engine: 'rtl' | 'both',
  batchFrames: number,
  rtlDir?: string,
): Promise<RtlRun> {
  let cfg = DEFAULT_CONFIG;
  let provider = topProvider;
  if (rtlDir !== undefined) {
    // --rtl DIR: its build comes from its CAP_* registers; what is wrong with DIR is one line.
    const { loadRtlDirForCli } = await import('../tb/rtl-dir/load.ts');
    ({ cfg, provider } = await loadRtlDirForCli(rtlDir, (m) => new CliError(m, EXIT_USAGE)));
  }
  const ref = new RefEngine(profile, cfg);
  const diffs: string[] = [];
  let differing = 0;
  let first = 0;
  const simulate = async (batch: Uint8Array[]): Promise<MetaRecord[]> => {
    const rtl = await classifyRtl(batch, profile, cfg, provider, first);
    const records = rtl.map((rec, k) => {
      const i = first + k;
      if (rec === undefined) {
        process.stderr.write(`nvgre-rx: frame ${i} is empty and cannot be sent to the RTL; its record is the reference engine's\n`);
        return ref.classify(batch[k]!, { frameIndex: i });
      }
      if (engine === 'both') {
        const want = ref.classify(batch[k]!, { frameIndex: i });
        for (const key of recordDiff(want, rec)) {
          differing++;
          if (diffs.length < MAX_LISTED_DIFFS) diffs.push(`frame ${i}: ${key}: ref ${JSON.stringify(want[key])}, rtl ${JSON.stringify(rec[key])}`);
        }
      }
      return rec;
    });
    first += batch.length;
    return records;
  };
  async function* records(): AsyncGenerator<MetaRecord[]> {
    let pending: Uint8Array[] = [];
    try {
      for await (const batch of frames) {
        // Copies: the packets are views into a read buffer that is refilled.
        for (const p of batch) pending.push(p.data.slice());
        if (pending.length >= batchFrames) {
          const b = pending;
          pending = [];
          yield await simulate(b);
        }
      }
    } catch (e) {
      // Damage later in the capture: the frames before it still get their records.
      if (pending.length > 0) yield await simulate(pending);
      throw e;
    }
    if (pending.length > 0) yield await simulate(pending);
  }
  return {
    records: records(),
    finish: () => {
      if (differing > 0) throw new CliError(`${differing} difference(s) between the reference engine and the RTL:\n${diffs.join('\n')}`, EXIT_DIFFERENCE);
    },
  };
}
