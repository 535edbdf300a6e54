// SPDX-License-Identifier: MIT
// Where a capture's bytes come from: a file of any size read in fixed chunks, or
// standard input for `-` (`tcpdump -w - | nvgre-rx classify -`). Opening errors are
// reported before any output; read errors as they happen.

import { open } from 'node:fs/promises';
import { CliError, EXIT_FILE } from './errors.ts';

const CHUNK = 1024 * 1024;

export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message.split('\n')[0] ?? String(e);
}

export interface CaptureInput {
  /** How messages name the capture: the path, or "standard input". */
  name: string;
  chunks: AsyncIterable<Uint8Array>;
  /** Gives the file back when the run ends before reading it (an unwritable output, say). */
  close(): Promise<void>;
}

/**
 * One buffer, refilled: a chunk's packets are views into it, valid until the consumer asks
 * for the next chunk (the classify pipeline pulls, so it has finished with them by then;
 * whoever keeps frames longer copies them, as the RTL batches do). Plain Uint8Array views:
 * a Buffer's subarray() goes through Buffer's species constructor, per packet.
 */
async function* fileChunks(path: string, fh: Awaited<ReturnType<typeof open>>): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(CHUNK);
  try {
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, CHUNK, null));
      } catch (e) {
        throw new CliError(`cannot read ${path}: ${ioReason(e)}`, EXIT_FILE);
      }
      if (n === 0) return;
      yield new Uint8Array(buf.buffer, 0, n);
    }
  } finally {
    await fh.close();
  }
}

async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  for await (const c of process.stdin as AsyncIterable<Buffer>) yield new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
}

export async function openCapture(path: string): Promise<CaptureInput> {
  if (path === '-') return { name: 'standard input', chunks: stdinChunks(), close: async () => {} };
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${ioReason(e)}`, EXIT_FILE);
  }
  const chunks = fileChunks(path, fh);
  // Once reading starts the generator closes the file itself; before that, close() does.
  let started = false;
  const wrapped: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => {
      started = true;
      return chunks;
    },
  };
  return { name: path, chunks: wrapped, close: async () => (started ? undefined : fh.close()) };
}
