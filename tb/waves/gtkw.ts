// SPDX-License-Identifier: MIT
// GTKWave save files for the top level's FST dumps, generated from the IR: signals are
// grouped by block (input stream, parser, RSS, VMQ, metadata, CSR) from the top
// module's ports, instances and named signals, each net once, with radixes by kind;
// the metadata record split into its fields; translate filters so that enumerated values
// (encapsulation, hash type, hash input) show by name; opened zoomed to the whole dump.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { MetaField } from '../../gen/meta-layout.ts';
import { Signal, type Module } from '../../gen/ir/module.ts';
import { HASH_TYPE } from '../../ref/hash-types.ts';
import { TRACE_PERIOD_NS } from '../bridge/protocol.ts';
import { ENCAPS, HASH_INPUTS } from '../../ref/record.ts';

export const GROUPS = ['input stream', 'parser', 'RSS', 'VMQ', 'metadata', 'CSR', 'top'] as const;
export type Group = (typeof GROUPS)[number];

interface Trace {
  path: string;
  width: number;
  radix: 'bin' | 'hex' | 'dec';
  filter?: string;
}

// GTKWave trace flags: 0x22 hex, 0x24 decimal, 0x28 binary; 0x2000 applies the
// translate filter file given on the preceding "^1" line.
const FLAG = { hex: 0x22, dec: 0x24, bin: 0x28 } as const;
const TRANSLATED = 0x2000;

/** The block a port, signal or instance belongs to, by its name. */
export function groupOf(name: string): Group {
  const n = name.toLowerCase();
  if (n.startsWith('s_axil') || n.includes('csr') || n.startsWith('cfg_') || n.startsWith('cnt_')) return 'CSR';
  if (n.startsWith('s_axis') || n.includes('capture') || n.includes('window')) return 'input stream';
  if (n.startsWith('m_axis_meta') || n.includes('meta') || n.includes('fifo')) return 'metadata';
  if (n.includes('vmq') || n.includes('filter')) return 'VMQ';
  if (n.includes('rss') || n.includes('toeplitz') || n.includes('hash') || n.includes('indir') || n.includes('key')) return 'RSS';
  if (n.includes('parse') || n.includes('encap') || n.includes('l3') || n.includes('l4') || n.includes('gre') || n.includes('vlan') || n.includes('eth'))
    return 'parser';
  return 'top';
}

/** Translate filters: file name -> lines "value name" (decimal values). */
export function translateFilters(): Map<string, string[]> {
  return new Map([
    ['encap.txt', ENCAPS.map((e, i) => `${i} ${e}`)],
    ['hash_input.txt', HASH_INPUTS.map((h, i) => `${i} ${h}`)],
    ['hash_type.txt', ['0 none', ...Object.entries(HASH_TYPE).map(([n, v]) => `${v} ${n}`)]],
  ]);
}

function filterFor(name: string): string | undefined {
  if (/(^|_)encap$/.test(name)) return 'encap.txt';
  if (/hash_input$/.test(name)) return 'hash_input.txt';
  if (/hash_type$/.test(name)) return 'hash_type.txt';
  return undefined;
}

function radixOf(s: { name: string; width: number }): Trace['radix'] {
  if (s.width === 1) return 'bin';
  if (s.width > 1 && filterFor(s.name)) return 'dec';
  if (s.width <= 16 && /(queue|offset|len|length|bits|count|beat|idx|index|filter|depth|ptr|vlan|bytes)/.test(s.name)) return 'dec';
  return 'hex';
}

const vecName = (scope: string, s: { name: string; width: number }): string => `${scope}.${s.name}${s.width > 1 ? `[${s.width - 1}:0]` : ''}`;

/**
 * Every trace of the top module, by group: its ports, then each instance's ports, then its
 * named signals, each net once. An instance port wired straight to a top port or to a
 * signal already shown is left out (the csr block's s_axil_* are the top's), and a top
 * signal that is an instance's port is shown under the instance, whose block names it.
 */
export function tracesOf(top: Module, scopeRoot = 'TOP'): Map<Group, Trace[]> {
  const scope = `${scopeRoot}.${top.name}`;
  const groups = new Map<Group, Trace[]>(GROUPS.map((g) => [g, []]));
  const add = (g: Group, sc: string, s: { name: string; width: number }): void => {
    // Counter strobes like cnt_encap are single bits, not the enumerated value.
    groups.get(g)!.push({ path: vecName(sc, s), width: s.width, radix: radixOf(s), filter: s.width > 1 ? filterFor(s.name) : undefined });
  };
  // One name per net: a signal assigned straight from another (`assign s_axis_tready =
  // s_axis_tready_reg`) is the same net under two names.
  const same = new Map<Signal, Signal>();
  const root = (x: Signal): Signal => {
    let r = x;
    while (same.has(r)) r = same.get(r)!;
    return r;
  };
  for (const it of top.items) if (it.k === 'assign' && it.rhs instanceof Signal && root(it.lhs) !== root(it.rhs)) same.set(root(it.lhs), root(it.rhs));
  const shownNets = new Set<Signal>();
  const shown = { has: (x: Signal): boolean => shownNets.has(root(x)), add: (x: Signal): void => void shownNets.add(root(x)) };
  for (const p of top.ports) {
    shown.add(p);
    if (p.name !== 'clk') add(p.name === 'rst' ? 'top' : groupOf(p.name), scope, p);
  }
  for (const it of top.items) {
    if (it.k !== 'inst') continue;
    const g = groupOf(`${it.inst.module.name} ${it.inst.name}`.replace(/^nvgre_rx_/, ''));
    for (const p of it.inst.module.ports) {
      if (p.name === 'clk' || p.name === 'rst') continue;
      const net = it.inst.conns.get(p.name);
      if (net instanceof Signal) {
        if (shown.has(net)) continue;
        shown.add(net);
      }
      add(g, `${scope}.${it.inst.name}`, p);
    }
  }
  for (const s of top.signals as Signal[]) if (!shown.has(s) && !s.name.startsWith('unused')) add(groupOf(s.name), scope, s);
  return groups;
}

