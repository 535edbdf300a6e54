// SPDX-License-Identifier: MIT
// Constrained-random stimulus: frames mixing every encapsulation, VLAN stack, fragment,
// extension chain and malformation, with register rewrites between and during frames,
// MAC errors and resets, all from one seed so that any failure replays exactly.

import type { BuildConfig } from '../../gen/config.ts';
import { COUNTER_BASE, COUNTER_NAMES } from '../../gen/regmap.ts';
import { ALL_HASH_TYPES, HASH_TYPE } from '../../ref/hash-types.ts';
import { mulberry32, randomLayers, type Layer, type Rand } from '../../ref/packets/index.ts';
import { defaultProfile, type Filter, type Profile, type UdpTunnel } from '../../ref/profile.ts';
import { ScriptBuilder } from './script-builder.ts';
import { decodedAddresses, entryFrames, runtFrame, structuralPrologue } from './structural.ts';
import { randomDeepFrame, deepGroups } from './deep-groups.ts';
import { directedFor, wideFilterGroup, type DirectedGroup } from './directed.ts';
import { csrEdgeGroups, randomEdgeWrites } from './edges.ts';
import { tunnelAtomicity, tunnelGroups } from './tunnels.ts';
import { frameOf, type CsrWrite, type Script, type ScriptItem, type StimFrame } from './script.ts';

export interface RandomOptions {
  frames: number;
  /** Include the directed groups first (default true). */
  directed?: boolean;
  /** Per-frame probabilities of control events (defaults in DEFAULT_RATES). */
  rates?: Partial<typeof DEFAULT_RATES>;
}

export const DEFAULT_RATES = {
  rewriteBetween: 0.004,
  rewriteDuring: 0.004,
  reset: 0.0005,
  macError: 0.02,
  cut: 0.04,
  badIp: 0.02,
  jumbo: 0.01,
  greOddProto: 0.03,
  /** Of the encapsulated random frames, VXLAN/GENEVE on the IANA ports instead of GRE (builds with a tunnel port table). */
  udpTunnel: 0.3,
  /** Frames whose needed headers end in the deepest 64 bytes of the window or just past it (tb/stimulus/deep-groups.ts). */
  deep: 0.03,
  /** Per frame: register writes past a clamp or mask bound (tb/stimulus/edges.ts), then read back. */
  csrEdge: 0.002,
  /** A read of the counters every this many frames. */
  readEvery: 5000,
};

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const VLANS = [0, 5, 100, 4095];
const VSIDS = [0, 1, 4096];

function mac(n: number): Uint8Array {
  return Uint8Array.of(0x02, 0, 0, 0, 0, n);
}

/** Filters over the MAC space of ref/packets randomLayers, with VLAN/VSID conditions that traffic meets. */
export function randomFilters(r: Rand, cfg: BuildConfig): Filter[] {
  const n = 1 + int(r, cfg.vmqFilters);
  return Array.from({ length: n }, () => ({
    valid: r() < 0.9,
    mac: mac(1 + int(r, 4)),
    matchVlan: r() < 0.3,
    vlanId: pick(r, VLANS),
    matchVsid: r() < 0.3,
    vsid: pick(r, VSIDS),
    queue: int(r, 2 ** cfg.queueBits),
  }));
}

/**
 * Filters that always hold a valid VLAN condition and a valid VSID condition on one MAC
 * that no condition-free entry catches: otherwise the miss-by-condition paths depend on
 * the seed's luck (with up to 16 random entries every MAC tends to have a plain one).
 * The other MACs keep their entries, so frames matching filters in both halves of the
 * table (priority across groups) stay common.
 */
