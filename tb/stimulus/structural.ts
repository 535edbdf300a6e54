// SPDX-License-Identifier: MIT
// The structural prologue of every regression run: a directed sequence that touches every
// structural element of the build it runs on, so that a short run already exercises all
// of them and a fault in any one shows within the first few thousand cycles.
//   - every register: read at its reset value, written (whole words and one byte lane at
//     a time) and read back, plus addresses the map does not decode;
//   - every indirection entry looked up as reset left it, then with a pattern and with its
//     complement (each queue bit of each entry seen 0 and 1), and every table size;
//   - every key word in a hash (a key of distinct words, frames of every input length);
//   - every VMQ filter slot: a hit, a near miss on each condition (MAC high and low part,
//     VLAN, untagged, VSID), invalid, both queue patterns, and priority against the slot
//     below and the slot above;
//   - both sides of the bound of every header layer: the frame ending at the layer's end
//     and one byte before it, and max_header_bytes at its end and one byte before it.
// The coverage bins that prove each was reached are in tb/lockstep/coverage-structural.ts.

import type { BuildConfig } from '../../gen/config.ts';
import { capabilities, COUNTER_BASE, COUNTER_NAMES, FILTER_BASE, FILTER_STRIDE, INDIRECTION_BASE, KEY_BASE, KEY_WORDS, TUNNEL_BASE } from '../../gen/regmap.ts';
import { RefEngine } from '../../ref/engine.ts';
import { buildFrame, layerSize, mulberry32, type Layer } from '../../ref/packets/index.ts';
import { log2 } from '../../ref/bits.ts';
import { defaultProfile, type Filter, type Profile } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import { tunnelBoundStacks } from './tunnels.ts';
import { ScriptBuilder } from './script-builder.ts';
import { REG } from './csr.ts';
import type { StimFrame } from './script.ts';

const FILTER_WORDS = ['MAC_HI', 'MAC_LO', 'VLAN', 'VSID', 'QUEUE', 'CTRL'] as const;
const SCALARS: [string, number][] = Object.entries(REG);

/** The name of the register at `addr`, or undefined where the map decodes nothing. */
export function registerName(addr: number, cfg: BuildConfig): string | undefined {
  if (addr === 0) return 'ID';
  if (addr === 4) return 'VERSION';
  const caps = capabilities(cfg, { latency: 0 });
  if (addr >= 0x10 && addr < 0x10 + 4 * caps.length && addr % 4 === 0) return caps[(addr - 0x10) >> 2]!.name;
  const s = SCALARS.find(([, a]) => a === addr);
  if (s) return s[0];
  if (addr >= KEY_BASE && addr < KEY_BASE + 4 * KEY_WORDS && addr % 4 === 0) return `KEY[${(addr - KEY_BASE) >> 2}]`;
  if (addr >= TUNNEL_BASE && addr < TUNNEL_BASE + 4 * cfg.udpTunnelPorts && addr % 4 === 0) return `TUNNEL_PORT[${(addr - TUNNEL_BASE) >> 2}]`;
  if (addr >= COUNTER_BASE && addr < COUNTER_BASE + 4 * COUNTER_NAMES.length && addr % 4 === 0)
    return `CNT_${COUNTER_NAMES[(addr - COUNTER_BASE) >> 2]!.toUpperCase()}`;
  if (addr >= INDIRECTION_BASE && addr < INDIRECTION_BASE + 4 * cfg.indirectionEntries && addr % 4 === 0)
    return `INDIRECTION[${(addr - INDIRECTION_BASE) >> 2}]`;
  const off = addr - FILTER_BASE;
  if (off >= 0 && off < FILTER_STRIDE * cfg.vmqFilters && off % 4 === 0) {
    const w = FILTER_WORDS[(off % FILTER_STRIDE) >> 2];
    return w && `FILTER[${Math.floor(off / FILTER_STRIDE)}].${w}`;
  }
  return undefined;
}

/** Whether a write to `addr` may change the register there (read-only ones answer SLVERR, undecoded ones DECERR). */
export function writableAddress(addr: number, cfg: BuildConfig): boolean {
  const name = registerName(addr, cfg);
  if (!name) return false;
  if (name.startsWith('KEY[')) return cfg.toeplitz !== 'const-key';
  return SCALARS.some(([, a]) => a === addr) || name.startsWith('INDIRECTION[') || name.startsWith('FILTER[') || name.startsWith('TUNNEL_PORT[');
}

