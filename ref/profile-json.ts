// SPDX-License-Identifier: MIT
// The JSON form of a profile (docs/REFERENCE.md) and its validation. Messages name the
// offending key on one line because the CLI prints them as they are.

import { z } from 'zod';
import type { BuildParams } from './build.ts';
import { ALL_HASH_TYPES, HASH_TYPE, hashTypeNames, isHashTypeName } from './hash-types.ts';
import type { Filter, Profile, UdpTunnel } from './profile.ts';
import { bytesToHex, hexToBytes } from './toeplitz.ts';

export class ProfileError extends Error {
  override name = 'ProfileError';
}

export interface FilterJson {
  mac: string;
  vlan?: number | null;
  vsid?: number | null;
  queue: number;
  /** Defaults to true; false keeps a table position empty so later indices stay put. */
  valid?: boolean;
}

export interface UdpTunnelJson {
  port: number;
  type: 'vxlan' | 'geneve';
  /** Defaults to true; false keeps a table position empty. */
  valid?: boolean;
}

export interface ProfileJson {
  key?: string;
  hash_types?: number | string[];
  rss_enable?: boolean;
  vmq_enable?: boolean;
  encap_rss_enable?: boolean;
  encap_vmq_enable?: boolean;
  indirection?: number[];
  rss_default_queue?: number;
  vmq_default_queue?: number;
  filters?: FilterJson[];
  max_header_bytes?: number;
  udp_tunnels?: UdpTunnelJson[];
}

const MAC_RE = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;

function intIn(lo: number, hi: number, what: string) {
  const error = `must be an integer ${lo}..${hi}${what}`;
  return z.number({ error }).int({ error }).min(lo, { error }).max(hi, { error });
}

function profileSchema(build: BuildParams) {
  const qmax = 2 ** build.queueBits - 1;
  const queue = intIn(0, qmax, ` (the build has ${build.queueBits}-bit queue numbers)`);
  const bool = z.boolean({ error: 'must be true or false' });
  const maxEntries = Math.min(128, build.indirectionEntries);
  const filter = z.strictObject({
    mac: z.string({ error: 'must be a MAC address like "02:00:00:00:00:01"' }).regex(MAC_RE, {
      error: 'must be a MAC address like "02:00:00:00:00:01"',
    }),
    vlan: intIn(0, 4095, ' or null').nullable().optional(),
    vsid: intIn(0, 0xffffff, ' or null').nullable().optional(),
    queue,
    valid: bool.optional(),
  });
  const tunnel = z.strictObject({
    port: intIn(0, 65535, ' (a UDP port)'),
    type: z.enum(['vxlan', 'geneve'], { error: 'must be "vxlan" or "geneve"' }),
    valid: bool.optional(),
  });
  const nt = build.udpTunnelPorts;
  return z.strictObject({
    key: z
      .string({ error: 'must be a string of 80 hex digits (40 bytes)' })
      .regex(/^[0-9a-fA-F]{80}$/, { error: 'must be a string of 80 hex digits (40 bytes)' })
      .optional(),
    hash_types: z
      .union([z.number(), z.array(z.string())], {
        error: 'must be a number (NDIS bit mask) or an array of hash-type names',
      })
      .optional(),
    rss_enable: bool.optional(),
    vmq_enable: bool.optional(),
    encap_rss_enable: bool.optional(),
    encap_vmq_enable: bool.optional(),
    indirection: z
      .array(queue, { error: 'must be an array of queue numbers' })
      .refine((a) => a.length >= 2 && a.length <= maxEntries && (a.length & (a.length - 1)) === 0, {
        error: `must have a power-of-two length from 2 to ${maxEntries}`,
      })
      .optional(),
    rss_default_queue: queue.optional(),
    vmq_default_queue: queue.optional(),
    filters: z
      .array(filter, { error: 'must be an array of filters' })
      .max(build.vmqFilters, { error: `must hold at most ${build.vmqFilters} filters (the build's table size)` })
      .optional(),
    max_header_bytes: intIn(64, build.maxHeaderBytes, ' (the build maximum)').optional(),
    udp_tunnels: z
      .array(tunnel, { error: 'must be an array of {"port", "type"} entries' })
      .max(nt, { error: nt === 0 ? 'must be empty: the build has no UDP tunnel port table' : `must hold at most ${nt} entries (the build's table size)` })
      .optional(),
  });
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s;
}

