// SPDX-License-Identifier: MIT
// The text of a mismatch: where, what, which frame (hex, decoded headers, reference
// record), how to replay it, and where its waveform is.

import type { BuildConfig } from '../../gen/config.ts';
import { defaultProfile, profileToJson } from '../../ref/profile.ts';
import type { Mismatch } from './scoreboard.ts';
import { decodeHeaders, hexDump } from './scoreboard-decode.ts';

export interface ReportContext {
  seed: number;
  configName: string;
  cfg: BuildConfig;
  frames: number;
  /** Set once the waveform window has been written. */
  wave?: { fst: string; gtkw: string; from: number; to: number };
  reference?: (m: Mismatch) => unknown;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function formatMismatch(m: Mismatch, ctx: ReportContext): string {
  const out: string[] = [];
  const what = m.kind === 'lockstep' ? 'RTL output differs from the cycle model' : 'record differs from the reference engine';
  out.push(`MISMATCH (${what}) at cycle ${m.cycle}, seed ${ctx.seed}, config ${ctx.configName}`);
  out.push(`  signal:   ${m.signal}`);
  if (m.kind === 'lockstep') {
    out.push(`  expected: ${hex(m.expected)}`);
    out.push(`  actual:   ${hex(m.actual)}`);
    if (m.others.length) out.push(`  also differing this cycle: ${m.others.join(', ')}`);
  }
  if (m.fields && m.expectedRecord && m.actualRecord) {
    const e = m.expectedRecord as unknown as Record<string, unknown>;
    const a = m.actualRecord as unknown as Record<string, unknown>;
    for (const k of m.fields) out.push(`    field ${k}: expected ${JSON.stringify(e[k])}, actual ${JSON.stringify(a[k])}`);
  }
  const f = m.frame;
  if (f) {
    const p = f.profile;
    out.push(
      `  frame #${f.id} (${f.frame.tag}, ${f.frame.data.length} bytes${f.frame.macError ? ', tuser on last beat' : ''}), first beat cycle ${f.firstCycle}, tlast cycle ${f.lastCycle}`,
    );
    out.push(`  headers${p ? '' : ' (under the default profile: the frame was not classified)'}:`);
    for (const l of decodeHeaders(f.frame.data, ctx.cfg, p ?? defaultProfile(ctx.cfg))) out.push(`    ${l}`);
    if (p) {
      const ref = m.kind === 'record' ? m.expectedRecord : ctx.reference?.(m);
      if (ref) out.push(`  reference record: ${JSON.stringify(ref)}`);
      const pj = profileToJson(p);
      out.push(
        `  control state: ${JSON.stringify({ ...pj, indirection: `${pj.indirection.length} entries`, key: pj.key.slice(0, 16) + '...', filters: pj.filters.filter((x) => x.valid !== false) })}`,
      );
    }
    out.push('  frame hex:');
    for (const l of hexDump(f.frame.data)) out.push(`    ${l}`);
  } else out.push('  (no frame in flight at that cycle)');
  out.push(`  replay:   make sim SEED=${ctx.seed} SEEDS=1 FRAMES=${ctx.frames} CONFIG=${ctx.configName}`);
  if (ctx.wave) {
    out.push(`  waveform: cycles ${ctx.wave.from}..${ctx.wave.to} in ${ctx.wave.fst}`);
    out.push(`            gtkwave ${ctx.wave.fst} ${ctx.wave.gtkw}`);
  }
  return out.join('\n');
}
