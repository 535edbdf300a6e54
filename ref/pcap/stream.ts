// SPDX-License-Identifier: MIT
// A capture read as a stream (a file of any size, standard input): batches of packets,
// one per chunk read, in constant memory. Damage found in a chunk is thrown after the
// packets decoded before it, so consumers finish those first.

import { CaptureDecoder, type CapturePacket } from './decoder.ts';

export async function* streamCapture(source: AsyncIterable<Uint8Array>, dec = new CaptureDecoder()): AsyncGenerator<CapturePacket[]> {
  for await (const chunk of source) {
    const batch = dec.push(chunk);
    if (batch.length > 0) yield batch;
    if (dec.error) throw dec.error;
  }
  dec.end();
}
