// SPDX-License-Identifier: MIT
// Capture files: classic pcap and pcapng in, classic pcap out.
export { readPcap } from './read.ts';
export { writePcap, type WritePacket, type WritePcapOptions } from './write.ts';
export { PcapError, LINKTYPE_ETHERNET, type PcapFile, type PcapPacket } from './types.ts';
