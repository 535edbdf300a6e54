// SPDX-License-Identifier: MIT
// The process bridge: drives a Verilated model (built by tb/bridge/verilator.ts) running as a
// child process, in batches of cycles, over a binary pipe protocol.
//
//   const model = await buildModel({ name: 'adder', verilogFiles: [f], top: m });
//   const sim = await SimProcess.start(model);
//   const L = model.layout;                 // PortLayout: where each port sits
//   const stim = L.alloc(1000);             // 1000 cycles of inputs, all zero
//   L.set(stim, 0, 'rst', 1);
//   const out = await sim.run(stim);        // outputs of the same 1000 cycles
//   L.get(out, 999, 'sum');                 // number (<= 32 bits) or bigint
//   await sim.close();
//
// Semantics of a cycle (see tb/bridge/harness-cpp.ts): inputs are applied, outputs sampled
// before the rising edge, then the clock rises. So `out` cycle c shows the registers as
// they were after c rising edges, plus combinational paths from cycle c's inputs.
//
// Runs may be issued without awaiting the previous one: requests are answered in order,
// so pipelining batches keeps the model busy while TypeScript prepares the next one.
// A stimulus buffer must not be changed until its run() has resolved (it is written to
// the pipe without a copy). Every wait has an inactivity timeout, and a model that dies
// rejects every pending request with its exit status and the tail of its stderr.
//
// node:child_process is used rather than execa: the bridge needs raw, incremental binary
// chunks of stdout with its own framing, which is exactly what execa's buffering and
// line handling would have to be switched off for.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as P from './protocol.ts';
import { layoutSignature, type PortLayout } from './ports.ts';
import type { Model } from './verilator.ts';

export class SimError extends Error {}

export interface StartOptions {
  /** Fail a request when the model sends nothing for this long (default 120 s). */
  timeoutMs?: number;
  /** Where close() makes a coverage build write its coverage data. */
  coverageFile?: string;
  /**
   * How batch data travels. 'pipe' (default): everything on stdin/stdout. 'shm': batch
   * data through shared files on tmpfs that the harness maps, only command headers on
   * the pipe. Both give the same results; shm can be faster for long runs of wide, cheap
   * models but varied more with machine load in our measurements (docs/TESTBENCH.md).
   */
  transport?: 'shm' | 'pipe';
}

/** Shared batch files: as many runs as this can be in flight over shm; more use the pipe. */
const SHM_SLOTS = 3;

interface ShmSlot {
  path: string;
  fd: number;
  bytes: number;
  busy: boolean;
}

/** A request waiting for its reply: the header, then `words` payload words. */
interface Pending {
  op: number;
  resolve: (r: { header: Uint32Array; payload: Uint32Array }) => void;
  reject: (e: Error) => void;
  /** Payload size in words, known once the header is in (a function of the header). */
  payloadWords: (header: Uint32Array) => number;
}

function padString(s: string): { bytes: number; words: Uint32Array } {
  const b = Buffer.from(s, 'utf8');
  const words = new Uint32Array(Math.ceil(b.length / 4));
  new Uint8Array(words.buffer).set(b);
  return { bytes: b.length, words };
}

