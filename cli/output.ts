// SPDX-License-Identifier: MIT
// Buffered stdout writing that respects back-pressure, so large captures stream out
// without holding every line in memory.

const CHUNK = 64 * 1024;

export class LineWriter {
  private buf: string[] = [];
  private size = 0;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  async line(s: string): Promise<void> {
    this.buf.push(s);
    this.size += s.length + 1;
    if (this.size >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const text = this.buf.join('\n') + '\n';
    this.buf = [];
    this.size = 0;
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }
}
