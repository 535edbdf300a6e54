// SPDX-License-Identifier: MIT
// Writes a classic pcap of any size to a file, streamed (the mixed benchmark traffic
// repeated), for the end-to-end classify figures and the constant-memory check.

import { open } from 'node:fs/promises';
import { writePcap } from '../ref/pcap/write.ts';
import { mixedCapture } from './mixed-capture.ts';

export interface BigCapture {
  frames: number;
  bytes: number;
}

/** Frames of the mix until the file holds at least `minBytes` and `minFrames`, each padded to `padTo` bytes. */
export async function writeBigCapture(path: string, limit: { minBytes?: number; minFrames?: number; padTo?: number }): Promise<BigCapture> {
  // Padding after a frame's headers is Ethernet trailer: it changes the records' lengths only.
  const pad = (f: Uint8Array): Uint8Array => {
    if (!limit.padTo || f.length >= limit.padTo) return f;
    const g = new Uint8Array(limit.padTo);
    g.set(f);
    return g;
  };
  const mix = mixedCapture().map(pad);
  // One block of records reused: the frames repeat, only their count matters here.
  const block = writePcap(mix).subarray(24);
  const fh = await open(path, 'w');
  let bytes = 0;
  let frames = 0;
  try {
    await fh.write(writePcap([]));
    bytes = 24;
    while (bytes < (limit.minBytes ?? 0) || frames < (limit.minFrames ?? 0)) {
      await fh.write(block);
      bytes += block.length;
      frames += mix.length;
    }
  } finally {
    await fh.close();
  }
  return { frames, bytes };
}