function withConditions(r: Rand, fs: Filter[], cfg: BuildConfig): Filter[] {
  const out: Filter[] = fs.map((f) => ({ ...f, mac: f.mac.slice() }));
  const vl = out.find((f) => f.valid && f.matchVlan);
  const m = vl ? vl.mac : mac(1 + int(r, 4));
  const put = (f: Filter): void => {
    if (out.length < cfg.vmqFilters) out.push(f);
    else out[int(r, out.length)] = f;
  };
  if (!vl) put({ valid: true, mac: m.slice(), matchVlan: true, vlanId: pick(r, VLANS), matchVsid: false, vsid: 0, queue: int(r, 2 ** cfg.queueBits) });
  if (!out.some((f) => f.valid && f.matchVsid))
    put({ valid: true, mac: m.slice(), matchVlan: false, vlanId: 0, matchVsid: true, vsid: pick(r, VSIDS), queue: int(r, 2 ** cfg.queueBits) });
  const same = (a: Uint8Array): boolean => a.every((b, i) => b === m[i]);
  for (const f of out) if (f.valid && !f.matchVlan && !f.matchVsid && same(f.mac)) f.valid = false;
  return out;
}

/** A random tunnel port table: the IANA ports, Linux's VXLAN port 8472 or port 0, either type, some entries invalid. */
function randomTunnels(r: Rand, cfg: BuildConfig): UdpTunnel[] {
  return Array.from({ length: cfg.udpTunnelPorts }, (): UdpTunnel => ({
    valid: r() < 0.7,
    port: pick(r, [4789, 6081, 8472, 0]),
    type: r() < 0.5 ? 'vxlan' : 'geneve',
  }));
}

/** One random change of the control state, described for logs. */
export function randomRewrite(r: Rand, cur: Profile, cfg: BuildConfig): { profile: Profile; why: string } {
  const p: Profile = { ...cur, key: cur.key.slice(), indirection: cur.indirection.slice(), filters: cur.filters.map((f) => ({ ...f, mac: f.mac.slice() })) };
  const q = (): number => int(r, 2 ** cfg.queueBits);
  const what = pick(r, [
    ...(['key', 'indirection', 'filters', 'enables', 'hash-types', 'defaults', 'max-header', 'default-profile'] as const),
    ...(cfg.udpTunnelPorts > 0 ? (['tunnels'] as const) : []),
  ]);
  switch (what) {
    case 'key':
      if (cfg.toeplitz !== 'const-key') p.key = Uint8Array.from({ length: 40 }, () => int(r, 256));
      else p.indirection = p.indirection.map(() => q());
      break;
    case 'indirection': {
      const bits = 1 + int(r, Math.log2(cfg.indirectionEntries));
      p.indirection = Array.from({ length: 1 << bits }, () => q());
      break;
    }
    case 'filters':
      p.filters = withConditions(r, randomFilters(r, cfg), cfg);
      break;
    case 'enables':
      p.rssEnable = r() < 0.8;
      p.vmqEnable = r() < 0.8;
      p.encapRssEnable = r() < 0.7;
      p.encapVmqEnable = r() < 0.7;
      break;
    case 'hash-types': {
      const all = Object.values(HASH_TYPE);
      p.hashTypes = r() < 0.3 ? ALL_HASH_TYPES : all.filter(() => r() < 0.5).reduce((m, t) => m | t, 0);
      break;
    }
    case 'defaults':
      p.rssDefaultQueue = q();
      p.vmqDefaultQueue = q();
      break;
    case 'max-header':
      p.maxHeaderBytes = 64 + int(r, cfg.maxHeaderBytes - 63);
      break;
    case 'tunnels':
      p.udpTunnels = randomTunnels(r, cfg);
      break;
    case 'default-profile':
      return { profile: { ...defaultProfile(cfg), filters: p.filters }, why: 'back to the default profile' };
  }
  return { profile: p, why: what };
}

function mutate(r: Rand, layers: Layer[], rates: typeof DEFAULT_RATES): Layer[] {
  return layers.map((l) => {
    if (l.kind === 'vlan' && r() < 0.7) return { ...l, vid: pick(r, VLANS) };
    if (l.kind === 'gre' && r() < rates.greOddProto) return { ...l, protocol: pick(r, [0x880b, 0x0806, 0x86dd, 0x0800]) };
    if (l.kind === 'nvgre' && r() < 0.5) return { ...l, vsid: pick(r, VSIDS) };
    return l;
  });
}

