// SPDX-License-Identifier: MIT
// nvgre_rx_rss_select: the RSS decision of docs/CONTRACT.md section 3 and the VMQ key of section 4,
// one register stage after the parser. It picks what to hash (plain 4-tuple/2-tuple,
// encapsulated inner 4-tuple or outer 2-tuple fallback, or nothing), lays the bytes out
// as the Toeplitz input (byte 0 in the MSBs, unused bytes zero: a zero bit adds nothing
// to a Toeplitz hash) and reports the NDIS hash type and the hash_input kind.

import type { BuildConfig } from '../config.ts';
import { ENCAP, HASH_INPUT, HASH_TYPE_FLAG, hashInputKey, IPPROTO } from '../../ref/constants.ts';
import { cat, type Expr, lit, mux, named } from '../ir/expr.ts';
import { Layout } from '../ir/layout.ts';
import { Module } from '../ir/module.ts';
import type { HashTypeName } from '../../ref/hash-types.ts';
import type { HashInput } from '../../ref/record.ts';
import { addrBytes, type FieldSpec, parsedFields } from './parser-fields.ts';

/** The configuration snapshot carried with each frame, LSB first as packed in `side`. */
export function sideLayout(c: BuildConfig): Layout {
  return new Layout([
    { name: 'user', width: 1 },
    { name: 'rss_enable', width: 1 },
    { name: 'vmq_enable', width: 1 },
    { name: 'encap_rss_enable', width: 1 },
    { name: 'encap_vmq_enable', width: 1 },
    { name: 'hash_types', width: 16 },
    { name: 'rss_default_queue', width: c.queueBits },
    { name: 'vmq_default_queue', width: c.queueBits },
    { name: 'indirection_bits', width: 3 },
  ]);
}

/** Outputs besides the hash input and VMQ key: what the record needs later. */
export function rssSelectOutputs(c: BuildConfig): FieldSpec[] {
  const ob = parsedFields(c, 1).find((f) => f.name === 'l3_off')!.width;
  return [
    { name: 'hash_valid', width: 1 },
    { name: 'hash_type', width: 16 },
    { name: 'hash_input', width: 3 },
    { name: 'encap', width: c.udpTunnelPorts > 0 ? 3 : 2 },
    { name: 'inner_parsed', width: 1 },
    { name: 'vsid', width: 24 },
    { name: 'flowid', width: 8 },
    { name: 'outer_l3_offset', width: ob },
    { name: 'inner_l2_offset', width: ob },
    { name: 'inner_l3_offset', width: ob },
    { name: 'inner_l4_offset', width: ob },
    { name: 'length', width: 16 },
    { name: 'errors', width: 4 },
    { name: 'rss_default_queue', width: c.queueBits },
    { name: 'vmq_default_queue', width: c.queueBits },
    { name: 'indirection_bits', width: 3 },
  ];
}

