// SPDX-License-Identifier: MIT
// Structural coverage bins: one per element of the build (filter slot, indirection entry,
// queue bit, key word, register, header bound), so that a run lists by name any element
// it never exercised. Filter, table and key bins are counted from the records the RTL
// delivered (equal to the reference's by then); register bins from the register traffic
// the run carried out; bound bins from the prologue's frames (tb/stimulus/structural.ts).

import type { BuildConfig } from '../../gen/config.ts';
import { COUNTER_NAMES, INDIRECTION_BASE, KEY_WORDS, keyWord } from '../../gen/regmap.ts';
import { counts } from '../../ref/cycle/top-model.ts';
import { HASH_TYPE } from '../../ref/hash-types.ts';
import { log2 } from '../../ref/bits.ts';
import type { Profile } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import { boundCases, decodedAddresses, registerName, structuralProfile, writableAddress } from '../stimulus/structural.ts';
import type { ScriptItem } from '../stimulus/script.ts';

const bits = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, b) => [`${prefix} queue bit[${b}]=0`, `${prefix} queue bit[${b}]=1`]).flat();

let boundBinsCache: { key: string; bins: string[] } | undefined;

/** Every structural bin of a build. */
export function structuralBins(cfg: BuildConfig): string[] {
  const out: string[] = [];
  const n = cfg.vmqFilters;
  for (let i = 0; i < n; i++) {
    const f = `filter[${i}]`;
    out.push(
      `${f} hit`,
      `${f} near miss: MAC bytes 0-1`,
      `${f} near miss: MAC bytes 2-5`,
      `${f} near miss: VLAN`,
      `${f} near miss: untagged`,
      `${f} near miss: VSID`,
      `${f} invalid, all else matching`,
    );
    if (i < n - 1) out.push(`${f} wins over the slot above`);
    if (i > 0) out.push(`${f} loses to the slot below`);
    out.push(...bits(f, cfg.queueBits));
  }
  for (let k = 0; k < cfg.indirectionEntries; k++) out.push(`indirection[${k}] looked up`, ...bits(`indirection[${k}]`, cfg.queueBits));
  for (let b = 1; b <= log2(cfg.indirectionEntries); b++) out.push(`indirection size[${1 << b}] in use`);
  // The longest input (36 bytes with IPv6, 12 without) reaches key word (8 * bytes + 30) / 32.
  const lastKeyWord = Math.min(KEY_WORDS - 1, (8 * (cfg.ipv6 ? 36 : 12) + 30) >> 5);
  for (let k = 0; k <= lastKeyWord; k++) out.push(`key word[${k}] in a hash`);
  for (const a of decodedAddresses(cfg)) {
    const name = registerName(a, cfg)!;
    out.push(`register ${name} read`);
    if (writableAddress(a, cfg)) out.push(`register ${name} written`);
    else if (a < INDIRECTION_BASE) out.push(`register ${name} written (read-only: refused)`);
  }
  out.push('register alias of the low region in another region written', 'reset while table entries held written values');
  // Every counter is read back (the prologue's last read, the run's counter reads): each must have had something to count.
  // (The VXLAN and GENEVE counters have nothing to count in a build without the tunnel port table.)
  for (const c of COUNTER_NAMES) if (cfg.udpTunnelPorts > 0 || (c !== 'vxlan' && c !== 'geneve')) out.push(`counter ${c} counted a frame`);
  out.push('register undecoded address read', ...[0, 1, 2, 3].map((l) => `register write of byte lane ${l} alone`));
  const key = JSON.stringify(cfg);
  if (boundBinsCache?.key !== key) boundBinsCache = { key, bins: [...new Set(boundCases(cfg, structuralProfile(cfg)).map((c) => c.tag))] };
  out.push(...boundBinsCache.bins);
  return out;
}

/** Bytes of Toeplitz input per hash type. */
const INPUT_BYTES: Record<number, number> = {
  [HASH_TYPE.IPV4]: 8,
  [HASH_TYPE.TCP_IPV4]: 12,
  [HASH_TYPE.UDP_IPV4]: 12,
  [HASH_TYPE.IPV6]: 32,
  [HASH_TYPE.TCP_IPV6]: 36,
  [HASH_TYPE.UDP_IPV6]: 36,
};

type Hit = (bin: string) => void;

function queueBits(hit: Hit, prefix: string, q: number, width: number): void {
  for (let b = 0; b < width; b++) hit(`${prefix} queue bit[${b}]=${(q >> b) & 1}`);
}

/** Table, key and filter-queue bins of one delivered record. */
export function recordBins(hit: Hit, cfg: BuildConfig, r: MetaRecord, p: Profile): void {
  for (const c of COUNTER_NAMES) if (counts(c, r)) hit(`counter ${c} counted a frame`);
  if (r.hash_valid && p.rssEnable) {
    const k = r.hash & (p.indirection.length - 1);
    hit(`indirection[${k}] looked up`);
    queueBits(hit, `indirection[${k}]`, r.rss_queue, cfg.queueBits);
    hit(`indirection size[${p.indirection.length}] in use`);
    // Input bit i meets key bits i..i+31: the words up to the last input bit's window.
    const last = Math.min(KEY_WORDS - 1, (8 * (INPUT_BYTES[r.hash_type] ?? 0) + 30) >> 5);
    for (let w = 0; w <= last; w++) if (keyWord(p.key, w) !== 0) hit(`key word[${w}] in a hash`);
  }
  if (r.vmq_hit) {
    hit(`filter[${r.vmq_filter}] hit`);
    queueBits(hit, `filter[${r.vmq_filter}]`, r.vmq_queue, cfg.queueBits);
  }
}

/** Register bins of the register traffic of a run's script. */
export function registerBins(hit: Hit, cfg: BuildConfig, items: readonly ScriptItem[]): void {
  const tableEnd = INDIRECTION_BASE + 4 * cfg.indirectionEntries;
  let tableWritten = false;
  for (const it of items) {
    if (it.k === 'reset') {
      if (tableWritten) hit('reset while table entries held written values');
      tableWritten = false;
    } else if (it.k === 'csr') {
      for (const w of it.writes) {
        const name = registerName(w.addr, cfg);
        if (name && writableAddress(w.addr, cfg)) hit(`register ${name} written`);
        else if (name && w.addr < INDIRECTION_BASE) hit(`register ${name} written (read-only: refused)`);
        else if (!name && w.addr >= 0x400 && registerName(w.addr & 0x3ff, cfg) !== undefined) hit('register alias of the low region in another region written');
        if (w.addr >= INDIRECTION_BASE && w.addr < tableEnd && (w.strb ?? 0xf) !== 0 && w.data !== 0) tableWritten = true;
        const strb = w.strb ?? 0xf;
        if (strb && (strb & (strb - 1)) === 0) hit(`register write of byte lane ${31 - Math.clz32(strb)} alone`);
      }
    } else if (it.k === 'read') {
      for (const a of it.addrs) {
        const name = registerName(a, cfg);
        hit(name ? `register ${name} read` : 'register undecoded address read');
      }
    }
  }
}