/**
 * One random frame: a random layer stack, sometimes cut, made malformed, or long, or a
 * deep one ending near `limit` (the max_header_bytes in force; the build's window by default).
 */
export function randomFrame(r: Rand, cfg: BuildConfig, rates: typeof DEFAULT_RATES = DEFAULT_RATES, limit = cfg.maxHeaderBytes): StimFrame {
  if (r() < rates.deep) {
    const d = randomDeepFrame(r, cfg, limit);
    if (d) return { ...d, macError: r() < rates.macError };
  }
  const jumbo = r() < rates.jumbo;
  let layers = mutate(
    r,
    randomLayers(r, {
      ipv6: cfg.ipv6,
      encapRate: 0.55,
      oddRate: 0.15,
      maxPayload: jumbo ? 1500 : 48,
      udpTunnelRate: cfg.udpTunnelPorts > 0 ? rates.udpTunnel : 0,
    }),
    rates,
  );
  let tag = 'random';
  if (r() < rates.badIp) {
    const ips = layers.map((l, i) => (l.kind === 'ipv4' || l.kind === 'ipv6' ? i : -1)).filter((i) => i >= 0);
    const i = pick(r, ips);
    const l = layers[i]!;
    const bad: Layer =
      l.kind === 'ipv4'
        ? r() < 0.5
          ? { ...l, version: pick(r, [0, 5, 6, 15]) }
          : { ...l, ihl: int(r, 5) }
        : l.kind === 'ipv6'
          ? { ...l, version: pick(r, [0, 4, 7]) }
          : l;
    layers = layers.map((x, j) => (j === i ? bad : x));
    tag = 'random-bad-ip';
  }
  const f = frameOf(layers, tag, { macError: r() < rates.macError });
  if (r() < rates.cut && f.data.length > 1) return { ...f, data: f.data.slice(0, 1 + int(r, f.data.length - 1)), tag: 'random-cut' };
  return f;
}

function counterReads(): ScriptItem {
  return { k: 'read', addrs: COUNTER_NAMES.map((_, k) => COUNTER_BASE + 4 * k) };
}

/**
 * A whole regression script for one seed: program the default profile (plus random
 * filters) over the CSRs, the directed groups, then random frames with rewrites,
 * resets and counter reads mixed in.
 */