/** Every address the map decodes, in order. */
export function decodedAddresses(cfg: BuildConfig): number[] {
  const out: number[] = [0, 4];
  for (let i = 0; i < capabilities(cfg, { latency: 0 }).length; i++) out.push(0x10 + 4 * i);
  out.push(...SCALARS.map(([, a]) => a).sort((a, b) => a - b));
  for (let k = 0; k < cfg.udpTunnelPorts; k++) out.push(TUNNEL_BASE + 4 * k);
  for (let k = 0; k < KEY_WORDS; k++) out.push(KEY_BASE + 4 * k);
  for (let k = 0; k < COUNTER_NAMES.length; k++) out.push(COUNTER_BASE + 4 * k);
  for (let k = 0; k < cfg.indirectionEntries; k++) out.push(INDIRECTION_BASE + 4 * k);
  for (let i = 0; i < cfg.vmqFilters; i++) for (let w = 0; w < FILTER_WORDS.length; w++) out.push(FILTER_BASE + FILTER_STRIDE * i + 4 * w);
  return out;
}

/** Addresses just past each block of the map, between blocks, the unused words of a filter's stride, and the top of the space. */
export function undecodedAddresses(cfg: BuildConfig): number[] {
  const caps = capabilities(cfg, { latency: 0 }).length;
  const fEnd = FILTER_BASE + FILTER_STRIDE * cfg.vmqFilters;
  const xs = [
    0x8,
    0xc,
    0x10 + 4 * caps,
    REG.MAX_HEADER_BYTES + 4,
    TUNNEL_BASE - 4,
    TUNNEL_BASE + 4 * cfg.udpTunnelPorts,
    KEY_BASE - 4,
    KEY_BASE + 4 * KEY_WORDS,
    COUNTER_BASE + 4 * COUNTER_NAMES.length,
    INDIRECTION_BASE + 4 * cfg.indirectionEntries,
    FILTER_BASE - 4,
    FILTER_BASE + 4 * FILTER_WORDS.length,
    FILTER_BASE + FILTER_STRIDE - 4,
    fEnd - 4,
    fEnd,
    0x8000,
    0xfffc,
  ];
  for (let i = 0; i < cfg.vmqFilters; i++) xs.push(FILTER_BASE + FILTER_STRIDE * i + 4 * FILTER_WORDS.length, FILTER_BASE + FILTER_STRIDE * (i + 1) - 4);
  return [...new Set(xs)].filter((a) => registerName(a, cfg) === undefined);
}

// Addresses of the MAC filters' slots: byte 1 names the slot, so a near miss in any other
// byte is no other slot's MAC either.
const slotMac = (i: number): Uint8Array => Uint8Array.of(0x02, i, 0x5e, 0xa1, 0xb2, 0xc3);
const macText = (m: Uint8Array): string => [...m].map((b) => b.toString(16).padStart(2, '0')).join(':');
const OTHER = '02:00:00:00:00:02';
const PRIO_MAC = Uint8Array.of(0x02, 0xee, 0, 0, 0, 1);

/** Seven bytes: less than one beat at every width, so the frame is its first and last beat. */
export function runtFrame(tag: string): StimFrame {
  return { data: Uint8Array.of(0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0xaa), macError: false, tag };
}

/** A frame for table entry `k`: a UDP/IPv4 frame whose hash picks that entry (searched over ports). */
export function entryFrames(cfg: BuildConfig, p: Profile): StimFrame[] {
  const engine = new RefEngine({ ...p, indirection: new Array<number>(cfg.indirectionEntries).fill(0) }, cfg);
  const n = cfg.indirectionEntries;
  const found: (StimFrame | undefined)[] = new Array(n);
  let left = n;
  for (let port = 1; left > 0 && port < 1 << 20; port++) {
    const layers: Layer[] = [
      { kind: 'eth', dst: OTHER, src: OTHER },
      { kind: 'ipv4', src: '10.1.0.1', dst: '10.1.0.2' },
      { kind: 'udp', sport: port & 0xffff, dport: 4000 + (port >> 16) },
      { kind: 'payload', bytes: 18 },
    ];
    const data = buildFrame(layers);
    const k = engine.classify(data).hash & (n - 1);
    if (found[k]) continue;
    found[k] = { data, macError: false, tag: `structural: indirection entry ${k}` };
    left--;
  }
  return found.map((f, k) => {
    if (!f) throw new Error(`no frame found for indirection entry ${k}`);
    return f;
  });
}

function filterFrame(dst: Uint8Array, how: { inner?: { vlan?: number; vsid: number }; outerVlan?: number }, tag: string): StimFrame {
  const eth: Layer = { kind: 'eth', dst: macText(how.inner ? Uint8Array.of(0x02, 0xfe, 0, 0, 0, 1) : dst), src: OTHER };
  const layers: Layer[] = [eth];
  if (how.outerVlan !== undefined) layers.push({ kind: 'vlan', vid: how.outerVlan });
  layers.push({ kind: 'ipv4', src: '10.2.0.1', dst: '10.2.0.2' });
  if (how.inner) {
    layers.push({ kind: 'nvgre', vsid: how.inner.vsid, flowId: 1 }, { kind: 'eth', dst: macText(dst), src: OTHER });
    if (how.inner.vlan !== undefined) layers.push({ kind: 'vlan', vid: how.inner.vlan });
    layers.push({ kind: 'ipv4', src: '192.168.2.1', dst: '192.168.2.2' });
  }
  layers.push({ kind: 'udp', sport: 7, dport: 9 }, { kind: 'payload', bytes: 8 });
  return { data: buildFrame(layers), macError: false, tag };
}