export class SimProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private header = new Uint32Array(P.HEADER_WORDS);
  private headerFill = 0;
  private payload: Uint32Array | undefined;
  private payloadFill = 0;
  private stderrTail = '';
  private failure: SimError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly exited: Promise<void>;
  private readonly slots: ShmSlot[] = [];
  /** Cycles run so far (the harness's cycle counter). */
  cycle = 0;

  private constructor(
    readonly model: Model,
    private readonly opts: StartOptions,
  ) {
    const args: string[] = [];
    if (opts.transport === 'shm') {
      const dir = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
      for (let i = 0; i < SHM_SLOTS; i++) {
        const path = join(dir, `nvgre-sim-${process.pid}-${SimProcess.serial++}`);
        this.slots.push({ path, fd: openSync(path, 'w+', 0o600), bytes: 0, busy: false });
        args.push('--shm', path);
      }
    }
    this.child = spawn(model.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (c: Buffer) => this.onData(c));
    this.child.stderr.on('data', (c: Buffer) => {
      this.stderrTail = (this.stderrTail + c.toString('utf8')).slice(-2000);
    });
    // A write to a dead child is reported by the exit handler; this only keeps Node
    // from treating EPIPE as an unhandled error.
    this.child.stdin.on('error', () => undefined);
    // 'close', not 'exit': the harness ends by itself right after its final reply, and
    // 'exit' may be seen before those last bytes have been read from its stdout, which
    // would report a clean close as a death with requests outstanding. 'close' comes
    // only once stdout has ended, so every reply has been framed by then.
    this.exited = new Promise((res) => {
      this.child.on('error', (e) => {
        this.fail(`cannot start ${model.binary}: ${e.message}`);
        res();
      });
      this.child.on('close', (code, signal) => {
        this.releaseSlots();
        if (!this.closed || this.queue.length) {
          const how = signal ? `killed by ${signal}` : `exited with status ${code}`;
          const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
          this.fail(`model ${model.name} ${how}${tail ? `: ${tail}` : ''}`);
        }
        res();
      });
    });
  }

  private static serial = 0;

  /** The model's process id (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get layout(): PortLayout {
    return this.model.layout;
  }

  /** Start a model process and check that it speaks this protocol with this layout. */
  static async start(model: Model, opts: StartOptions = {}): Promise<SimProcess> {
    const sim = new SimProcess(model, opts);
    let hello;
    try {
      hello = await sim.expect(P.OP_HELLO, () => P.HELLO_WORDS);
    } finally {
      // The harness opened the shared files before its hello: their names can go now, so
      // nothing is left behind in /dev/shm whatever happens later.
      sim.unlinkSlots();
    }
    const { header, payload } = hello;
    const l = model.layout;
    const [version, flags, signature] = payload;
    if (version !== P.PROTOCOL_VERSION || header[2] !== l.inWords || header[3] !== l.outWords || signature !== layoutSignature(l)) {
      sim.kill();
      throw new SimError(`model ${model.name}: harness does not match the port layout (rebuild it)`);
    }
    if (model.trace && !(flags! & P.FLAG_TRACE)) {
      sim.kill();
      throw new SimError(`model ${model.name}: expected a trace build`);
    }
    return sim;
  }

  /**
   * Run one batch: `stim` holds cycles × layout.inWords words; resolves to the outputs,
   * cycles × layout.outWords words.
   */
  run(stim: Uint32Array): Promise<Uint32Array> {
    const l = this.model.layout;
    const cycles = l.inWords === 0 ? 0 : l.cycles(stim, 'input');
    return this.runCycles(cycles, stim);
  }

  /** Run `cycles` cycles of a model that has no inputs besides clk. */
  idle(cycles: number): Promise<Uint32Array> {
    return this.runCycles(cycles, this.model.layout.alloc(cycles));
  }

  private async runCycles(cycles: number, stim: Uint32Array): Promise<Uint32Array> {
    if (!Number.isInteger(cycles) || cycles < 0 || cycles > 0xffffffff) throw new SimError(`bad cycle count ${cycles}`);
    const { inWords, outWords } = this.model.layout;
    const slot = this.slots.find((s) => !s.busy);
    if (slot && !this.failure && !this.closed) return this.runShm(slot, cycles, stim, inWords, outWords);
    this.send(P.OP_RUN, cycles, 0, stim);
    const p = this.expect(P.OP_RUN, () => cycles * outWords);
    const { payload } = await p;
    this.cycle += cycles;
    return payload;
  }

  private async runShm(slot: ShmSlot, cycles: number, stim: Uint32Array, inWords: number, outWords: number): Promise<Uint32Array> {
    const inBytes = cycles * inWords * 4;
    const need = inBytes + cycles * outWords * 4;
    slot.busy = true;
    try {
      if (slot.bytes < need) {
        slot.bytes = Math.max(need, 2 * slot.bytes);
        ftruncateSync(slot.fd, slot.bytes);
      }
      writeSync(slot.fd, new Uint8Array(stim.buffer, stim.byteOffset, inBytes), 0, inBytes, 0);
      this.send(P.OP_RUN_SHM, cycles, this.slots.indexOf(slot));
      const p = this.expect(P.OP_RUN_SHM, () => 0);
      await p;
      const out = new Uint32Array(cycles * outWords);
      readSync(slot.fd, new Uint8Array(out.buffer), 0, out.byteLength, inBytes);
      this.cycle += cycles;
      return out;
    } finally {
      slot.busy = false;
    }
  }

  private unlinkSlots(): void {
    for (const s of this.slots) {
      try {
        unlinkSync(s.path);
      } catch {
        // Already gone: nothing to clean.
      }
    }
  }

  private releaseSlots(): void {
    for (const s of this.slots.splice(0)) closeSync(s.fd);
  }

  /**
   * Dump an FST waveform of cycles [fromCycle, toCycle) (absolute cycle numbers; a start
   * in the past means "from the next cycle run"). The file is complete once the window
   * has been run through, or at close(). Needs a model built with trace: true.
   */
  async trace(file: string, fromCycle: number, toCycle: number): Promise<void> {
    if (!this.model.trace) throw new SimError(`model ${this.model.name} was built without trace: true`);
    if (!(toCycle > fromCycle) || fromCycle < 0) throw new SimError(`bad trace window [${fromCycle}, ${toCycle})`);
    const s = padString(file);
    const win = new Uint32Array([fromCycle >>> 0, Math.floor(fromCycle / 2 ** 32), toCycle >>> 0, Math.floor(toCycle / 2 ** 32)]);
    this.send(P.OP_TRACE, s.bytes, 0, win, s.words);
    const p = this.expect(P.OP_TRACE, () => 0);
    await p;
  }

  /** Finish the model (final blocks, open trace, coverage file) and wait for it to exit. */
  async close(): Promise<void> {
    if (this.closed) return this.exited;
    if (this.failure) {
      this.closed = true;
      return;
    }
    const s = padString(this.opts.coverageFile ?? '');
    this.send(P.OP_FINAL, s.bytes, 0, s.words);
    const p = this.expect(P.OP_FINAL, () => 0);
    this.closed = true;
    try {
      await p;
    } finally {
      this.child.stdin.end();
    }
    await this.exited;
  }

  /** Stop the model at once (no final, no coverage). */
  kill(): void {
    this.closed = true;
    this.child.kill('SIGKILL');
  }

  private send(op: number, a: number, b: number, ...parts: Uint32Array[]): void {
    if (this.closed) throw new SimError(`model ${this.model.name} is closed`);
    if (this.failure) throw this.failure;
    this.child.stdin.write(new Uint8Array(new Uint32Array([P.REQ_MAGIC, op, a, b]).buffer));
    for (const w of parts) if (w.length) this.child.stdin.write(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  }

  // Callers send a request and then expect its reply in the same tick: replies arrive in
  // later events, and a send that throws then leaves no orphaned promise behind.
  private expect(op: number, payloadWords: (h: Uint32Array) => number): Promise<{ header: Uint32Array; payload: Uint32Array }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject, payloadWords });
      this.arm();
    });
  }

  /** Restart the inactivity timer while anything is outstanding. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queue.length) return;
    const ms = this.opts.timeoutMs ?? 120_000;
    this.timer = setTimeout(() => {
      this.fail(`model ${this.model.name}: no reply for ${ms} ms (at cycle ${this.cycle})`);
      this.child.kill('SIGKILL');
    }, ms);
  }

  private fail(msg: string): void {
    if (this.failure) return;
    this.failure = new SimError(msg);
    clearTimeout(this.timer);
    for (const p of this.queue.splice(0)) p.reject(this.failure);
  }

  /** Frame replies out of the byte stream, copying straight into their result arrays. */
  private onData(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.payload === undefined) {
        const hdrBytes = new Uint8Array(this.header.buffer);
        const n = Math.min(chunk.length - pos, 4 * P.HEADER_WORDS - this.headerFill);
        hdrBytes.set(chunk.subarray(pos, pos + n), this.headerFill);
        this.headerFill += n;
        pos += n;
        if (this.headerFill < 4 * P.HEADER_WORDS) break;
        const h = this.header;
        const want = this.queue[0];
        if (h[0] !== P.REP_MAGIC || !want) {
          this.fail(`model ${this.model.name}: protocol out of step (unexpected reply)`);
          this.child.kill('SIGKILL');
          return;
        }
        const words = h[1] === P.OP_ERROR ? Math.ceil(h[2]! / 4) : h[1] === want.op ? want.payloadWords(h) : -1;
        if (words < 0) {
          this.fail(`model ${this.model.name}: protocol out of step (reply ${h[1]} to request ${want.op})`);
          this.child.kill('SIGKILL');
          return;
        }
        this.payload = new Uint32Array(words);
        this.payloadFill = 0;
      }
      const body = new Uint8Array(this.payload.buffer);
      const n = Math.min(chunk.length - pos, body.length - this.payloadFill);
      body.set(chunk.subarray(pos, pos + n), this.payloadFill);
      this.payloadFill += n;
      pos += n;
      if (this.payloadFill === body.length) this.complete();
    }
    this.arm();
  }

  private complete(): void {
    const header = this.header;
    const payload = this.payload!;
    this.header = new Uint32Array(P.HEADER_WORDS);
    this.headerFill = 0;
    this.payload = undefined;
    const p = this.queue.shift()!;
    if (header[1] === P.OP_ERROR) {
      const msg = Buffer.from(payload.buffer, 0, header[2]).toString('utf8');
      p.reject(new SimError(`model ${this.model.name}: ${msg}`));
    } else {
      p.resolve({ header, payload });
    }
  }
}
