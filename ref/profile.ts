// SPDX-License-Identifier: MIT
// The runtime control state of docs/CONTRACT.md section 5 (the CSR contents) in hardware-like form,
// plus the two starting points: the CSR reset values and the CLI's default profile.

import { type BuildParams, DEFAULT_BUILD } from './build.ts';
import { ALL_HASH_TYPES } from './hash-types.ts';
import { ENCAP_GENEVE, ENCAP_VXLAN, type UdpTunnelPort } from './parse.ts';
import { profileFromJson } from './profile-json.ts';
import { hexToBytes, KEY_BYTES } from './toeplitz.ts';

export interface Filter {
  valid: boolean;
  /** Destination MAC, 6 bytes in wire order (byte 0 is the first byte on the wire). */
  mac: Uint8Array;
  matchVlan: boolean;
  /** 12-bit VLAN ID, compared only when matchVlan. */
  vlanId: number;
  matchVsid: boolean;
  /** 24-bit VSID, compared only when matchVsid. */
  vsid: number;
  queue: number;
}

export type TunnelType = 'vxlan' | 'geneve';

/** An entry of the UDP tunnel port table (docs/CONTRACT.md section 8). */
export interface UdpTunnel {
  valid: boolean;
  /** UDP destination port. */
  port: number;
  type: TunnelType;
}

/** The IANA ports, the default profile's entries 0 and 1. */
export const IANA_UDP_TUNNELS: readonly UdpTunnel[] = [
  { valid: true, port: 4789, type: 'vxlan' },
  { valid: true, port: 6081, type: 'geneve' },
];

export interface Profile {
  /** 40-byte Toeplitz key. */
  key: Uint8Array;
  /** NDIS hash-type bit mask (ref/hash-types.ts). */
  hashTypes: number;
  rssEnable: boolean;
  vmqEnable: boolean;
  encapRssEnable: boolean;
  encapVmqEnable: boolean;
  /** Queue per entry; the length is 2^indirection_bits. */
  indirection: number[];
  rssDefaultQueue: number;
  vmqDefaultQueue: number;
  /** Filter table entries 0..n-1; entries past the array's end are invalid. */
  filters: Filter[];
  maxHeaderBytes: number;
  /** Tunnel port table entries 0..n-1; entries past the array's end (or the build's table) are invalid. */
  udpTunnels: UdpTunnel[];
}

/** The key of the Microsoft "Verifying the RSS Hash Calculation" page. */
export const MS_SAMPLE_KEY_HEX = '6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa';

/**
 * The CLI's profile when none is given: sample key, every hash type, every enable on,
 * 128 entries spreading over queues 0..7, no filters, 256 header bytes, VXLAN on 4789 and
 * GENEVE on 6081. For a smaller build the tables, queue numbers and header window shrink
 * to what the build holds.
 */
export function defaultProfile(build: BuildParams = DEFAULT_BUILD): Profile {
  const entries = Math.min(128, build.indirectionEntries);
  const spread = Math.min(8, 2 ** build.queueBits);
  return {
    key: hexToBytes(MS_SAMPLE_KEY_HEX),
    hashTypes: ALL_HASH_TYPES,
    rssEnable: true,
    vmqEnable: true,
    encapRssEnable: true,
    encapVmqEnable: true,
    indirection: Array.from({ length: entries }, (_, i) => i % spread),
    rssDefaultQueue: 0,
    vmqDefaultQueue: 0,
    filters: [],
    maxHeaderBytes: build.maxHeaderBytes,
    udpTunnels: IANA_UDP_TUNNELS.slice(0, build.udpTunnelPorts).map((t) => ({ ...t })),
  };
}

/**
 * The parser's view of the tunnel port table: the valid entries among those the build
 * has, in table order (dropping invalid ones keeps the lowest valid match first).
 */
export function tunnelPortsOf(p: Profile, build: BuildParams): UdpTunnelPort[] {
  const out: UdpTunnelPort[] = [];
  const n = Math.min(p.udpTunnels.length, build.udpTunnelPorts);
  for (let i = 0; i < n; i++) {
    const t = p.udpTunnels[i]!;
    if (t.valid) out.push({ port: t.port & 0xffff, encap: t.type === 'vxlan' ? ENCAP_VXLAN : ENCAP_GENEVE });
  }
  return out;
}

/** The CSR reset values (docs/CONTRACT.md section 5, docs/BEHAVIOUR.md "CSRs"). */
export function resetProfile(build: BuildParams = DEFAULT_BUILD): Profile {
  return {
    key: new Uint8Array(KEY_BYTES),
    hashTypes: 0,
    rssEnable: false,
    vmqEnable: false,
    encapRssEnable: false,
    encapVmqEnable: false,
    indirection: new Array<number>(build.indirectionEntries).fill(0),
    rssDefaultQueue: 0,
    vmqDefaultQueue: 0,
    filters: Array.from({ length: build.vmqFilters }, () => ({
      valid: false,
      mac: new Uint8Array(6),
      matchVlan: false,
      vlanId: 0,
      matchVsid: false,
      vsid: 0,
      queue: 0,
    })),
    maxHeaderBytes: build.maxHeaderBytes,
    udpTunnels: Array.from({ length: build.udpTunnelPorts }, () => ({ valid: false, port: 0, type: 'vxlan' as const })),
  };
}

/**
 * A profile from its JSON form (docs/REFERENCE.md): a JSON text or an already parsed
 * value. Keys left out keep the default profile's values. Throws ProfileError with a
 * one-line message naming the offending key.
 */
export function parseProfileJson(input: string | unknown, build: BuildParams = DEFAULT_BUILD): Profile {
  return profileFromJson(input, build, defaultProfile(build));
}

export { ProfileError, profileToJson, type ProfileJson } from './profile-json.ts';
