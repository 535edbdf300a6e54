// SPDX-License-Identifier: MIT
// Every directed contract path (tb/stimulus/directed.ts: plain, encapsulated, too deep,
// enables off, TCP-only, 2-tuple-only, RSS off, small table, VMQ; the VXLAN/GENEVE groups
// of tb/stimulus/tunnels.ts) cut at every byte of
// its headers, with a MAC error (tuser) on every third frame: nvgre_rx against the cycle
// model on every cycle, so every truncated/too_deep outcome of each header is checked.

import { describe, expect, it } from 'vitest';
import { parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { profileWrites } from '../tb/stimulus/csr.ts';
import { directedFor } from '../tb/stimulus/directed.ts';
import { tunnelGroups } from '../tb/stimulus/tunnels.ts';
import type { Script, ScriptItem } from '../tb/stimulus/script.ts';
import { buildTop, driveScript, runLockstep } from './top-support.ts';

function cutScript(cfg: BuildConfig, maxCut: number): Script {
  const items: ScriptItem[] = [];
  let n = 0;
  // With the UDP tunnel groups (tb/stimulus/tunnels.ts), but for the option-length sweep.
  for (const g of [...directedFor(cfg), ...tunnelGroups(cfg).filter((t) => t.name !== 'udp tunnels: GENEVE options')]) {
    const p = g.profile(cfg);
    items.push({ k: 'csr', writes: profileWrites(p, cfg), during: false, profile: p, why: g.name });
    for (const c of g.cases) {
      const d = c.frame.data;
      for (let k = 0; k <= Math.min(d.length, maxCut); k++) {
        items.push({ k: 'frame', frame: { data: d.slice(0, k), macError: n++ % 3 === 0, tag: `${c.frame.tag} cut ${k}` } });
      }
    }
  }
  return { items, seed: 0 };
}

describe('every truncation of every directed frame', () => {
  it('64-bit, IPv6: cut at bytes 0..110', async () => {
    const cfg = parseBuildConfig({});
    const b = await buildTop(cfg);
    const d = driveScript(cfg, cutScript(cfg, 110), { seed: 3, gapRate: 0.05, readyRate: 0.9 });
    const r = await runLockstep(b, cfg, d);
    expect(r.mismatches, r.mismatches.join('\n')).toEqual([]);
    const errs = new Set(d.records.flatMap((x) => x.errors));
    expect([...errs].sort()).toEqual(['bad_ip', 'mac_error', 'too_deep', 'truncated']);
    expect(d.records.length).toBeGreaterThan(5000);
  });
  it('64-bit streaming parser (small build): cut at bytes 0..110', async () => {
    const cfg = parseBuildConfig({
      ipv6: false,
      parser: 'stream',
      maxHeaderBytes: 128,
      vmqFilters: 4,
      indirectionEntries: 32,
      queueBits: 4,
      toeplitz: 'const-key',
      metaFifoDepth: 16,
    });
    const b = await buildTop(cfg);
    const d = driveScript(cfg, cutScript(cfg, 110), { seed: 5, gapRate: 0.05, readyRate: 0.9 });
    const r = await runLockstep(b, cfg, d);
    expect(r.mismatches, r.mismatches.join('\n')).toEqual([]);
    const errs = new Set(d.records.flatMap((x) => x.errors));
    expect([...errs].sort()).toEqual(['bad_ip', 'mac_error', 'too_deep', 'truncated']);
  });
  it('64-bit streaming parser, IPv6: cut at bytes 0..110', async () => {
    const cfg = parseBuildConfig({ parser: 'stream' });
    const b = await buildTop(cfg);
    const d = driveScript(cfg, cutScript(cfg, 110), { seed: 6, gapRate: 0.05, readyRate: 0.9 });
    const r = await runLockstep(b, cfg, d);
    expect(r.mismatches, r.mismatches.join('\n')).toEqual([]);
    const errs = new Set(d.records.flatMap((x) => x.errors));
    expect([...errs].sort()).toEqual(['bad_ip', 'mac_error', 'too_deep', 'truncated']);
    expect(d.records.length).toBeGreaterThan(5000);
  });
  it('512-bit: cut at bytes 0..110', async () => {
    const cfg = parseBuildConfig({ dataWidth: 512, metaFifoDepth: 32 });
    const b = await buildTop(cfg);
    const d = driveScript(cfg, cutScript(cfg, 110), { seed: 4, gapRate: 0.05, readyRate: 0.7 });
    const r = await runLockstep(b, cfg, d);
    expect(r.mismatches, r.mismatches.join('\n')).toEqual([]);
  });
});