const filterOf = (mac: Uint8Array, queue: number, o: Partial<Filter> = {}): Filter => ({
  valid: true,
  mac,
  matchVlan: false,
  vlanId: 0,
  matchVsid: false,
  vsid: 0,
  queue,
  ...o,
});

const q1 = (cfg: BuildConfig, i: number): number => (i * 11 + 5) & (2 ** cfg.queueBits - 1);
const vlan = (i: number): number => (i * 0x111 + 0x55) & 0xfff;
const vsid = (i: number): number => (i * 0x10101 + 0x2468a) & 0xffffff;

/** Every slot with a MAC, a VLAN and a VSID condition and a queue of its own. */
function slotFilters(cfg: BuildConfig): Filter[] {
  return Array.from({ length: cfg.vmqFilters }, (_, i) =>
    filterOf(slotMac(i), q1(cfg, i), { matchVlan: true, vlanId: vlan(i), matchVsid: true, vsid: vsid(i) }),
  );
}

/**
 * The VMQ block's own copy of the table right after reset: one slot at a time made valid
 * and nothing else written, so a frame to MAC 0 finds that slot with reset's MAC, queue
 * and conditions (a reset value that is not zero shows, in whichever slot it is).
 * RSS is on with the key as reset left it (all zero): every hash is 0.
 */
function resetTablePass(b: ScriptBuilder): void {
  const at = b.profile;
  const frame: StimFrame = {
    data: buildFrame([
      { kind: 'eth', dst: '00:00:00:00:00:00', src: OTHER },
      { kind: 'ipv4', src: '10.6.0.1', dst: '10.6.0.2' },
      { kind: 'tcp', sport: 5, dport: 6 },
      { kind: 'payload', bytes: 10 },
    ]),
    macError: false,
    tag: '',
  };
  // First none valid: a slot that reset left valid would catch the frame (the passes below
  // hide a higher slot behind the one they make valid).
  b.programChanges(
    { ...at, rssEnable: true, vmqEnable: true, hashTypes: defaultProfile(b.cfg).hashTypes },
    'structural: VMQ on, every filter slot as reset left it',
  );
  b.frame({ ...frame, tag: 'structural: no filter slot valid after reset' });
  for (let i = 0; i < b.cfg.vmqFilters; i++) {
    b.programChanges(
      { ...at, rssEnable: true, vmqEnable: true, hashTypes: defaultProfile(b.cfg).hashTypes, filters: at.filters.map((f, j) => ({ ...f, valid: j === i })) },
      `structural: filter ${i} valid, the rest as reset left it`,
    );
    b.frame({ ...frame, tag: `structural: filter ${i} at its reset values` });
  }
}

/** Each IPv6 extension header kind, and a Fragment header with and without GRE behind it, in every slot of the chain. */
function extensionSlotPass(b: ScriptBuilder): void {
  const cfg = b.cfg;
  if (!cfg.ipv6) return;
  const e: Layer = { kind: 'eth', dst: OTHER, src: OTHER };
  const v6: Layer = { kind: 'ipv6', src: '2001:db8::61', dst: '2001:db8::62' };
  const tail: Layer[] = [
    { kind: 'tcp', sport: 21, dport: 22 },
    { kind: 'payload', bytes: 8 },
  ];
  const gre: Layer[] = [{ kind: 'nvgre', vsid: 0x61 }, e, { kind: 'ipv4', src: '10.7.0.1', dst: '10.7.0.2' }, ...tail];
  for (let k = 0; k < cfg.ipv6MaxExtHeaders; k++) {
    const before = Array.from({ length: k }, (): Layer => ({ kind: 'ipv6-ext', type: 60 }));
    const stacks: [string, Layer[]][] = [
      ['hop-by-hop', [{ kind: 'ipv6-ext', type: 0 }, ...tail]],
      ['routing', [{ kind: 'ipv6-ext', type: 43, length: 16 }, ...tail]],
      ['destination options', [{ kind: 'ipv6-ext', type: 60, length: 24 }, ...tail]],
      ['fragment, TCP behind', [{ kind: 'ipv6-frag' }, ...tail]],
      ['fragment, GRE behind', [{ kind: 'ipv6-frag', nextHeader: 47 }, ...gre]],
      ['GRE behind', gre],
    ];
    for (const [name, rest] of stacks)
      b.frame({ data: buildFrame([e, v6, ...before, ...rest]), macError: false, tag: `structural: extension slot ${k + 1}: ${name}` });
  }
}

