// SPDX-License-Identifier: MIT
// GTKWave save files for the top level's FST dumps, generated from the IR: signals are
// grouped by block (input stream, parser, RSS, VMQ, metadata, CSR) from the top
// module's ports, instances and named signals, with radixes by kind, and translate
// filters so that enumerated values (encapsulation, hash type, hash input) show by name.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Module, Signal } from '../gen/ir/module.ts';
import { HASH_TYPE } from '../ref/hash-types.ts';
import { ENCAPS, HASH_INPUTS } from '../ref/record.ts';

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
  if (n.includes('parse') || n.includes('encap') || n.includes('l3') || n.includes('l4') || n.includes('gre') || n.includes('vlan') || n.includes('eth')) return 'parser';
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

/** Every trace of the top module, by group (ports, then instances' ports, then named top signals). */
export function tracesOf(top: Module, scopeRoot = 'TOP'): Map<Group, Trace[]> {
  const scope = `${scopeRoot}.${top.name}`;
  const groups = new Map<Group, Trace[]>(GROUPS.map((g) => [g, []]));
  const add = (g: Group, sc: string, s: { name: string; width: number }): void => {
    // Counter strobes like cnt_encap are single bits, not the enumerated value.
    groups.get(g)!.push({ path: vecName(sc, s), width: s.width, radix: radixOf(s), filter: s.width > 1 ? filterFor(s.name) : undefined });
  };
  for (const p of top.ports) if (p.name !== 'clk') add(p.name === 'rst' ? 'top' : groupOf(p.name), scope, p);
  for (const it of top.items) {
    if (it.k !== 'inst') continue;
    const g = groupOf(`${it.inst.module.name} ${it.inst.name}`.replace(/^nvgre_rx_/, ''));
    for (const p of it.inst.module.ports) if (p.name !== 'clk' && p.name !== 'rst') add(g, `${scope}.${it.inst.name}`, p);
  }
  const portNames = new Set(top.ports.map((p) => p.name));
  for (const s of top.signals as Signal[]) if (!portNames.has(s.name) && !s.name.startsWith('unused')) add(groupOf(s.name), scope, s);
  return groups;
}

/** The text of a .gtkw save file for `fst`, with filters in `filterDir`. */
export function gtkwText(top: Module, fst: string, filterDir: string, opts: { scopeRoot?: string; periodNs?: number } = {}): string {
  const out: string[] = [
    '[*] nvgre-rx waveform view, generated from the IR by tb/waves.ts',
    `[dumpfile] "${resolve(fst)}"`,
    `[savefile] "${resolve(fst).replace(/\.fst$/, '.gtkw')}"`,
    '[timestart] 0',
    '[size] 1600 1000',
    '[pos] -1 -1',
    '[sst_width] 280',
    '[signals_width] 360',
    '[sst_expanded] 1',
    '[sst_vpaned_height] 300',
    '@28',
    `${opts.scopeRoot ?? 'TOP'}.${top.name}.clk`,
  ];
  for (const [g, traces] of tracesOf(top, opts.scopeRoot)) {
    if (!traces.length) continue;
    out.push('@800200', `-${g}`);
    for (const t of traces) {
      if (t.filter) out.push(`^1 ${resolve(join(filterDir, t.filter))}`, `@${(FLAG[t.radix] | TRANSLATED).toString(16)}`);
      else out.push(`@${FLAG[t.radix].toString(16)}`);
      out.push(t.path);
    }
    out.push('@1000200', `-${g}`);
  }
  out.push('[pattern_trace] 1', '[pattern_trace] 0');
  return `${out.join('\n')}\n`;
}

/** Write `<fst without .fst>.gtkw` and its translate filters beside the FST; returns the .gtkw path. */
export async function writeGtkw(top: Module, fst: string): Promise<string> {
  const dir = dirname(fst);
  const filterDir = join(dir, 'filters');
  await mkdir(filterDir, { recursive: true });
  for (const [name, lines] of translateFilters()) await writeFile(join(filterDir, name), `${lines.join('\n')}\n`);
  const gtkw = fst.replace(/\.fst$/, '') + '.gtkw';
  await writeFile(gtkw, gtkwText(top, fst, filterDir));
  return gtkw;
}