/** GTKWave's base time unit per nanosecond: the generated RTL's `timescale 1ns / 1ps. */
const TICKS_PER_NS = 1000;
/**
 * GTKWave (3.3) applies a saved zoom while its window is not laid out yet: the span it
 * then opens with is 2^-zoom time units times the wave pane's width at that moment, 4.68
 * pixels (measured: GTKWave writes zoom -25.685 after "zoom full" on a 252,514,117-unit
 * dump), and it fits that span to the pane once the window is shown.
 */
const UNREALIZED_PANE = 4.684;

/** The zoom at which GTKWave opens showing `cycles` cycles. */
export function zoomFor(cycles: number): number {
  return -Math.log2(Math.max(1, cycles * TRACE_PERIOD_NS * TICKS_PER_NS) / UNREALIZED_PANE);
}

/**
 * A field of the record as its own trace: the bits of `tdata` it occupies, concatenated
 * (GTKWave numbers a vector's bits from 0 at its most significant end).
 */
function fieldTrace(tdata: string, width: number, f: MetaField): string {
  const bits: string[] = [];
  for (let b = f.lsb + f.width - 1; b >= f.lsb; b--) bits.push(`(${width - 1 - b})${tdata}`);
  return `#{${f.name}${f.width > 1 ? `[${f.width - 1}:0]` : ''}} ${bits.join(' ')}`;
}

export interface GtkwOptions {
  scopeRoot?: string;
  /** The dump's cycles [from, to): the view opens at `from`, zoomed to show them all. */
  span?: { from: number; to: number };
  /** The metadata record's fields, each shown as its own trace below m_axis_meta_tdata. */
  meta?: MetaField[];
}

/** The text of a .gtkw save file for `fst`, with filters in `filterDir`. */
export function gtkwText(top: Module, fst: string, filterDir: string, opts: GtkwOptions = {}): string {
  const span = opts.span ?? { from: 0, to: 1 };
  const out: string[] = [
    '[*] nvgre-rx waveform view, generated from the IR by tb/waves/gtkw.ts',
    `[dumpfile] "${resolve(fst)}"`,
    `[savefile] "${resolve(fst).replace(/\.fst$/, '.gtkw')}"`,
    `[timestart] ${span.from * TRACE_PERIOD_NS * TICKS_PER_NS}`,
    '[size] 1600 1000',
    '[pos] -1 -1',
    `*${zoomFor(span.to - span.from).toFixed(6)} -1`,
    '[sst_width] 280',
    '[signals_width] 360',
    '[sst_expanded] 1',
    '[sst_vpaned_height] 300',
    '@28',
    `${opts.scopeRoot ?? 'TOP'}.${top.name}.clk`,
  ];
  const trace = (t: Trace): void => {
    if (t.filter) out.push(`^1 ${resolve(join(filterDir, t.filter))}`, `@${(FLAG[t.radix] | TRANSLATED).toString(16)}`);
    else out.push(`@${FLAG[t.radix].toString(16)}`);
    out.push(t.path);
  };
  for (const [g, traces] of tracesOf(top, opts.scopeRoot)) {
    if (!traces.length) continue;
    out.push('@800200', `-${g}`);
    for (const t of traces) {
      trace(t);
      if (!opts.meta || !/\.m_axis_meta_tdata\[/.test(t.path)) continue;
      for (const f of opts.meta) {
        const filter = f.width > 1 ? filterFor(f.name) : undefined;
        trace({ path: fieldTrace(t.path, t.width, f), width: f.width, radix: radixOf(f), filter });
      }
    }
    out.push('@1000200', `-${g}`);
  }
  out.push('[pattern_trace] 1', '[pattern_trace] 0');
  return `${out.join('\n')}\n`;
}

/** Write `<fst without .fst>.gtkw` and its translate filters beside the FST; returns the .gtkw path. */
export async function writeGtkw(top: Module, fst: string, opts: Omit<GtkwOptions, 'scopeRoot'> = {}): Promise<string> {
  const dir = dirname(fst);
  const filterDir = join(dir, 'filters');
  await mkdir(filterDir, { recursive: true });
  for (const [name, lines] of translateFilters()) await writeFile(join(filterDir, name), `${lines.join('\n')}\n`);
  const gtkw = fst.replace(/\.fst$/, '') + '.gtkw';
  await writeFile(gtkw, gtkwText(top, fst, filterDir, opts));
  return gtkw;
}
