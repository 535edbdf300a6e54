// SPDX-License-Identifier: MIT
// The control states the fuzzer classifies under. A mutant is interesting per profile
// (the same bytes take other paths with encapsulation off or a 64-byte window), so
// corpus entries name theirs and are replayed under it.

import type { BuildConfig } from '../../gen/config.ts';
import { HASH_TYPE } from '../../ref/hash-types.ts';
import { defaultProfile, type Profile } from '../../ref/profile.ts';
import { directedFilters } from '../stimulus/directed.ts';

const PATCHES: Record<string, Partial<Profile> | ((cfg: BuildConfig) => Partial<Profile>)> = {
  /** The CLI's default profile with the directed VMQ filters (inner/outer MAC, VLAN, VSID). */
  default: {},
  'encap-off': { encapRssEnable: false, encapVmqEnable: false },
  'encap-vmq-only': { encapRssEnable: false },
  'window-64': { maxHeaderBytes: 64 },
  'tcp-only': { hashTypes: HASH_TYPE.TCP_IPV4 | HASH_TYPE.TCP_IPV6 },
  'v4-2tuple-only': { hashTypes: HASH_TYPE.IPV4 },
  'rss-vmq-off': { rssEnable: false, vmqEnable: false },
  /** UDP tunnels (docs/CONTRACT.md section 8): the IANA ports with the types swapped, so VXLAN bytes take the GENEVE path and back. */
  'tunnels-swapped': (cfg) => ({
    udpTunnels: [
      { valid: true, port: 4789, type: 'geneve' as const },
      { valid: true, port: 6081, type: 'vxlan' as const },
    ].slice(0, cfg.udpTunnelPorts),
  }),
  /** An empty tunnel port table: VXLAN/GENEVE packets are ordinary UDP. */
  'tunnels-off': { udpTunnels: [] },
};

export const FUZZ_PROFILES = Object.keys(PATCHES);

export function fuzzProfile(name: string, cfg: BuildConfig): Profile {
  const patch = PATCHES[name];
  if (!patch) throw new Error(`unknown fuzz profile '${name}' (known: ${FUZZ_PROFILES.join(', ')})`);
  return { ...defaultProfile(cfg), filters: directedFilters(), ...(typeof patch === 'function' ? patch(cfg) : patch) };
}
