// SPDX-License-Identifier: MIT
// `nvgre-rx classify --engine rtl|both`: the capture's frames through the Verilated
// top level (built on first use, cached under build/models), with the default or given
// profile programmed over AXI4-Lite first. The driver and the lockstep check of
// tb/regress.ts are used as they are, so a model that strays from the cycle model is
// reported rather than trusted. `both` also runs the reference engine and reports every
// field that differs.

import { DEFAULT_CONFIG } from '../gen/config.ts';
import { RefEngine } from '../ref/engine.ts';
import type { PcapFile } from '../ref/pcap/types.ts';
import type { Profile } from '../ref/profile.ts';
import type { MetaRecord } from '../ref/record.ts';
import { SHAPES } from '../tb/driver.ts';
import { topProvider } from '../tb/driver-top.ts';
import { runRegression, type TopProvider } from '../tb/regress.ts';
import { recordDiff } from '../tb/scoreboard.ts';
import { engineProfile, imageOf, profileWrites } from '../tb/stimulus-csr.ts';
import type { Script, ScriptItem } from '../tb/stimulus.ts';
import { CliError, EXIT_USAGE } from './errors.ts';
import { LineWriter } from './output.ts';
import { formatTable } from './table.ts';

/** Exit status of `--engine both` when the engines disagree. */
export const EXIT_DIFFERENCE = 3;
const EXIT_SIM = 4;

/** Records of every frame from the RTL, in capture order (`frame` is the capture index). */
export async function classifyRtl(frames: readonly Uint8Array[], profile: Profile, cfg = DEFAULT_CONFIG, provider: TopProvider = topProvider): Promise<(MetaRecord | undefined)[]> {
  const items: ScriptItem[] = [{ k: 'csr', writes: profileWrites(profile, cfg), during: false, profile: engineProfile(imageOf(profile, cfg)), why: 'profile' }];
  const index: number[] = [];
  frames.forEach((data, i) => {
    // An AXI4-Stream frame has at least one byte: an empty capture record cannot be sent.
    if (data.length === 0) return;
    index.push(i);
    items.push({ k: 'frame', frame: { data, macError: false, tag: `capture frame ${i}` } });
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
    out[i] = { ...rec, frame: i };
  });
  return out;
}

export async function runRtlEngine(cap: PcapFile, profile: Profile, engine: 'rtl' | 'both', format: 'jsonl' | 'table', rtlDir?: string): Promise<void> {
  const frames = cap.packets.map((p) => p.data);
  let cfg = DEFAULT_CONFIG;
  let provider = topProvider;
  if (rtlDir !== undefined) {
    // --rtl DIR: its build comes from its CAP_* registers; what is wrong with DIR is one line.
    const { loadRtlDirForCli } = await import('../tb/rtl-dir-load.ts');
    ({ cfg, provider } = await loadRtlDirForCli(rtlDir, (m) => new CliError(m, EXIT_USAGE)));
  }
  const rtl = await classifyRtl(frames, profile, cfg, provider);
  const ref = new RefEngine(profile, cfg);
  const diffs: string[] = [];
  const records = rtl.map((rec, i) => {
    if (rec === undefined) {
      process.stderr.write(`nvgre-rx: frame ${i} is empty and cannot be sent to the RTL; its record is the reference engine's\n`);
      return ref.classify(frames[i]!, { frameIndex: i });
    }
    if (engine === 'both') {
      const want = ref.classify(frames[i]!, { frameIndex: i });
      for (const k of recordDiff(want, rec)) diffs.push(`frame ${i}: ${k}: ref ${JSON.stringify(want[k])}, rtl ${JSON.stringify(rec[k])}`);
    }
    return rec;
  });
  const out = new LineWriter();
  if (format === 'table') for (const line of formatTable(records)) await out.line(line);
  else for (const r of records) await out.line(JSON.stringify(r));
  await out.flush();
  if (diffs.length) {
    throw new CliError(`${diffs.length} difference(s) between the reference engine and the RTL:\n${diffs.slice(0, 50).join('\n')}`, EXIT_DIFFERENCE);
  }
}