/** The VMQ passes: per-slot conditions and near misses, no conditions, invalid, priority in pairs. */
function filterPasses(b: ScriptBuilder, base: Profile): void {
  const cfg = b.cfg;
  const n = cfg.vmqFilters;
  const qm = 2 ** cfg.queueBits - 1;
  const withConditions = slotFilters(cfg);
  b.program({ ...base, filters: withConditions }, 'structural: every filter slot with a VLAN and a VSID condition');
  for (let i = 0; i < n; i++) {
    const m = slotMac(i);
    const hi = m.slice();
    hi[0] = m[0]! ^ (1 << (2 + (i % 6)));
    const lo = m.slice();
    lo[2 + (i % 4)] = m[2 + (i % 4)]! ^ (1 << ((i >> 2) % 8));
    const t = `structural: filter ${i}`;
    b.frame(filterFrame(m, { inner: { vlan: vlan(i), vsid: vsid(i) } }, `${t} hit`));
    b.frame(filterFrame(hi, { inner: { vlan: vlan(i), vsid: vsid(i) } }, `${t} near miss: MAC bytes 0-1`));
    b.frame(filterFrame(lo, { inner: { vlan: vlan(i), vsid: vsid(i) } }, `${t} near miss: MAC bytes 2-5`));
    b.frame(filterFrame(m, { inner: { vlan: vlan(i) ^ (1 << (i % 12)), vsid: vsid(i) } }, `${t} near miss: VLAN`));
    b.frame(filterFrame(m, { inner: { vsid: vsid(i) } }, `${t} near miss: untagged`));
    b.frame(filterFrame(m, { inner: { vlan: vlan(i), vsid: vsid(i) ^ (1 << (i % 24)) } }, `${t} near miss: VSID`));
  }
  // Every register of the map holds a value of its own now: read them all back.
  b.read(decodedAddresses(cfg), true);
  const plain = Array.from({ length: n }, (_, i) => filterOf(slotMac(i), ~q1(cfg, i) & qm));
  b.program({ ...base, filters: plain }, 'structural: every filter slot without conditions, complement queues');
  for (let i = 0; i < n; i++) {
    b.frame(filterFrame(slotMac(i), { outerVlan: vlan(i) }, `structural: filter ${i} hit, no conditions`));
    b.frame(filterFrame(slotMac(i), { inner: { vlan: vlan(i) ^ 1, vsid: vsid(i) ^ 1 } }, `structural: filter ${i} inner hit, no conditions`));
  }
  b.program({ ...base, filters: plain.map((f) => ({ ...f, valid: false })) }, 'structural: every filter slot invalid');
  for (let i = 0; i < n; i++) b.frame(filterFrame(slotMac(i), {}, `structural: filter ${i} invalid`));
  // Priority: the same MAC everywhere, pairs of slots sharing a VLAN condition; the second
  // pass shifts the pairs by one, so every slot meets the one below and the one above.
  for (const shift of [0, 1]) {
    const fs = Array.from({ length: n }, (_, i) => filterOf(PRIO_MAC, q1(cfg, i), { matchVlan: true, vlanId: 0x200 + ((i + shift) >> 1) }));
    b.program({ ...base, filters: fs }, `structural: filter pairs sharing a VLAN (shift ${shift})`);
    for (let k = 0; k <= (n + shift - 1) >> 1; k++) b.frame(filterFrame(PRIO_MAC, { outerVlan: 0x200 + k }, `structural: filter pair ${k} (shift ${shift})`));
  }
}

/** A key of distinct, dense words (a const-key build keeps its own). */
function structuralKey(cfg: BuildConfig, p: Profile): Uint8Array {
  if (cfg.toeplitz === 'const-key') return p.key;
  const r = mulberry32(0x6b6579);
  // Bits 6, 3 and 0 of every byte set: no three key bits in a row are zero, so every
  // three-pair AND-XOR term of the hasher (gen/blocks/toeplitz.ts andXorTriples) has a key
  // bit that lets its data through, in every step and at every alignment.
  return Uint8Array.from({ length: 40 }, (_, i) => KEY_DENSE_BITS | (i % 4 === 0 ? 0x80 | (i * 7) : 1 + Math.floor(r() * 255)));
}

const KEY_DENSE_BITS = 0x49;

/** The indirection pattern of the prologue (its complement is the other pass). */
function tablePattern(cfg: BuildConfig): number[] {
  const qm = 2 ** cfg.queueBits - 1;
  return Array.from({ length: cfg.indirectionEntries }, (_, k) => (k * 0x25 + 0x13) & qm);
}

/** The control state of the prologue's filter and bound passes. */
export function structuralProfile(cfg: BuildConfig): Profile {
  const p = defaultProfile(cfg);
  return { ...p, key: structuralKey(cfg, p), indirection: tablePattern(cfg) };
}

