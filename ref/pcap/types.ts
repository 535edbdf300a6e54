// SPDX-License-Identifier: MIT
// What the capture readers and writer exchange.

export const LINKTYPE_ETHERNET = 1;

export class PcapError extends Error {
  override name = 'PcapError';
}

export interface PcapPacket {
  /** The captured bytes (a view into the file's buffer when read). */
  data: Uint8Array;
  /** Length on the wire; larger than data.length when the capture was cut by the snap length. */
  origLength: number;
  tsSec: number;
  /** Nanoseconds within the second, whatever the file's resolution. */
  tsNsec: number;
  linkType: number;
}

export interface PcapFile {
  format: 'pcap' | 'pcapng';
  /** The link type of the file header (pcap) or of the first interface (pcapng). */
  linkType: number;
  littleEndian: boolean;
  /** Classic pcap with the nanosecond magic; pcapng reports false (its resolution is per interface). */
  nanosecond: boolean;
  packets: PcapPacket[];
}
