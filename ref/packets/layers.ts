// SPDX-License-Identifier: MIT
// Layer descriptions for the packet builder. A frame is a list of layers, outermost
// first; fields left out are derived from the neighbours (types, protocols, lengths,
// checksums) so that a list reads like the packet. Every derived field can be forced
// to build malformed frames.

export type MacText = string | Uint8Array;
export type Ipv4Text = string | Uint8Array;
export type Ipv6Text = string | Uint8Array;
export type Bytes = Uint8Array | readonly number[];

/** Ethernet II: dst, src, and the type of what follows (a TPID when a vlan layer follows). */
export interface EthLayer {
  kind: 'eth';
  dst?: MacText;
  src?: MacText;
  type?: number;
}

/** One VLAN tag. Its TPID is written by the layer before it; its own field is the next type. */
export interface VlanLayer {
  kind: 'vlan';
  vid: number;
  tpid?: number;
  pcp?: number;
  dei?: boolean;
  type?: number;
}

export interface Ipv4Layer {
  kind: 'ipv4';
  src: Ipv4Text;
  dst: Ipv4Text;
  proto?: number;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** In 8-byte units. */
  fragOffset?: number;
  /** Option bytes; padded with zeros (End of Options) to a multiple of 4. */
  options?: Bytes;
  /** Overrides the IHL field only (the header written is still 20 + options bytes). */
  ihl?: number;
  version?: number;
  totalLength?: number;
  checksum?: number;
}

export interface Ipv6Layer {
  kind: 'ipv6';
  src: Ipv6Text;
  dst: Ipv6Text;
  nextHeader?: number;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  payloadLength?: number;
  version?: number;
}

/** Hop-by-Hop (0), Routing (43), Destination Options (60) or any other 8n-byte extension. */
export interface Ipv6ExtLayer {
  kind: 'ipv6-ext';
  type: number;
  nextHeader?: number;
  /** Total bytes, a multiple of 8 (default 8); the length field is derived from it. */
  length?: number;
}

export interface Ipv6FragLayer {
  kind: 'ipv6-frag';
  nextHeader?: number;
  /** In 8-byte units. */
  offset?: number;
  more?: boolean;
  id?: number;
}

export interface GreLayer {
  kind: 'gre';
  protocol?: number;
  /** C bit: a checksum over the GRE header and payload is inserted. */
  checksum?: boolean;
  /** K bit and key value. */
  key?: number;
  /** S bit and sequence number. */
  seq?: number;
  version?: number;
  routing?: boolean;
}

/** NVGRE (RFC 7637): GRE with K=1, key = VSID << 8 | FlowID, protocol 0x6558. */
export interface NvgreLayer {
  kind: 'nvgre';
  vsid: number;
  flowId?: number;
  protocol?: number;
}

/** VXLAN (RFC 7348): flags (I = 0x08), 24 reserved bits, VNI, 8 reserved bits. Announces an inner Ethernet header. */
export interface VxlanLayer {
  kind: 'vxlan';
  vni: number;
  /** The flags byte; default 0x08 (I set). */
  flags?: number;
  /** The 24 reserved bits after the flags and the 8 after the VNI (default 0), to test that they are ignored. */
  reserved1?: number;
  reserved2?: number;
}

/**
 * GENEVE (RFC 8926): Ver, Opt Len, O, C, Protocol Type, VNI, then the options. Protocol
 * Type defaults to the next layer's EtherType (0x6558 for an inner eth layer).
 */
export interface GeneveLayer {
  kind: 'geneve';
  vni: number;
  protocol?: number;
  /**
   * The option bytes as written, or a total length (a multiple of 4, 0..252) filled with
   * well-formed TLV options (class 0xffff "experimental", up to 124 data bytes each).
   */
  options?: Bytes | number;
  /** Overrides the Opt Len field only (the options written are still `options`). */
  optLen?: number;
  version?: number;
  /** O bit: an OAM/control message. */
  oam?: boolean;
  /** C bit: critical options present. */
  critical?: boolean;
}

export interface TcpLayer {
  kind: 'tcp';
  sport: number;
  dport: number;
  seqNo?: number;
  ackNo?: number;
  /** Flag bits (FIN 0x01 ... CWR 0x80); default ACK. */
  flags?: number;
  window?: number;
  checksum?: number;
}

export interface UdpLayer {
  kind: 'udp';
  sport: number;
  dport: number;
  length?: number;
  checksum?: number;
}

export interface PayloadLayer {
  kind: 'payload';
  /** The bytes, or a length filled with a counting pattern. */
  bytes: Bytes | number;
}

export type Layer =
  | EthLayer
  | VlanLayer
  | Ipv4Layer
  | Ipv6Layer
  | Ipv6ExtLayer
  | Ipv6FragLayer
  | GreLayer
  | NvgreLayer
  | VxlanLayer
  | GeneveLayer
  | TcpLayer
  | UdpLayer
  | PayloadLayer;

export type LayerKind = Layer['kind'];
