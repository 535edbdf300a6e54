// SPDX-License-Identifier: MIT
// A capture held in memory, read whole: the streaming decoder (./decoder.ts) fed once.
// Damage is reported as a one-line PcapError.

import { CaptureDecoder } from './decoder.ts';
import type { PcapFile, PcapPacket } from './types.ts';

export function readPcap(bytes: Uint8Array): PcapFile {
  const dec = new CaptureDecoder();
  const packets: PcapPacket[] = dec.push(bytes).map(({ data, origLength, tsSec, tsNsec, linkType }) => ({ data, origLength, tsSec, tsNsec, linkType }));
  dec.end();
  return {
    format: dec.format!,
    linkType: dec.linkType ?? 1,
    littleEndian: dec.littleEndian ?? true,
    nanosecond: dec.nanosecond,
    packets,
  };
}
