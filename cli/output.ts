// SPDX-License-Identifier: MIT
// Text output to standard output or to a file (--output), written in large pieces with
// back-pressure respected, so a capture of any size streams out in constant memory.
// Callers hand over whole lines only, so output cut short by an error ends on a line.
// A file is written synchronously: on one core a write costs the same either way, and the
// caller may then refill the bytes it handed over (no buffer per batch to collect).

import { closeSync, openSync, writeSync } from 'node:fs';
import { CliError, EXIT_FILE } from './errors.ts';
import { ioReason } from './capture-input.ts';

const CHUNK = 256 * 1024;

export class TextSink {
  private parts: string[] = [];
  private size = 0;

  private constructor(
    private readonly out: NodeJS.WritableStream | undefined,
    private readonly fd: number | undefined,
  ) {}

  static stdout(): TextSink {
    return new TextSink(process.stdout, undefined);
  }

  /** Opens (creates or truncates) FILE; an unwritable path is a one-line error now, not later. */
  static file(path: string): TextSink {
    try {
      return new TextSink(undefined, openSync(path, 'w'));
    } catch (e) {
      throw new CliError(`cannot write ${path}: ${ioReason(e)}`, EXIT_FILE);
    }
  }

  /** Appends text, or encoded text, that ends on a line boundary; bytes may be reused once this resolves. */
  async write(text: string | Uint8Array): Promise<void> {
    if (text.length === 0) return;
    if (typeof text !== 'string') {
      await this.flush();
      // The stream keeps what it is given until written: a copy, since the caller refills its bytes.
      return this.send(this.fd === undefined ? text.slice() : text);
    }
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK) await this.flush();
  }

  async line(s: string): Promise<void> {
    return this.write(s + '\n');
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    return this.send(text);
  }

  private async send(data: string | Uint8Array): Promise<void> {
    if (this.fd !== undefined) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let o = 0; o < bytes.length;) o += writeSync(this.fd, bytes, o, bytes.length - o);
      return;
    }
    if (!this.out!.write(data)) await new Promise<void>((resolve) => this.out!.once('drain', () => resolve()));
  }

  /** Flushes, and closes a file. */
  async close(): Promise<void> {
    await this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
