// Text output to standard output or to a file (--output), written in large pieces with
// back-pressure respected, so a capture of any size streams out in constant memory.
// Callers hand over whole lines only, so output cut short by an error ends on a line.

import { createWriteStream, type WriteStream } from 'node:fs';
import { CliError, EXIT_FILE } from './errors.ts';
import { ioReason } from './capture-input.ts';

const CHUNK = 256 * 1024;

export class TextSink {
  private parts: string[] = [];
  private size = 0;

  private constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly file: WriteStream | undefined,
  ) {}

  static stdout(): TextSink {
    return new TextSink(process.stdout, undefined);
  }

  /** Opens (creates or truncates) FILE; an unwritable path is a one-line error now, not later. */
  static async file(path: string): Promise<TextSink> {
    const ws = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (e) => reject(new CliError(`cannot write ${path}: ${ioReason(e)}`, EXIT_FILE)));
    });
    return new TextSink(ws, ws);
  }

  /** Appends text, or encoded text, that ends on a line boundary. */
  async write(text: string | Uint8Array): Promise<void> {
    if (text.length === 0) return;
    if (typeof text !== 'string') {
      // Already a large block of bytes: written as it is, after any text before it.
      await this.flush();
      return this.send(text);
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
    if (!this.out.write(data)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  /** Flushes, and for a file waits until its bytes are handed to the system. */
  async close(): Promise<void> {
    await this.flush();
    const f = this.file;
    if (f) await new Promise<void>((resolve, reject) => f.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