export function randomScript(seed: number, cfg: BuildConfig, opts: RandomOptions): Script {
  const r = mulberry32(seed);
  const rates = { ...DEFAULT_RATES, ...opts.rates };
  const b = new ScriptBuilder(cfg, r);
  const items = b.items;
  const program = (p: Profile, why: string, during = false): void => {
    b.program(p, why, during);
  };
  // Writes a Profile cannot express (values past clamp/mask bounds), each read back after.
  const programRaw = (writes: CsrWrite[], why: string, during = false): Profile => {
    const profile = b.write(writes, why, during);
    b.read([...new Set(writes.map((w) => w.addr))]);
    return profile;
  };
  // Every structural element of the build first, so that a short run touches them all.
  if (opts.directed !== false) structuralPrologue(b);
  const base: Profile = { ...defaultProfile(cfg), filters: withConditions(r, randomFilters(r, cfg), cfg) };
  program(base, 'default profile and random filters');
  let frames = 0;
  if (opts.directed !== false) {
    const groups: DirectedGroup[] = [...directedFor(cfg), wideFilterGroup(cfg), ...deepGroups(cfg), ...csrEdgeGroups(cfg), ...tunnelGroups(cfg)];
    for (const g of groups) {
      const gp = g.profile(cfg);
      program(gp, `directed group ${g.name}`);
      if (g.raw) programRaw(g.raw, `directed group ${g.name}: out-of-range writes`);
      for (const c of g.cases) {
        items.push({ k: 'frame', frame: c.frame });
        frames++;
      }
    }
    tunnelAtomicity(b);
    program(base, 'back to the default profile');
  }
  let cur: Profile = base;
  const limit = (): number => Math.min(cur.maxHeaderBytes, cfg.maxHeaderBytes);
  const edgeWrites = (during: boolean): void => {
    cur = programRaw(randomEdgeWrites(r, cfg), 'out-of-range writes', during);
  };
  // Every control event once early on, so even a short run covers them.
  const early = (): void => {
    const w = randomRewrite(r, cur, cfg);
    cur = w.profile;
    program(cur, `${w.why} (early)`, true);
    items.push({ k: 'frame', frame: randomFrame(r, cfg, rates, limit()) });
    edgeWrites(true);
    items.push({ k: 'frame', frame: randomFrame(r, cfg, rates, limit()) });
    frames++;
    // A long metadata stall with more frames than the FIFO and the pipeline hold:
    // s_axis_tready drops. All 96 in any run asked for that many frames, even when its
    // directed groups already use up the count (the run is then a little longer than asked).
    items.push({ k: 'stall', cycles: 4000 });
    const burst = opts.frames >= 96 ? 96 : Math.max(0, opts.frames - frames);
    for (let i = 0; i < burst; i++, frames++) items.push({ k: 'frame', frame: randomFrame(r, cfg, rates, limit()) });
    // Too few frames to fill the pipeline behind the stall: let it pass first, or the reset
    // below would discard the records of the directed frames still held in the FIFO.
    if (burst < 96) items.push({ k: 'idle', cycles: 4200 });
    // The reset comes after the burst, not a few hundred cycles into the script: a soak
    // chunk (tb/fuzz/soak.ts) starts right after the previous chunk's counter reads, whose
    // records a reset that early would often discard.
    b.reset(1, 2, randomFrame(r, cfg, rates));
    // Every register as this reset left it: the RAM tables keep their contents through a
    // reset, so only their valid bits make them read 0.
    b.read(decodedAddresses(cfg), true);
    items.push({ k: 'frame', frame: runtFrame('one partial beat right after a reset') });
    // RSS on with the key reset left (zero: every hash 0), before anything else is written.
    b.programChanges({ ...b.profile, rssEnable: true, hashTypes: cur.hashTypes }, 'RSS on with the key at its reset value');
    items.push({ k: 'frame', frame: randomFrame(r, cfg, rates, limit()) });
    // Then a key, and every table entry looked up as this reset left it (a write in flight
    // when reset came must not land after it).
    const keyed = b.programChanges(
      { ...b.profile, key: defaultProfile(cfg).key, hashTypes: defaultProfile(cfg).hashTypes },
      'a key, the table as reset left it',
    );
    for (const f of entryFrames(cfg, keyed)) items.push({ k: 'frame', frame: { ...f, tag: `${f.tag} after a reset` } });
    program(cur, 'reprogram after reset');
    frames++;
  };
  if (opts.frames > 0) early();
  while (frames < opts.frames) {
    const x = r();
    if (x < rates.rewriteBetween) {
      const w = randomRewrite(r, cur, cfg);
      cur = w.profile;
      program(cur, w.why);
    } else if (x < rates.rewriteBetween + rates.rewriteDuring) {
      const w = randomRewrite(r, cur, cfg);
      cur = w.profile;
      program(cur, w.why, true);
    } else if (x < rates.rewriteBetween + rates.rewriteDuring + rates.reset) {
      // The frame after the reset item is cut by it (never classified); reset clears
      // the registers, so the current state is programmed again before traffic goes on.
      const atBeat = int(r, 3);
      b.reset(atBeat, 1 + int(r, 3), randomFrame(r, cfg, rates));
      program(cur, 'reprogram after reset');
    } else if (x < rates.rewriteBetween + rates.rewriteDuring + rates.reset + rates.csrEdge) edgeWrites(r() < 0.5);
    if (frames > 0 && frames % rates.readEvery === 0) items.push(counterReads());
    items.push({ k: 'frame', frame: randomFrame(r, cfg, rates, limit()) });
    frames++;
  }
  items.push({ k: 'idle', cycles: 64 });
  items.push(counterReads());
  return { items, seed };
}