/** A frame of every hash-input length under the key of distinct words. */
function keyPass(b: ScriptBuilder, p: Profile): void {
  const cfg = b.cfg;
  b.program(p, 'structural: a key of distinct words');
  const v4 = { src: '10.3.0.1', dst: '10.3.0.2' };
  const v6 = { src: '2001:db8::31', dst: '2001:db8::32' };
  const e: Layer = { kind: 'eth', dst: OTHER, src: OTHER };
  const stacks: [string, Layer[]][] = [
    ['ipv4 2-tuple', [e, { kind: 'ipv4', ...v4, proto: 1 }]],
    ['ipv4 4-tuple', [e, { kind: 'ipv4', ...v4 }, { kind: 'tcp', sport: 0xfedc, dport: 0xba98 }]],
    [
      'nvgre inner ipv4 4-tuple',
      [
        e,
        { kind: 'ipv4', ...v4 },
        { kind: 'nvgre', vsid: 3 },
        e,
        { kind: 'ipv4', src: '10.4.0.1', dst: '10.4.0.2' },
        { kind: 'udp', sport: 0x8001, dport: 0x7ffe },
      ],
    ],
  ];
  if (cfg.ipv6) {
    stacks.push(
      ['ipv6 2-tuple', [e, { kind: 'ipv6', ...v6, nextHeader: 58 }]],
      ['ipv6 4-tuple', [e, { kind: 'ipv6', ...v6 }, { kind: 'udp', sport: 0xffff, dport: 0x0001 }]],
      [
        'nvgre inner ipv6 4-tuple',
        [
          e,
          { kind: 'ipv4', ...v4 },
          { kind: 'nvgre', vsid: 4 },
          e,
          { kind: 'ipv6', src: 'fd00::41', dst: 'fd00::42' },
          { kind: 'tcp', sport: 0x1357, dport: 0x2468 },
        ],
      ],
    );
  }
  for (const [name, layers] of stacks)
    b.frame({ data: buildFrame([...layers, { kind: 'payload', bytes: 12 }]), macError: false, tag: `structural: key, ${name}` });
  // Random addresses and ports under the dense key: each three-pair term of each step meets
  // data that sets it, so a wrong operator in one term's sum shows.
  const r = mulberry32(0x6b657931);
  const byte = (): number => Math.floor(r() * 256);
  const ip4 = (): string => [byte(), byte(), byte(), byte()].join('.');
  const ip6 = (): string => Array.from({ length: 8 }, () => ((byte() << 8) | byte()).toString(16)).join(':');
  for (let k = 0; k < 32; k++) {
    const l4: Layer =
      k % 2
        ? { kind: 'tcp', sport: (byte() << 8) | byte(), dport: (byte() << 8) | byte() }
        : { kind: 'udp', sport: (byte() << 8) | byte(), dport: (byte() << 8) | byte() };
    const l3: Layer = cfg.ipv6 && k % 4 >= 2 ? { kind: 'ipv6', src: ip6(), dst: ip6() } : { kind: 'ipv4', src: ip4(), dst: ip4() };
    b.frame({ data: buildFrame([e, l3, l4, { kind: 'payload', bytes: 8 }]), macError: false, tag: 'structural: key, random 4-tuple' });
  }
}

/** Every decoded address the map does not let software write (ID, version, capabilities, counters). */
export function readOnlyAddresses(cfg: BuildConfig): number[] {
  return decodedAddresses(cfg).filter((a) => !writableAddress(a, cfg));
}

/**
 * Each low-region register (read-only and writable) moved into every other 1 KiB region
 * by one address bit (10..15), where the map decodes nothing: the region part of the
 * decode must reject it whatever the low bits say.
 */
export function aliasAddresses(cfg: BuildConfig): number[] {
  const low = [0, 0x10, ...SCALARS.map(([, a]) => a).slice(0, 2), KEY_BASE, COUNTER_BASE, COUNTER_BASE + 4 * (COUNTER_NAMES.length - 1)];
  const out: number[] = [];
  for (const a of low) for (let bit = 10; bit < 16; bit++) out.push(a | (1 << bit));
  return [...new Set(out)].filter((a) => registerName(a, cfg) === undefined);
}

/**
 * Writes to the read-only registers (answered SLVERR, nothing changes) and to the
 * aliases of the low region in the other regions (DECERR), each read back.
 */
function readOnlyPass(b: ScriptBuilder): void {
  const ro = readOnlyAddresses(b.cfg);
  b.write(
    ro.map((a) => ({ addr: a, data: 0xffffffff })),
    'structural: writes to the read-only registers',
  );
  b.read(ro, true);
  const alias = aliasAddresses(b.cfg);
  b.write(
    alias.map((a) => ({ addr: a, data: (0xa5a5a5a5 ^ a) >>> 0 })),
    'structural: low-region registers aliased into the other regions',
  );
  b.read(alias, true);
}

