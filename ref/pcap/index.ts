// SPDX-License-Identifier: MIT
// Capture files: classic pcap and pcapng in (whole or streamed), classic pcap out.
export { readPcap } from './read.ts';
export { CaptureDecoder, type CapturePacket, MAX_BLOCK, MAX_PACKET } from './decoder.ts';
export { streamCapture } from './stream.ts';
export { writePcap, type WritePacket, type WritePcapOptions } from './write.ts';
export { PcapError, LINKTYPE_ETHERNET, type PcapFile, type PcapPacket } from './types.ts';
