// SPDX-License-Identifier: MIT
// The benchmarks' traffic: a fixed mix of plain, VLAN, NVGRE, GRE, fragmented and random
// frames (4096 of them), the same on every run.

import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { mulberry32, randomLayers } from '../ref/packets/random.ts';

export function mixedCapture(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const rnd = mulberry32(2024);
  const port = () => Math.floor(rnd() * 65536);
  const v4 = () => `10.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
  const v6 = () => `2001:db8::${Math.floor(rnd() * 65536).toString(16)}:${Math.floor(rnd() * 65536).toString(16)}`;
  const kinds: (() => Layer[])[] = [
    () => [{ kind: 'eth' }, { kind: 'ipv4', src: v4(), dst: v4() }, { kind: 'tcp', sport: port(), dport: 443 }, { kind: 'payload', bytes: 64 }],
    () => [{ kind: 'eth' }, { kind: 'ipv4', src: v4(), dst: v4() }, { kind: 'udp', sport: port(), dport: 53 }, { kind: 'payload', bytes: 40 }],
    () => [{ kind: 'eth' }, { kind: 'ipv6', src: v6(), dst: v6() }, { kind: 'tcp', sport: port(), dport: 80 }, { kind: 'payload', bytes: 64 }],
    () => [{ kind: 'eth' }, { kind: 'ipv6', src: v6(), dst: v6() }, { kind: 'udp', sport: port(), dport: 4789 }],
    () => [{ kind: 'eth' }, { kind: 'vlan', vid: 100 }, { kind: 'ipv4', src: v4(), dst: v4() }, { kind: 'tcp', sport: port(), dport: 22 }],
    () => [
      { kind: 'eth' },
      { kind: 'ipv4', src: v4(), dst: v4() },
      { kind: 'nvgre', vsid: 5000, flowId: 1 },
      { kind: 'eth' },
      { kind: 'ipv4', src: v4(), dst: v4() },
      { kind: 'tcp', sport: port(), dport: 80 },
      { kind: 'payload', bytes: 100 },
    ],
    () => [
      { kind: 'eth' },
      { kind: 'ipv6', src: v6(), dst: v6() },
      { kind: 'nvgre', vsid: 6000 },
      { kind: 'eth' },
      { kind: 'vlan', vid: 3 },
      { kind: 'ipv6', src: v6(), dst: v6() },
      { kind: 'udp', sport: port(), dport: 53 },
    ],
    () => [
      { kind: 'eth' },
      { kind: 'ipv4', src: v4(), dst: v4() },
      { kind: 'gre', key: 7, seq: 1 },
      { kind: 'ipv4', src: v4(), dst: v4() },
      { kind: 'udp', sport: port(), dport: 1 },
    ],
    () => [{ kind: 'eth' }, { kind: 'ipv4', src: v4(), dst: v4(), mf: true }, { kind: 'payload', bytes: 200 }],
    () => [
      { kind: 'eth' },
      { kind: 'ipv6', src: v6(), dst: v6() },
      { kind: 'ipv6-ext', type: 0 },
      { kind: 'ipv6-frag', more: true },
      { kind: 'payload', bytes: 100 },
    ],
    () => randomLayers(rnd),
  ];
  for (let i = 0; i < 4096; i++) frames.push(buildFrame(kinds[i % kinds.length]!()));
  return frames;
}