/**
 * A reset while every table holds written values (each filter slot a MAC-only filter),
 * then every register read, every indirection entry looked up and each slot's MAC sent:
 * entries kept in RAM with no reset of their own (a valid bit per entry) must read back,
 * look up and match as reset values, which a pass after the power-on reset (RAM still
 * zero) cannot tell.
 */
function resetAfterWritesPass(b: ScriptBuilder, written: Profile, cut: StimFrame): void {
  const cfg = b.cfg;
  b.program(written, 'structural: every table written before a reset');
  b.reset(1, 2, cut);
  b.read([...decodedAddresses(cfg), ...undecodedAddresses(cfg)], true);
  b.frame(runtFrame('structural: one partial beat right after a reset'));
  // And a tlast in the very first cycle after a reset, before anything else: the spacing
  // of tlast beats that a multi-cycle hasher needs restarts from reset too.
  b.reset(1, 2, cut);
  b.frame(runtFrame('structural: one partial beat in the first cycle after a reset'));
  const zero = new Array<number>(cfg.indirectionEntries).fill(0);
  b.programChanges(
    { ...written, rssEnable: true, vmqEnable: true, indirection: zero, filters: defaultProfile(cfg).filters },
    'structural: RSS and VMQ on, the tables as the reset left them',
  );
  for (const f of entryFrames(cfg, b.profile)) b.frame({ ...f, tag: `${f.tag} (after a reset)` });
  for (let i = 0; i < cfg.vmqFilters; i++) b.frame(filterFrame(slotMac(i), {}, `structural: filter ${i}'s MAC after a reset`));
}

/** One byte lane at a time into every writable register of one kind, each read back. */
function strobePass(b: ScriptBuilder, restore: Profile): void {
  const cfg = b.cfg;
  const addrs = [...SCALARS.map(([, a]) => a), ...(cfg.toeplitz !== 'const-key' ? Array.from({ length: KEY_WORDS }, (_, k) => KEY_BASE + 4 * k) : [])];
  addrs.push(INDIRECTION_BASE, INDIRECTION_BASE + 4 * (cfg.indirectionEntries - 1));
  if (cfg.udpTunnelPorts > 0) addrs.push(...new Set([TUNNEL_BASE, TUNNEL_BASE + 4 * (cfg.udpTunnelPorts - 1)]));
  for (const i of [0, cfg.vmqFilters - 1]) for (let w = 0; w < FILTER_WORDS.length; w++) addrs.push(FILTER_BASE + FILTER_STRIDE * i + 4 * w);
  for (const a of addrs) {
    for (let lane = 0; lane < 4; lane++) {
      b.write(
        [{ addr: a, data: (0x5a5a5a5a ^ Math.imul(a + 1, 0x01030507) ^ (0x11 << (8 * lane))) >>> 0, strb: 1 << lane }],
        `structural: byte lane ${lane} of 0x${a.toString(16)}`,
      );
      b.read([a], true);
    }
  }
  // Writes the map does not decode change nothing (the final read of every register shows it).
  b.write(
    undecodedAddresses(cfg).map((a) => ({ addr: a, data: 0xffffffff })),
    'structural: writes to undecoded addresses',
  );
  b.read(undecodedAddresses(cfg), true);
  b.program(restore, 'structural: back after the byte-lane writes');
}

interface Named {
  name?: string;
  layer: Layer;
}