function parseHashTypes(v: number | string[]): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || (v & ~ALL_HASH_TYPES) !== 0 || v > 0xffffffff) {
      throw new ProfileError(
        `profile: "hash_types": 0x${v.toString(16)} has bits that are not offered hash types (allowed mask 0x${ALL_HASH_TYPES.toString(16)})`,
      );
    }
    return v;
  }
  let mask = 0;
  for (const name of v) {
    if (!isHashTypeName(name)) {
      throw new ProfileError(`profile: "hash_types": unknown hash type "${name}" (known: ${Object.keys(HASH_TYPE).join(', ')})`);
    }
    mask |= HASH_TYPE[name];
  }
  return mask;
}

export function profileFromJson(input: unknown, build: BuildParams, base: Profile): Profile {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new ProfileError(`profile: not valid JSON (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProfileError('profile: must be a JSON object');
  }
  const result = profileSchema(build).safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = pathText(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      throw new ProfileError(`profile: unknown key ${keys}${where ? ` in "${where}"` : ''}`);
    }
    throw new ProfileError(`profile: "${where}": ${issue.message}`);
  }
  const j = result.data;
  const p: Profile = {
    ...base,
    key: base.key.slice(),
    indirection: base.indirection.slice(),
    filters: [],
    udpTunnels: base.udpTunnels.map((t) => ({ ...t })),
  };
  if (j.key !== undefined) p.key = hexToBytes(j.key);
  if (j.hash_types !== undefined) p.hashTypes = parseHashTypes(j.hash_types);
  if (j.rss_enable !== undefined) p.rssEnable = j.rss_enable;
  if (j.vmq_enable !== undefined) p.vmqEnable = j.vmq_enable;
  if (j.encap_rss_enable !== undefined) p.encapRssEnable = j.encap_rss_enable;
  if (j.encap_vmq_enable !== undefined) p.encapVmqEnable = j.encap_vmq_enable;
  if (j.indirection !== undefined) p.indirection = j.indirection.slice();
  if (j.rss_default_queue !== undefined) p.rssDefaultQueue = j.rss_default_queue;
  if (j.vmq_default_queue !== undefined) p.vmqDefaultQueue = j.vmq_default_queue;
  if (j.max_header_bytes !== undefined) p.maxHeaderBytes = j.max_header_bytes;
  // Given, the list replaces the default entries (like filters): [] turns UDP tunnels off.
  if (j.udp_tunnels !== undefined) p.udpTunnels = j.udp_tunnels.map((t): UdpTunnel => ({ valid: t.valid ?? true, port: t.port, type: t.type }));
  p.filters = (j.filters ?? []).map((f): Filter => ({
    valid: f.valid ?? true,
    mac: hexToBytes(f.mac.replace(/[:-]/g, '')),
    matchVlan: f.vlan !== undefined && f.vlan !== null,
    vlanId: f.vlan ?? 0,
    matchVsid: f.vsid !== undefined && f.vsid !== null,
    vsid: f.vsid ?? 0,
    queue: f.queue,
  }));
  return p;
}

export function macToString(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The JSON form of a profile (every key present); parseProfileJson reads it back unchanged. */
export function profileToJson(p: Profile): Required<ProfileJson> {
  return {
    key: bytesToHex(p.key),
    hash_types: hashTypeNames(p.hashTypes),
    rss_enable: p.rssEnable,
    vmq_enable: p.vmqEnable,
    encap_rss_enable: p.encapRssEnable,
    encap_vmq_enable: p.encapVmqEnable,
    indirection: p.indirection.slice(),
    rss_default_queue: p.rssDefaultQueue,
    vmq_default_queue: p.vmqDefaultQueue,
    filters: p.filters.map((f) => ({
      mac: macToString(f.mac),
      vlan: f.matchVlan ? f.vlanId : null,
      vsid: f.matchVsid ? f.vsid : null,
      queue: f.queue,
      ...(f.valid ? {} : { valid: false }),
    })),
    max_header_bytes: p.maxHeaderBytes,
    udp_tunnels: p.udpTunnels.map((t) => ({ port: t.port, type: t.type, ...(t.valid ? {} : { valid: false }) })),
  };
}
