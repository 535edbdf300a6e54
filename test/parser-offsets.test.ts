// SPDX-License-Identifier: MIT
// gen/blocks/offsets.ts: the reachable-offset sets must contain every offset the
// reference parser really reaches (else the extraction multiplexer would miss it), and
// be as small as the parse graph allows.

import { describe, expect, it } from 'vitest';
import { analyseOffsets, muxSavings } from '../gen/blocks/offsets.ts';
import { parseBuildConfig } from '../gen/config.ts';
import { buildFrame, mulberry32, randomLayers } from '../ref/packets/index.ts';
import { parseFrame, ParseState } from '../ref/parse.ts';

describe('reachable offsets', () => {
  it('IPv4-only build: exact sets', () => {
    // Without the UDP tunnel layers the inner Ethernet header follows GRE only.
    const a = analyseOffsets(parseBuildConfig({ ipv6: false, udpTunnelPorts: 0 }));
    expect(a.outerL3.offsets).toEqual([14, 18, 22]);
    expect(a.ipv6Ext).toEqual([]);
    expect(a.l4.offsets).toEqual(Array.from({ length: 13 }, (_, i) => 34 + 4 * i));
    expect(Math.min(...a.innerEth.offsets)).toBe(38);
    expect(Math.max(...a.innerEth.offsets)).toBe(98);
    // With them it also follows VXLAN (14 + 20 + 8 + 8 = 50 behind a plain IPv4 header) and
    // GENEVE with up to 252 bytes of options, as deep as the window lets a header start.
    const tc = parseBuildConfig({ ipv6: false });
    const t = analyseOffsets(tc);
    expect(t.innerEth.offsets).toContain(50);
    expect(Math.max(...t.innerEth.offsets)).toBeGreaterThan(98);
    expect(Math.max(...t.innerEth.offsets) + 14).toBeLessThanOrEqual(tc.maxHeaderBytes);
  });

  it('every cursor is even, and clipped to the window', () => {
    for (const cfg of [parseBuildConfig({}), parseBuildConfig({ maxHeaderBytes: 64 }), parseBuildConfig({ ipv6: false, maxHeaderBytes: 1024 })]) {
      const a = analyseOffsets(cfg);
      for (const l of [a.outerL3, ...a.ipv6Ext, a.l4, a.innerEth, a.innerL3, a.innerL4]) {
        for (const o of l.offsets) {
          expect(o % 2, l.name).toBe(0);
          expect(o + 4, l.name).toBeLessThanOrEqual(cfg.maxHeaderBytes);
        }
      }
    }
  });

  it('contains every offset ref/parse.ts reaches on random frames', () => {
    const cfg = parseBuildConfig({});
    const a = analyseOffsets(cfg);
    const sets = {
      l4: new Set(a.l4.offsets),
      innerEth: new Set(a.innerEth.offsets),
      innerL3: new Set(a.innerL3.offsets),
      innerL4: new Set(a.innerL4.offsets),
    };
    const r = mulberry32(7);
    const s = new ParseState();
    let seen = 0;
    for (let i = 0; i < 4000; i++) {
      const f = buildFrame(randomLayers(r, { oddRate: 0.4, encapRate: 0.7 }));
      parseFrame(f, { maxHeaderBytes: cfg.maxHeaderBytes, ipv6: true, ipv6MaxExtHeaders: cfg.ipv6MaxExtHeaders, parseGre: true }, s);
      if (s.l3 && !s.l3Frag && s.error === 0 && s.l4Off + 4 <= cfg.maxHeaderBytes) expect(sets.l4.has(s.l4Off), `l4 ${s.l4Off}`).toBe(true);
      if (s.innerEth) expect(sets.innerEth.has(s.innerL2Off), `inner eth ${s.innerL2Off}`).toBe(true);
      if (s.innerL3) expect(sets.innerL3.has(s.innerL3Off), `inner l3 ${s.innerL3Off}`).toBe(true);
      if (s.innerL4Off) {
        expect(sets.innerL4.has(s.innerL4Off), `inner l4 ${s.innerL4Off}`).toBe(true);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(300);
  });

  it('saves multiplexer inputs against a barrel shifter', () => {
    const sum = (c: object): [number, number] => {
      const s = muxSavings(parseBuildConfig(c));
      return [s.reduce((x, y) => x + y.muxInputs, 0), s.reduce((x, y) => x + y.barrelInputs, 0)];
    };
    expect(sum({})).toEqual([117056, 516096]);
    expect(sum({ maxHeaderBytes: 256 })).toEqual([51520, 258048]);
    expect(sum({ maxHeaderBytes: 256, ipv6: false })).toEqual([28128, 159744]);
    expect(sum({ maxHeaderBytes: 256, udpTunnelPorts: 0 })).toEqual([48192, 241664]);
    expect(sum({ maxHeaderBytes: 256, ipv6: false, udpTunnelPorts: 0 })).toEqual([10592, 143360]);
  });
});