/** Layer stacks that put every header layer the build parses at the end of a frame. */
function boundStacks(cfg: BuildConfig): Named[][] {
  const e = (name: string): Named => ({ name, layer: { kind: 'eth', dst: OTHER, src: OTHER } });
  const v4 = (name: string, options = 0): Named => ({
    name,
    layer: { kind: 'ipv4', src: '10.5.0.1', dst: '10.5.0.2', options: new Array<number>(options).fill(1) },
  });
  const v6 = (name: string): Named => ({ name, layer: { kind: 'ipv6', src: '2001:db8::51', dst: '2001:db8::52' } });
  const tcp = (name: string): Named => ({ name, layer: { kind: 'tcp', sport: 11, dport: 12 } });
  const udp = (name: string): Named => ({ name, layer: { kind: 'udp', sport: 13, dport: 14 } });
  const vlan = (name: string, vid: number): Named => ({ name, layer: { kind: 'vlan', vid } });
  const out: Named[][] = [
    [e('outer ethernet'), vlan('outer VLAN tag 1', 3), vlan('outer VLAN tag 2', 4), v4('outer IPv4 with options', 40), tcp('TCP')],
    [e('outer ethernet'), v4('outer IPv4 with options', 16), udp('UDP')],
    [
      e('outer ethernet'),
      v4('outer IPv4'),
      { name: 'GRE with C, K and S', layer: { kind: 'gre', checksum: true, key: 5, seq: 6 } },
      e('inner ethernet'),
      vlan('inner VLAN tag', 7),
      v4('inner IPv4'),
      udp('inner UDP'),
    ],
    [
      e('outer ethernet'),
      v4('outer IPv4', 24),
      { name: 'NVGRE', layer: { kind: 'nvgre', vsid: 0x51 } },
      e('inner ethernet'),
      v4('inner IPv4', 8),
      tcp('inner TCP'),
    ],
    [e('outer ethernet'), v4('outer IPv4', 20), { name: 'GRE', layer: { kind: 'gre' } }, v4('inner IPv4 (IP in GRE)'), tcp('inner TCP')],
    // Each Ethernet header length (untagged, one tag, two tags) ending the frame with a
    // type that is not IP: complete, the frame has no error; one byte short, truncated.
    [{ name: 'outer ethernet (then not IP)', layer: { kind: 'eth', dst: OTHER, src: OTHER } }],
    [e(''), vlan('outer VLAN tag 1 (then not IP)', 3)],
    [e(''), vlan('', 3), vlan('outer VLAN tag 2 (then not IP)', 4)],
    // The GRE base header's own bound (4 bytes, checked before the flags that size the
    // rest): a nonzero Version ends the parse only when the 4 bytes are all there, so cut
    // one byte short the packet must still be truncated (or too deep), never "not GRE v0".
    [e('outer ethernet'), v4('outer IPv4 with options', 28), { name: 'GRE base header (version 1)', layer: { kind: 'gre', version: 1 } }],
  ];
  if (cfg.ipv6) {
    const ext = (k: number, type: number, length: number): Named => ({ name: `outer IPv6 extension header ${k}`, layer: { kind: 'ipv6-ext', type, length } });
    const chain = [ext(1, 0, 8), ext(2, 43, 16), ext(3, 60, 8), ext(4, 60, 24)].slice(0, cfg.ipv6MaxExtHeaders);
    // Each extension header as the last one needed (No Next Header, 59, behind it): cut
    // inside it the packet is truncated, complete it is not. Behind a header that another
    // follows, both sides are truncated and the bound would not show.
    for (let k = 1; k <= chain.length; k++) {
      const last = chain[k - 1]!;
      out.push([
        e('outer ethernet'),
        v6('outer IPv6'),
        ...chain.slice(0, k - 1),
        { name: `${last.name} (last)`, layer: { ...(last.layer as Extract<Layer, { kind: 'ipv6-ext' }>), nextHeader: 59 } },
      ]);
      // A Fragment header in the same slot: its 8 bytes are all its bound checks.
      out.push([
        e('outer ethernet'),
        v6('outer IPv6'),
        ...chain.slice(0, k - 1),
        { name: `outer IPv6 Fragment header in slot ${k}`, layer: { kind: 'ipv6-frag', nextHeader: 59 } },
      ]);
    }
    out.push(
      [e('outer ethernet'), v6('outer IPv6'), ...chain, tcp('TCP')],
      [e('outer ethernet'), v6('outer IPv6'), { name: 'NVGRE', layer: { kind: 'nvgre', vsid: 0x52 } }, e('inner ethernet'), v6('inner IPv6'), udp('inner UDP')],
      [e('outer ethernet'), v6('outer IPv6'), ...chain.slice(0, 1), { name: 'GRE', layer: { kind: 'gre' } }, v6('inner IPv6 (IP in GRE)'), tcp('inner TCP')],
    );
  }
  out.push(...tunnelBoundStacks(cfg));
  return out;
}

/** The four sides of a layer's bound, as frame tags (and coverage bins). */
export const BOUND_SIDES = [
  'ends at the frame end',
  'one byte past the frame end',
  'ends at max_header_bytes',
  'one byte past max_header_bytes',
  'ends at the frame end, one byte past max_header_bytes',
] as const;

/**
 * Frames that put each layer's end at the frame end and one byte past it, and (where the
 * register can hold the value) at max_header_bytes and one byte past it. A side is kept
 * only when the reference engine tells its two frames apart, so the bound matters.
 */
