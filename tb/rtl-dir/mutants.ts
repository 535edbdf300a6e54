// SPDX-License-Identifier: MIT
// Deliberately broken copies of the default RTL, to show that the lockstep regression
// catches real faults: a few hand-picked ones (each expected to be reported on a named
// signal or record field) and random single-point mutants (one operator or constant
// flipped in one `assign` of one file), whose kill rate measures how much of any change
// in behaviour the regression notices.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULT_CONFIG } from '../../gen/config.ts';
import { mulberry32 } from '../../ref/packets/index.ts';
import type { TrafficShape } from '../lockstep/driver.ts';
import { writeTopVerilog } from '../lockstep/top.ts';
import { RTL_DIR_BUILD } from './dir-model.ts';

export const MUTANT_ROOT = join(RTL_DIR_BUILD, '..', 'mutants');

/** Traffic for mutant runs: long metadata stalls early, so a broken full/ready path shows. */
export const MUTANT_SHAPE: TrafficShape = { gapRate: 0.05, metaStallRate: 0.05, longStallRate: 0.0015, longStallCycles: 2000, respStallRate: 0.05 };

export interface Mutant {
  id: string;
  /** File name within the RTL directory. */
  file: string;
  /** 1-based line of the change. */
  line: number;
  what: string;
  before: string;
  after: string;
  /** Hand-picked: the signal the first mismatch must name, and a record field it must list. */
  expect?: { signal: string; field?: string[] };
}

/** The default build's Verilog, generated into build/mutants/base (what rtl/ holds). */
export async function baseRtl(): Promise<{ dir: string; files: Map<string, string> }> {
  const dir = join(MUTANT_ROOT, 'base');
  const { files } = await writeTopVerilog(DEFAULT_CONFIG, dir);
  const out = new Map<string, string>();
  for (const f of files) out.set(basename(f), await readFile(f, 'utf8'));
  return { dir, files: out };
}

/** Replace the first match of `re` on a line that `where` matches; the mutant, or an error naming what was not found. */
function edit(
  files: Map<string, string>,
  id: string,
  file: string,
  where: RegExp,
  re: RegExp,
  to: string | ((s: string) => string),
  what: string,
  expect: Mutant['expect'],
): Mutant {
  const lines = files.get(file)?.split('\n');
  if (!lines) throw new Error(`mutant ${id}: no file ${file}`);
  const i = lines.findIndex((l) => where.test(l) && re.test(l));
  if (i < 0) throw new Error(`mutant ${id}: pattern ${re} not found in ${file} (the generator changed: update tb/rtl-dir/mutants.ts)`);
  const before = lines[i]!;
  const after = typeof to === 'string' ? before.replace(re, to) : to(before);
  if (after === before) throw new Error(`mutant ${id}: the edit changed nothing`);
  return { id, file, line: i + 1, what, before: before.trim(), after: after.trim(), expect };
}

