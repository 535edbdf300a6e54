// SPDX-License-Identifier: MIT
// The depth gate: generated Verilog has at most 8 LUT6 levels between registers.
// Results are cached by the Verilog's hash under build/synth, so a rerun is fast.
//
// `make test` checks every leaf module of rtl/ (the parser is the largest, about two
// minutes of yosys on the 2-core machine). The top level flattened is the whole design,
// several times that, so it runs in `make synth` (which fails above the limit), or here
// with SYNTH_DEPTH_FULL=1: the top per module and `synth -auto-top` over all of rtl/.

import { beforeAll, describe, expect, it } from 'vitest';
import { moduleDepths, wholeDesignDepth, type DepthFinding } from '../flow/depth-gate.ts';
import { adderChainModule, fixtureSources, xorFoldModule } from '../flow/fixtures.ts';
import { modulesOf, rtlSources, TOP_MODULE } from '../flow/sources.ts';
import { MAX_LUT_LEVELS } from '../flow/synth.ts';

describe('depth gate measures LUT6 levels', () => {
  const sources = fixtureSources(xorFoldModule(), adderChainModule(4));

  it('a registered 64-input XOR is exactly 3 levels', async () => {
    const [f] = await moduleDepths('fixture', sources, ['fixture_xor_fold']);
    expect(f!.path.length).toBe(3);
    expect(f!.ok).toBe(true);
  });

  it('a chain of dependent adders fails the gate and names its registers', async () => {
    const [f] = await moduleDepths('fixture', sources, ['fixture_adder_chain']);
    expect(f!.ok).toBe(false);
    expect(f!.path.length).toBeGreaterThan(MAX_LUT_LEVELS);
    expect(f!.text).toMatch(/^fixture_adder_chain: \d+ levels: a\d_reg \[\d+\] -> .* -> q_reg \[\d+\]$/);
  });
});

const FULL = process.env.SYNTH_DEPTH_FULL === '1';
const rtl = await rtlSources();
const modules = modulesOf(rtl).filter((m) => FULL || m !== TOP_MODULE);

describe.skipIf(modules.length === 0)(`rtl/ (${modules.length} modules) has at most ${MAX_LUT_LEVELS} LUT6 levels`, () => {
  // Every module's yosys run starts at once (two at a time), the tests then read them.
  let depths: Promise<Map<string, DepthFinding>>;
  beforeAll(() => {
    depths = moduleDepths('rtl', rtl).then((fs) => new Map(fs.map((f) => [f.module, f])));
    depths.catch(() => {});
  });

  it.each(modules)('%s', async (m) => {
    const f = (await depths).get(m)!;
    console.log(`depth ${f.text}`);
    expect(f.path.length, f.text).toBeLessThanOrEqual(MAX_LUT_LEVELS);
  });

  it.runIf(FULL)('the whole design (synth -auto-top -flatten -lut 6; ltp -noff)', async () => {
    const f = await wholeDesignDepth('rtl', rtl);
    console.log(`depth ${f.text}`);
    expect(f.path.length, f.text).toBeLessThanOrEqual(MAX_LUT_LEVELS);
  });
});