export function rssSelectModule(c: BuildConfig): { module: Module; latency: number; inBytes: number } {
  const side = sideLayout(c);
  const inBytes = c.ipv6 ? 36 : 12;
  const ab = addrBytes(c);
  const m = new Module('nvgre_rx_rss_select', [
    'NVGRE receive classifier: RSS hash-input selection (plain 4-tuple / 2-tuple,',
    'encapsulated inner 4-tuple or outer 2-tuple fallback, enabled hash types) and the',
    'VMQ lookup key (inner MAC/VLAN/VSID when encapsulated VMQ applies, else outer).',
    'All outputs are registered, one cycle after in_valid.',
  ]);
  const inValid = m.input('in_valid', 1);
  const f: Record<string, Expr> = {};
  for (const p of parsedFields(c, side.width)) f[p.name] = m.input(`in_${p.name}`, p.width);
  const sf = side.view(m, f.side!, 'in_side');

  const types = sf('hash_types');
  const l3 = f.l3_v4!.or(f.l3_v6!);
  const encapRss = f.encap!.ne(named(ENCAP, 'NONE', f.encap!.width)).and(sf('encap_rss_enable'));
  const t = (k: HashTypeName): Expr => named(HASH_TYPE_FLAG, k);
  const l4type = (v4: Expr, proto: Expr): Expr =>
    mux(proto.eq(named(IPPROTO, 'TCP')), mux(v4, t('TCP_IPV4'), t('TCP_IPV6')), mux(v4, t('UDP_IPV4'), t('UDP_IPV6')));
  const innerType = m.wire('inner_l4_type', l4type(f.inner_v4!, f.inner_proto!));
  const outerL4Type = m.wire('outer_l4_type', l4type(f.l3_v4!, f.proto!));
  const outer2Type = m.wire('outer_2tuple_type', mux(f.l3_v4!, t('IPV4'), t('IPV6')));
  const on = m.wire('rss_on', sf('rss_enable').and(l3));
  // inner_l4_ok / l4_ok already imply TCP or UDP, complete, after an unfragmented header.
  const inner4 = m.wire('use_inner_4tuple', on.and(encapRss).and(f.inner_l4_ok!).and(innerType.and(types).any()));
  const plain4 = m.wire('use_4tuple', on.and(encapRss.not()).and(f.l4_ok!).and(outerL4Type.and(types).any()));
  const two = m.wire('use_2tuple', on.and(inner4.not()).and(plain4.not()).and(outer2Type.and(types).any()));

  const code = (n: HashInput): Expr => named(HASH_INPUT, hashInputKey(n));
  const hashInput = mux(inner4, code('inner-4tuple'), mux(plain4, code('4tuple'), mux(two, mux(encapRss, code('outer-2tuple'), code('2tuple')), code('none'))));
  const hashType = mux(inner4, innerType, mux(plain4, outerL4Type, mux(two, outer2Type, lit(0, 16))));

  // Toeplitz input: addresses, then ports for a 4-tuple; an IPv4 pair is 8 bytes.
  const useInner = inner4;
  const addr = m.wire('hash_addr', mux(useInner, f.i_addr!, f.o_addr!));
  const ports = mux(useInner, f.i_ports!, mux(plain4, f.o_ports!, lit(0, 32)));
  const v4 = mux(useInner, f.inner_v4!, f.l3_v4!);
  const any = inner4.or(plain4).or(two);
  let data: Expr;
  if (c.ipv6) {
    const a4 = cat(addr.slice(8 * ab - 1, 8 * ab - 64), ports, lit(0, 8 * (inBytes - 12)));
    const a6 = cat(addr, ports);
    data = mux(v4, a4, a6);
  } else {
    data = cat(addr, ports);
  }
  const hashData = m.wire('hash_data', mux(any, data, lit(0, 8 * inBytes)));

  // VMQ key (docs/CONTRACT.md section 4): the inner Ethernet header when encapsulated VMQ applies.
  const nvgre = m.wire('is_nvgre', f.encap!.eq(named(ENCAP, 'NVGRE', f.encap!.width)));
  // The record's VSID: NVGRE's, or a VXLAN/GENEVE VNI the parser accepted (docs/CONTRACT.md section 8.5).
  const vni = f.vni_ok ? m.wire('has_vni', f.vni_ok) : undefined;
  const hasVsid = vni ? m.wire('has_vsid', nvgre.or(vni)) : nvgre;
  const vsid = vni ? mux(vni, f.vni!, f.vsid!) : f.vsid!;
  const inner = m.wire(
    'vmq_inner',
    f
      .encap!.ne(named(ENCAP, 'NONE', f.encap!.width))
      .and(sf('encap_vmq_enable'))
      .and(f.inner_eth!),
  );
  const ob = rssSelectOutputs(c)[7]!.width;
  const off = (e: Expr): Expr => e.resize(ob);

  const regs: [string, number, Expr][] = [
    ['valid', 1, inValid],
    ['hash_data', 8 * inBytes, hashData],
    ['vmq_enable', 1, sf('vmq_enable').and(f.eth!)],
    ['vmq_mac', 48, mux(inner, f.inner_mac!, f.mac!)],
    ['vmq_has_vlan', 1, mux(inner, f.inner_vlan_valid!, f.vlan_valid!)],
    ['vmq_vlan', 12, mux(inner, f.inner_vlan!, f.vlan!)],
    ['vmq_has_vsid', 1, inner.and(hasVsid)],
    ['vmq_vsid', 24, vsid],
    ['hash_valid', 1, any],
    ['hash_type', 16, hashType],
    ['hash_input', 3, hashInput],
    ['encap', f.encap!.width, f.encap!],
    ['inner_parsed', 1, f.inner_v4!.or(f.inner_v6!)],
    // The parser's streaming build leaves the GRE key bytes raw: zero them unless NVGRE.
    ['vsid', 24, mux(hasVsid, vsid, lit(0, 24))],
    ['flowid', 8, mux(nvgre, f.flowid!, lit(0, 8))],
    ['outer_l3_offset', ob, mux(l3, off(f.l3_off!), lit(0, ob))],
    ['inner_l2_offset', ob, mux(f.inner_eth!, off(f.inner_l2_off!), lit(0, ob))],
    ['inner_l3_offset', ob, mux(f.inner_v4!.or(f.inner_v6!), off(f.inner_l3_off!), lit(0, ob))],
    ['inner_l4_offset', ob, mux(f.inner_l4_ok!, off(f.inner_l4_off!), lit(0, ob))],
    ['length', 16, f.len!],
    ['errors', 4, cat(sf('user'), f.err!)],
    ['rss_default_queue', c.queueBits, sf('rss_default_queue')],
    ['vmq_default_queue', c.queueBits, sf('vmq_default_queue')],
    ['indirection_bits', 3, sf('indirection_bits')],
  ];
  const outs = regs.map(([name, w, e]) => {
    const r = m.reg(`${name}_reg`, w, name === 'valid' ? 0 : undefined);
    return { name, r, e };
  });
  m.sync((b) => {
    for (const o of outs) b.set(o.r, o.e);
  }, 'selection registers');
  for (const o of outs) m.assign(m.output(`out_${o.name}`, o.r.width), o.r);
  return { module: m, latency: 1, inBytes };
}
