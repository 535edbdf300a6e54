// SPDX-License-Identifier: MIT
// What a capture's traffic does, for people: per-queue counts (RSS and VMQ), the
// encapsulation mix, why each frame was hashed the way it was, and errors. Filled one
// record at a time, so it costs constant memory whatever the capture size; printed by
// --summary as tables and drawn by --report as charts (cli/report-html.ts).

import { hashTypeName } from '../ref/hash-types.ts';
import type { MetaRecord } from '../ref/record.ts';

export interface Tally {
  /** The record field it counts, or a name of its own. */
  field: string;
  title: string;
  /** Queue numbers are shown in numeric order, every queue between 0 and the largest seen. */
  numeric: boolean;
  counts: [string, number][];
}

export interface SummaryData {
  source: string;
  frames: number;
  bytes: number;
  tallies: Tally[];
}

class Counter {
  readonly m = new Map<string | number, number>();
  add(k: string | number): void {
    this.m.set(k, (this.m.get(k) ?? 0) + 1);
  }
}

export class Summary {
  frames = 0;
  bytes = 0;
  private readonly rss = new Counter();
  private readonly vmq = new Counter();
  private readonly encap = new Counter();
  private readonly input = new Counter();
  private readonly hashType = new Counter();
  private readonly vmqHit = new Counter();
  private readonly errors = new Counter();

  add(r: MetaRecord): void {
    this.frames++;
    this.bytes += r.length;
    this.rss.add(r.rss_queue);
    this.vmq.add(r.vmq_queue);
    this.encap.add(r.encap);
    this.input.add(r.hash_input);
    this.hashType.add(r.hash_valid ? (hashTypeName(r.hash_type) ?? `0x${r.hash_type.toString(16)}`) : 'no hash');
    this.vmqHit.add(r.vmq_hit ? `filter ${r.vmq_filter}` : 'no filter (default queue)');
    if (r.errors.length === 0) this.errors.add('none');
    else for (const e of r.errors) this.errors.add(e);
  }

  data(source: string): SummaryData {
    const numeric = (c: Counter): [string, number][] => {
      const max = Math.max(-1, ...[...c.m.keys()].map(Number));
      return Array.from({ length: max + 1 }, (_, q) => [String(q), c.m.get(q) ?? 0]);
    };
    const byCount = (c: Counter): [string, number][] =>
      [...c.m.entries()].map(([k, n]): [string, number] => [String(k), n]).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return {
      source,
      frames: this.frames,
      bytes: this.bytes,
      tallies: [
        { field: 'rss_queue', title: 'RSS queue', numeric: true, counts: numeric(this.rss) },
        { field: 'vmq_queue', title: 'VMQ queue', numeric: true, counts: numeric(this.vmq) },
        { field: 'encap', title: 'Encapsulation', numeric: false, counts: byCount(this.encap) },
        { field: 'hash_input', title: 'Hash input (why)', numeric: false, counts: byCount(this.input) },
        { field: 'hash_type', title: 'Hash type', numeric: false, counts: byCount(this.hashType) },
        { field: 'vmq_filter', title: 'VMQ filter hit', numeric: false, counts: byCount(this.vmqHit) },
        { field: 'errors', title: 'Errors (a frame may have several)', numeric: false, counts: byCount(this.errors) },
      ],
    };
  }
}

const pct = (n: number, of: number): string => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);

/** How even a queue histogram is: the busiest queue against the mean of the queues that got frames. */
export function spread(t: Tally): string | undefined {
  const used = t.counts.filter(([, n]) => n > 0);
  if (!t.numeric || used.length === 0) return undefined;
  const [q, top] = used.reduce((a, b) => (b[1] > a[1] ? b : a));
  const mean = used.reduce((x, [, n]) => x + n, 0) / used.length;
  return `${used.length} queue(s) used; busiest ${q} with ${top} frames, ${(top / mean).toFixed(2)}x the mean`;
}

/** --summary: one small aligned table per tally, queue spread first. */
export function formatSummary(d: SummaryData): string[] {
  const lines = [`${d.source}: ${d.frames} frames, ${d.bytes} bytes`];
  for (const t of d.tallies) {
    lines.push('', t.title);
    const w = Math.max(8, ...t.counts.map(([k]) => k.length));
    const nw = Math.max(6, ...t.counts.map(([, n]) => String(n).length));
    for (const [k, n] of t.counts) lines.push(`  ${k.padEnd(w)}  ${String(n).padStart(nw)}  ${pct(n, d.frames).padStart(6)}`);
    const sp = spread(t);
    if (sp) lines.push(`  (${sp})`);
  }
  return lines;
}