export function boundCases(cfg: BuildConfig, base: Profile): { tag: string; data: Uint8Array; maxHeaderBytes: number }[] {
  const out: { tag: string; data: Uint8Array; maxHeaderBytes: number }[] = [];
  const engine = (mhb: number): RefEngine => new RefEngine({ ...base, maxHeaderBytes: mhb }, cfg);
  const limit = Math.min(base.maxHeaderBytes, cfg.maxHeaderBytes);
  const full = engine(limit);
  const same = (a: MetaRecord, b: MetaRecord): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const stack of boundStacks(cfg)) {
    const data = buildFrame([...stack.map((s) => s.layer), { kind: 'payload', bytes: 6 }]);
    let end = 0;
    for (const s of stack) {
      end += layerSize(s.layer);
      if (!s.name || end > cfg.maxHeaderBytes) continue;
      const at = data.slice(0, end);
      const short = data.slice(0, end - 1);
      if (!same(full.classify(at), full.classify(short))) {
        out.push(
          { tag: `bounds ${s.name}: ${BOUND_SIDES[0]}`, data: at, maxHeaderBytes: limit },
          { tag: `bounds ${s.name}: ${BOUND_SIDES[1]}`, data: short, maxHeaderBytes: limit },
        );
      }
      if (end - 1 >= 64 && !same(engine(end).classify(data), engine(end - 1).classify(data))) {
        out.push(
          { tag: `bounds ${s.name}: ${BOUND_SIDES[2]}`, data, maxHeaderBytes: end },
          { tag: `bounds ${s.name}: ${BOUND_SIDES[3]}`, data, maxHeaderBytes: end - 1 },
        );
      }
      // Both limits at once: which one cut the header decides truncated against too_deep.
      if (end - 1 >= 64 && !same(engine(end - 1).classify(at), full.classify(short))) {
        out.push({ tag: `bounds ${s.name}: ${BOUND_SIDES[4]}`, data: at, maxHeaderBytes: end - 1 });
      }
    }
  }
  return out;
}

/** The whole prologue; the caller programs its own profile afterwards. */
export function structuralPrologue(b: ScriptBuilder): void {
  const cfg = b.cfg;
  // Reset values of every register, and what the undecoded addresses answer.
  b.read([...decodedAddresses(cfg), ...undecodedAddresses(cfg)], true);
  // A frame of one partial beat first: its length comes from the beat counter as reset left it.
  b.frame(runtFrame('structural: one partial beat right after reset'));
  resetTablePass(b);
  const qm = 2 ** cfg.queueBits - 1;
  const zero = new Array<number>(cfg.indirectionEntries).fill(0);
  // The filters first, so that a table write that reaches a filter register shows when they are read back.
  const tables: Profile = { ...defaultProfile(cfg), indirection: zero, filters: slotFilters(cfg) };
  // Only the changes: the table keeps what reset left in it (zeros).
  b.programChanges(tables, 'structural: RSS on, every filter slot, the table as reset left it');
  const entries = entryFrames(cfg, b.profile);
  for (const f of entries) b.frame(f);
  const pattern = tablePattern(cfg);
  for (const [name, table] of [
    ['pattern', pattern],
    ['complement', pattern.map((v) => ~v & qm)],
  ] as const) {
    b.program({ ...tables, indirection: table }, `structural: indirection ${name}`);
    for (const f of entries) b.frame({ ...f, tag: `${f.tag} (${name})` });
  }
  // Every smaller table size: the entries above it fold onto the ones below.
  for (let bits = 1; bits < log2(cfg.indirectionEntries); bits++) {
    b.program({ ...tables, indirection: pattern.slice(0, 1 << bits) }, `structural: ${1 << bits} indirection entries in use`);
    for (const k of [(1 << bits) + 1, cfg.indirectionEntries - 1]) b.frame({ ...entries[k]!, tag: `structural: entry ${k} folded onto ${1 << bits} entries` });
  }
  const base = structuralProfile(cfg);
  keyPass(b, { ...base, filters: tables.filters });
  filterPasses(b, base);
  extensionSlotPass(b);
  strobePass(b, b.profile);
  for (const c of boundCases(cfg, base)) {
    if (b.profile.maxHeaderBytes !== c.maxHeaderBytes)
      b.program({ ...base, maxHeaderBytes: c.maxHeaderBytes }, `structural: max_header_bytes ${c.maxHeaderBytes}`);
    b.frame({ data: c.data, macError: false, tag: c.tag });
  }
  readOnlyPass(b);
  // Whatever the prologue wrote reached only its own register.
  b.read(decodedAddresses(cfg), true);
  const long = buildFrame([
    { kind: 'eth', dst: OTHER, src: OTHER },
    { kind: 'ipv4', src: '10.8.0.1', dst: '10.8.0.2' },
    { kind: 'payload', bytes: 200 },
  ]);
  const macOnly = Array.from({ length: cfg.vmqFilters }, (_, i) => filterOf(slotMac(i), q1(cfg, i) | 1, {}));
  resetAfterWritesPass(b, { ...base, indirection: pattern.map((v) => v | 1), filters: macOnly }, { data: long, macError: false, tag: '' });
}

/** How many frames the prologue sends in a build (run summaries count them with the rest). */
export function prologueFrames(cfg: BuildConfig): number {
  const b = new ScriptBuilder(cfg, mulberry32(1));
  structuralPrologue(b);
  return b.frames;
}
