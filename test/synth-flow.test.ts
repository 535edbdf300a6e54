// SPDX-License-Identifier: MIT
// The synthesis flow's own parts: area figures of a fixture whose size is known, the
// pin-light place-and-route wrapper through nextpnr-ice40, and the docs block splicing.

import { describe, expect, it } from 'vitest';
import { fixtureSources, xorFoldModule } from '../flow/fixtures.ts';
import { HX8K, parseNextpnrLog, placeAndRoute } from '../flow/pnr.ts';
import { replaceBlock } from '../flow/results-doc.ts';
import { synthModule } from '../flow/synth.ts';

const sources = fixtureSources(xorFoldModule());

describe('synthesis flow', () => {
  it('counts the flip-flops and LUTs of a registered 64-bit XOR fold on every target', async () => {
    const r = await synthModule('fixture', sources, 'fixture_xor_fold');
    // 64 input registers and one output register, whatever the target.
    expect([r.xcFfs, r.iceFfs]).toEqual([65, 65]);
    // 64 inputs need at least ceil(63/5) LUT6s and ceil(63/3) LUT4s.
    expect(r.xcLuts).toBeGreaterThanOrEqual(13);
    expect(r.iceLuts).toBeGreaterThanOrEqual(21);
    expect(r.latches).toBe(0);
    expect(r.depth.length).toBe(3);
  });

  it('places and routes a core on the HX8K through the scan wrapper', async () => {
    const r = await placeAndRoute('fixture', sources, 'fixture_xor_fold', HX8K);
    expect(r.fits).toBe(true);
    // The wrapper's pins only: clk, rst, scan_in, capture, scan_out.
    expect(r.utilisation.SB_IO?.used).toBe(5);
    // At least the core's registers (yosys merges the core's input register with the
    // wrapper's shift register one bit along, which holds the same value).
    expect(r.utilisation.ICESTORM_LC!.used).toBeGreaterThanOrEqual(65);
    expect(r.fmaxMHz).toBeGreaterThan(50);
  });

  it('reads utilisation, errors and the last Fmax from a nextpnr log', () => {
    const log = [
      'Info: Device utilisation:',
      'Info: \t         ICESTORM_LC:  9000/ 7680   117%',
      "Info: Max frequency for clock 'clk': 80.00 MHz (PASS at 12.00 MHz)",
      "Info: Max frequency for clock 'clk': 71.50 MHz (PASS at 12.00 MHz)",
      "ERROR: Unable to place cell 'x', no BELs remaining to implement cell type 'ICESTORM_LC'",
    ].join('\n');
    const p = parseNextpnrLog(log);
    expect(p.utilisation.ICESTORM_LC).toEqual({ used: 9000, available: 7680 });
    expect(p.fmaxMHz).toBe(71.5);
    expect(p.error).toMatch(/no BELs remaining/);
  });

  it('replaces only its own block of docs/RESULTS.md', () => {
    const doc = '# R\nprose\n<!-- results:a begin -->\nold\n<!-- results:a end -->\nmore prose\n';
    const once = replaceBlock(doc, 'a', 'new');
    expect(once).toBe('# R\nprose\n<!-- results:a begin -->\nnew\n<!-- results:a end -->\nmore prose\n');
    expect(replaceBlock(once, 'b', 'x')).toContain('more prose\n\n<!-- results:b begin -->\nx\n<!-- results:b end -->\n');
  });
});