/** The four faults of the issue, found by pattern in the generated default RTL. */
export function handPicked(files: Map<string, string>): Mutant[] {
  return [
    edit(
      files,
      'gre-version-inverted',
      'nvgre_rx_parser.v',
      // The GRE bytes: the streaming front end's tap view. The R flag is bit 6 of the flags
      // byte, or the byte masked with GRE_FLAG_R (its named constant).
      /if \(\(\(l4_view\[50:48\] != 3'd0\) \| (?:l4_view\[62\]|\(\|\(l4_view\[63:56\] & GRE_FLAG_R\)\))\)\)/,
      /(l4_view\[50:48\]) != 3'd0/,
      "$1 == 3'd0",
      'GRE flag check: the version comparison inverted (version 0 treated as unknown)',
      { signal: 'm_axis_meta_tdata', field: ['encap', 'vsid', 'inner_parsed', 'hash_input'] },
    ),
    // The one-cycle hasher sums two partial hashes; the stepped one (builds whose shortest
    // frame takes several beats) XORs twelve three-pair terms per bit and step.
    /\(partial_0\[7\] \^ partial_1\[7\]\)/.test(files.get('nvgre_rx_toeplitz.v') ?? '')
      ? edit(
          files,
          'toeplitz-xor-dropped',
          'nvgre_rx_toeplitz.v',
          /\(partial_0\[7\] \^ partial_1\[7\]\)/,
          /\(partial_0\[7\] \^ partial_1\[7\]\)/,
          '(partial_0[7])',
          'Toeplitz: one XOR term of hash bit 7 dropped (input bytes 6..11 no longer reach it)',
          { signal: 'm_axis_meta_tdata', field: ['hash', 'rss_queue'] },
        )
      : edit(
          files,
          'toeplitz-xor-dropped',
          'nvgre_rx_toeplitz.v',
          /\(t_7_0 \^ t_7_1\)/,
          /\(t_7_0 \^ t_7_1\)/g,
          '(t_7_0)',
          'Toeplitz: one XOR term of hash bit 7 dropped in every step (three key/data pairs per step no longer reach it)',
          { signal: 'm_axis_meta_tdata', field: ['hash', 'rss_queue'] },
        ),
    edit(
      files,
      'vmq-priority-reversed',
      'nvgre_rx_vmq.v',
      /if \(\(first_b_d1 \|/,
      /\(~acc_hit & \(\|match_reg\)\)/,
      (l) => l.replace('(~acc_hit & (|match_reg))', '(|match_reg)'),
      'VMQ: a match in a later step replaces an earlier one (the highest-index step wins: priority order reversed)',
      { signal: 'm_axis_meta_tdata', field: ['vmq_filter', 'vmq_queue'] },
    ),
    edit(
      files,
      'fifo-full-tied-low',
      'nvgre_rx.v',
      /s_axis_tready_reg <= \(occupancy_next < /,
      /\(occupancy_next < \d+'[dh][0-9a-f]+\)/,
      "1'd1",
      'metadata FIFO full flag tied low: s_axis_tready never drops, records overflow the FIFO',
      { signal: 's_axis_tready' },
    ),
  ];
}

/**
 * Apply a mutant to a copy of the sources: its one line, except the Toeplitz XOR drop, which
 * rewrites every line holding the term (the stepped hasher's statement wraps over several lines).
 */
export function applyMutant(files: Map<string, string>, m: Mutant): Map<string, string> {
  const out = new Map(files);
  const lines = out.get(m.file)!.split('\n');
  if (m.id === 'toeplitz-xor-dropped') {
    const term = m.before.includes('(t_7_0 ^ t_7_1)') ? ['(t_7_0 ^ t_7_1)', '(t_7_0)'] : ['(partial_0[7] ^ partial_1[7])', '(partial_0[7])'];
    if (lines[m.line - 1]!.trim() !== m.before) throw new Error(`mutant ${m.id}: line ${m.line} of ${m.file} is not what it was`);
    for (let i = 0; i < lines.length; i++) lines[i] = lines[i]!.replaceAll(term[0]!, term[1]!);
  } else {
    const i = m.line - 1;
    if (lines[i]!.trim() !== m.before) throw new Error(`mutant ${m.id}: line ${m.line} of ${m.file} is not what it was`);
    lines[i] = lines[i]!.replace(m.before, m.after);
  }
  out.set(m.file, lines.join('\n'));
  return out;
}

/** Write a mutant's copy of the RTL to its own directory (content-addressed, reused). */
export async function writeMutant(files: Map<string, string>, m: Mutant): Promise<string> {
  const mutated = applyMutant(files, m);
  const h = createHash('sha256');
  for (const [f, t] of [...mutated].sort()) h.update(f).update('\0').update(t).update('\0');
  const dir = join(MUTANT_ROOT, `${m.id}-${h.digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, 'mutant.json'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [f, t] of mutated) await writeFile(join(tmp, f), t);
  await writeFile(join(tmp, 'mutant.json'), `${JSON.stringify(m, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
  return dir;
}

// Random single-point mutants: one operator or constant flipped on one logic line.
interface Op {
  re: RegExp;
  to: (s: string) => string;
  what: string;
}
const flipBit0 = (s: string): string => {
  const [, w, base, v] = /(\d+)'([dhb])([0-9a-fA-F_]+)/.exec(s)!;
  const radix = base === 'd' ? 10 : base === 'h' ? 16 : 2;
  const width = BigInt(w!);
  let x = 0n;
  for (const ch of v!.replaceAll('_', '')) x = x * BigInt(radix) + BigInt(parseInt(ch, radix));
  const flipped = (x ^ 1n) & ((1n << width) - 1n);
  return `${w}'${base}${flipped.toString(radix)}`;
};
const OPS: Op[] = [
  { re: / == /g, to: () => ' != ', what: '== to !=' },
  { re: / != /g, to: () => ' == ', what: '!= to ==' },
  { re: / & /g, to: () => ' | ', what: '& to |' },
  { re: / \| /g, to: () => ' & ', what: '| to &' },
  { re: / \^ /g, to: () => ' | ', what: '^ to |' },
  { re: / \+ /g, to: () => ' - ', what: '+ to -' },
  { re: / - /g, to: () => ' + ', what: '- to +' },
  { re: / < /g, to: () => ' <= ', what: '< to <=' },
  { re: / <= /g, to: () => ' < ', what: '<= to <' },
  { re: / > /g, to: () => ' >= ', what: '> to >=' },
  { re: / >= /g, to: () => ' > ', what: '>= to >' },
  { re: /~(?=[A-Za-z_(])/g, to: () => '', what: 'a ~ removed' },
  { re: /\b\d+'[dhb][0-9a-fA-F_]+\b/g, to: flipBit0, what: 'constant bit 0 flipped' },
];

/** One place a mutation operator applies: file, 1-based line, column and operator. */
export interface MutationSite {
  file: string;
  line: number;
  at: number;
  len: number;
  op: Op;
  text: string;
  /** The two nearest non-blank lines above, trimmed: tells identical lines apart (see mutantKey). */
  context: string;
}

// Lines that declare rather than compute: ports, nets, parameters, directives.
const DECLARATION = /^\s*(input|output|inout|wire|reg|parameter|localparam|module|endmodule|integer|genvar|`)/;

/**
 * Where a line's logic starts: after `assign x =`, after the target of a blocking or
 * non-blocking assignment, or at the start of an `if`/`case` condition; -1 for a line
 * with no logic (declarations, comments, `begin`/`end`, a bare `always`).
 */
function logicStart(l: string): number {
  if (DECLARATION.test(l) || /^\s*(\/\/|\/\*|\*)/.test(l)) return -1;
  const a = /^\s*assign\s+[^=]*?=(?!=)/.exec(l);
  if (a) return a[0].length;
  const s = /^\s*[A-Za-z_][\w.]*(\[[^\]]*\])*\s*<?=(?!=)/.exec(l);
  if (s) return s[0].length;
  const c = /^\s*(end\s+)?(else\s+)?(if|case[zx]?)\s*\(/.exec(l);
  if (c) return c[0].length - 1;
  // A case label (`8'd5: begin`, `4'd3, 4'd4: x = ...`).
  if (/^\s*[\d'a-fA-FhbdxX_, ]+:/.test(l)) return 0;
  return -1;
}

/**
 * Every mutation site of the sources, grouped by logic line: a line with at least one
 * operator or constant that an operator of OPS changes. The unused-bits sink feeds
 * nothing, so it is left out; so are the `initial` parameter guards, which check at
 * elaboration that a parameter has its generated value (a mutant there only stops the
 * model before its first cycle, or changes nothing).
 */
export function mutationLines(files: Map<string, string>): MutationSite[][] {
  const lines: MutationSite[][] = [];
  for (const [file, text] of [...files].sort()) {
    const all = text.split('\n');
    const above = (i: number): string => {
      const ctx: string[] = [];
      for (let k = i - 1; k >= 0 && ctx.length < 2; k--) if (all[k]!.trim()) ctx.unshift(all[k]!.trim());
      return ctx.join('\n');
    };
    let inInitial = false;
    all.forEach((l, i) => {
      if (/^initial begin/.test(l)) inInitial = true;
      if (inInitial) {
        if (/^end\b/.test(l)) inInitial = false;
        return;
      }
      if (/unused_ok/.test(l)) return;
      const from = logicStart(l);
      if (from < 0) return;
      const sites: MutationSite[] = [];
      for (const op of OPS) {
        for (const m of l.matchAll(op.re))
          if (m.index! >= from) sites.push({ file, line: i + 1, op, at: m.index!, len: m[0].length, text: l, context: above(i) });
      }
      if (sites.length) lines.push(sites);
    });
  }
  return lines;
}

/**
 * A stable name for a mutant: the file and a hash of the line before and after and of the
 * two lines above it. Line numbers move with the generator; the lines above tell apart
 * identical lines in different places (`run = 1'd0;` in each branch of a stage), which an
 * equivalence argument must not cover all at once.
 */
export function mutantKey(file: string, before: string, after: string, context: string): string {
  return `${file.replace(/\.v$/, '')}-${createHash('sha256').update(context).update('\0').update(before).update('\0').update(after).digest('hex').slice(0, 8)}`;
}

/**
 * `n` random single-point mutants, reproducible from `seed`: a logic line drawn uniformly
 * from every module's logic lines (no line twice), then one of its sites uniformly, so
 * that a few very long generated lines do not take most of the sample.
 */
export function randomMutants(files: Map<string, string>, n: number, seed: number): Mutant[] {
  const lines = mutationLines(files);
  const r = mulberry32(seed);
  const out: Mutant[] = [];
  const used = new Set<number>();
  while (out.length < n && used.size < lines.length) {
    const k = Math.floor(r() * lines.length);
    if (used.has(k)) continue;
    used.add(k);
    const sites = lines[k]!;
    const s = sites[Math.floor(r() * sites.length)]!;
    const rep = s.op.to(s.text.slice(s.at, s.at + s.len));
    const after = s.text.slice(0, s.at) + rep + s.text.slice(s.at + s.len);
    if (after === s.text) continue;
    const before = s.text.trim();
    out.push({
      id: mutantKey(s.file, before, after.trim(), s.context),
      file: s.file,
      line: s.line,
      what: `${s.op.what} in ${s.file}:${s.line}`,
      before,
      after: after.trim(),
    });
  }
  return out;
}
