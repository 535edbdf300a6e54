// SPDX-License-Identifier: MIT
// --report FILE.html rendered by headless Chromium (Debian `chromium`, installed by
// `make tools`): the page's script drew one chart per tally, queue spread first, every bar
// with the count classify wrote, heights in proportion, and the bars are painted.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixedCapture } from '../bench/mixed-capture.ts';
import { writePcap } from '../ref/pcap/write.ts';
import type { MetaRecord } from '../ref/record.ts';
import { decodePng } from './png-pixels.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'nvgre-rx.mjs');
let dir = '';
const p = (name: string): string => join(dir, name);
let records: MetaRecord[] = [];

async function chromium(...args: string[]) {
  const r = await execa('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], { reject: false, timeout: 120_000 });
  if (r.exitCode !== 0) throw new Error(`chromium failed (install it: apt-get install -y chromium, or make tools): ${r.stderr.slice(-300)}`);
  return r;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvgre-rx-report-'));
  await writeFile(p('mixed.pcap'), writePcap(mixedCapture()));
  const r = await execa('node', [BIN, 'classify', '--report', p('report.html'), '--output', p('records.jsonl'), p('mixed.pcap')], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  records = (await readFile(p('records.jsonl'), 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as MetaRecord);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Bar {
  key: string;
  count: number;
  height: number;
  width: number;
}

/** The drawn charts in document order: field and bars, from the DOM after the scripts ran. */
function charts(dom: string): { field: string; bars: Bar[] }[] {
  return [...dom.matchAll(/<svg[^>]*data-field="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/g)].map((m) => ({
    field: m[1]!,
    bars: [...m[2]!.matchAll(/<rect([^>]*)>/g)].map((r) => {
      const attr = (n: string): string => new RegExp(`${n}="([^"]*)"`).exec(r[1]!)![1]!;
      return { key: attr('data-key'), count: Number(attr('data-count')), height: Number(attr('height')), width: Number(attr('width')) };
    }),
  }));
}

describe('the report in headless Chromium', () => {
  it('draws every chart, queue histograms first, with the counts of the records', async () => {
    const dom = (await chromium('--dump-dom', `file://${p('report.html')}`)).stdout;
    expect(dom).toMatch(/data-charts-drawn="7"/);
    const cs = charts(dom);
    expect(cs.map((c) => c.field)).toEqual(['rss_queue', 'vmq_queue', 'encap', 'hash_input', 'hash_type', 'vmq_filter', 'errors']);
    const tally = (f: (r: MetaRecord) => string | number) => {
      const m = new Map<string, number>();
      for (const r of records) m.set(String(f(r)), (m.get(String(f(r))) ?? 0) + 1);
      return m;
    };
    const rss = tally((r) => r.rss_queue);
    const rssBars = cs[0]!.bars;
    expect(rssBars.map((b) => b.key)).toEqual(Array.from({ length: Math.max(...[...rss.keys()].map(Number)) + 1 }, (_, q) => String(q)));
    for (const b of rssBars) expect(b.count).toBe(rss.get(b.key) ?? 0);
    // Column heights in proportion to the counts.
    const top = rssBars.reduce((a, b) => (b.count > a.count ? b : a));
    for (const b of rssBars) expect(b.height / top.height).toBeCloseTo(b.count / top.count, 5);
    expect(Object.fromEntries(cs[2]!.bars.map((b) => [b.key, b.count]))).toEqual(Object.fromEntries(tally((r) => r.encap)));
    expect(Object.fromEntries(cs[3]!.bars.map((b) => [b.key, b.count]))).toEqual(Object.fromEntries(tally((r) => r.hash_input)));
    const widest = cs[3]!.bars[0]!;
    for (const b of cs[3]!.bars) expect(b.width / widest.width).toBeCloseTo(b.count / widest.count, 5);
  });

  it('the bars are painted; the same page without its script paints none', async () => {
    const barPixels = async (file: string): Promise<number> => {
      await chromium('--window-size=1000,1400', `--screenshot=${p('shot.png')}`, `file://${file}`);
      const img = decodePng(await readFile(p('shot.png')));
      let n = 0;
      for (let i = 0; i < img.width * img.height; i++) {
        const [r, g, b] = [img.rgba[i * 4]!, img.rgba[i * 4 + 1]!, img.rgba[i * 4 + 2]!];
        if (Math.abs(r - 0x3a) < 8 && Math.abs(g - 0x6e) < 8 && Math.abs(b - 0xa5) < 8) n++;
      }
      return n / (img.width * img.height);
    };
    const html = await readFile(p('report.html'), 'utf8');
    await writeFile(p('no-script.html'), html.replace(/<script>[\s\S]*?<\/script>/, ''));
    expect(await barPixels(p('report.html'))).toBeGreaterThan(0.05);
    expect(await barPixels(p('no-script.html'))).toBe(0);
  });

  it('is self-contained: no URL to fetch', async () => {
    const html = await readFile(p('report.html'), 'utf8');
    expect(html).not.toMatch(/\b(src|href)=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});
