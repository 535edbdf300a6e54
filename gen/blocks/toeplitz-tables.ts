// SPDX-License-Identifier: MIT
// nvgre_rx_toeplitz, `toeplitz: "tables"`: the Toeplitz hash of docs/CONTRACT.md section 3
// from per-byte-position tables in block RAM. Table i holds, for every byte value v, the
// hash of an input that is v at byte i and zero elsewhere (32 bits), so the hash is the
// XOR of table i at input byte i over the IN_BYTES bytes. The tables depend on the key
// only; the core derives them itself after a key write.
//
// Lookup. LANES = ceil(IN_BYTES / STEPS) RAMs read one table each per cycle, STEPS cycles
// per hash (STEPS = the beats of a minFrameBytes frame, at most IN_BYTES): table i is
// in lane i mod LANES at step i div LANES. in_valid (T0) loads the input, the bank in use
// and whether it holds a build; cycle T0+1+s reads step s's tables (synchronous reads),
// T0+2+s XORs them into the accumulator; out_hash with out_valid in T0+STEPS+2.
//
// Rebuild. Each lane RAM holds two banks. The key words arrive on cfg_wr_* (the same
// event stream as the run-time-key hasher); every key word write (re)starts a rebuild of
// the bank not in use: 5 cycles load a 40-bit window with key bytes 0..4, then one entry
// per cycle, table 0 byte 0 .. table IN_BYTES-1 byte 255 (table i's window is key bits
// 8i .. 8i+39; after each table the window shifts in the next key byte). When the last
// entry is written, in the same cycle, the bank in use switches, unless a key write
// restarts the rebuild in that cycle. A key word write in cycle E thus reaches the hashes
// of inputs with in_valid >= E + 6 + 256 x IN_BYTES (REBUILD_CYCLES + 1), if no other key
// write comes in E+1 .. E + REBUILD_CYCLES; an input sees all of the old key or all of
// the new one. Until the first rebuild after a reset ends, no bank holds a build: hashes
// are 0, the hash of the all-zero reset key. A rebuild only writes the bank not in use,
// and the bank it writes stopped being in use at least 6 cycles before the first write
// (tables of later steps are rewritten hundreds of cycles later), so the hash of an
// input loaded before a switch still reads its own bank to the end.

import { cat, type Expr, lit, mux, orAll } from '../ir/expr.ts';
import { Module, type Body } from '../ir/module.ts';
import { type BuildConfig, minFrameBeats } from '../config.ts';
import { clog2 } from '../meta-layout.ts';
import { KEY_WORDS } from '../regmap.ts';
import { runtimeKey, toeplitzInBytes } from './toeplitz.ts';

const KEY_BYTES = 4 * KEY_WORDS;
/** Cycles that load the rebuild's first key window. */
const PRELOAD = 5;

export interface TablesToeplitz {
  module: Module;
  latency: number;
  keyStageDelay: number;
  steps: number;
  /** Cycles from a key word write event (cfg_wr_en) to the end of the cycle the bank switches. */
  rebuildCycles: number;
}

/** Cycles of a rebuild from the end of a key write event's cycle to the end of the switch cycle. */
export function tablesRebuildCycles(cfg: BuildConfig): number {
  return PRELOAD + 256 * toeplitzInBytes(cfg);
}

export function toeplitzTablesModule(cfg: BuildConfig): TablesToeplitz {
  const n = toeplitzInBytes(cfg);
  const inBits = 8 * n;
  const lanes = Math.ceil(n / Math.max(1, Math.min(minFrameBeats(cfg), n)));
  const steps = Math.ceil(n / lanes);
  const sb = steps > 1 ? clog2(steps) : 0;
  const aw = 1 + sb + 8;
  const rebuild = tablesRebuildCycles(cfg);
  const m = new Module('nvgre_rx_toeplitz', [
    'NVGRE receive classifier: Toeplitz (RSS) hash from key-derived tables in block RAM.',
    '',
    'Byte 0 of the input is in_data[8*IN_BYTES-1 -: 8]; unused bytes must be zero. Table i',
    'holds the hash of byte value v alone at input byte i; the hash is their XOR.',
    `${lanes} table RAMs (two banks each) read ${lanes} tables a cycle over ${steps} cycle${steps > 1 ? 's' : ''}: out_hash is valid`,
    `with out_valid, ${steps + 2} cycles after in_valid; in_valid at most once every ${steps} cycles.`,
    'The 40-byte key is a register written a word at a time through cfg_wr_* (word k holds',
    'key bytes 4k..4k+3, byte 4k in 31:24). Each key write rebuilds the tables into the bank',
    `not in use (${rebuild} cycles, restarted by another key write) and then switches banks:`,
    `inputs with in_valid ${rebuild + 1} or more cycles after the key write hash with the new key.`,
  ]);
  m.param('IN_BYTES', n, 'hash input bytes (36: IPv6 addresses and ports; 12: IPv4)');
  const inValid = m.input('in_valid', 1);
  const inData = m.input('in_data', inBits, { param: 'IN_BYTES', mul: 8 });
  const outValid = m.output('out_valid', 1);
  const outHash = m.output('out_hash', 32);
  const key = runtimeKey(m);
  const keyEvent = m.ports.find((p) => p.name === 'cfg_wr_en')!;

  const mems = Array.from({ length: lanes }, (_, l) =>
    m.memory(
      `table_${l}`,
      32,
      1 << aw,
      `lane ${l}: tables ${Array.from({ length: steps }, (_, s) => s * lanes + l)
        .filter((i) => i < n)
        .join(', ')}, two banks (address: bank, step, byte)`,
    ),
  );
  const active = m.reg('bank_reg', 1, 0, 'the bank lookups read');
  const built = m.reg('built_reg', 1, 0, 'the bank in use holds a build (0 after reset: hashes read 0)');

  // ---- rebuild ----
  const busy = m.reg('rb_busy', 1, 0, 'a rebuild is running');
  const pre = m.reg('rb_pre', 3, 0, 'preload cycles left');
  const ptr = m.reg('rb_ptr', 6, 0, 'next key byte into the window');
  const win = m.reg('rb_window', 40, undefined, 'key bits 8i .. 8i+39 of table i');
  const tLane = m.reg('rb_lane', clog2(lanes), 0, 'lane of the table being written');
  const tStep = m.reg('rb_step', Math.max(1, sb), 0, 'step of the table being written');
  const tLast = m.reg('rb_last_table', 1, 0, 'the table being written is the last');
  const byte = m.reg('rb_byte', 8, 0, 'entry being written');
  const keyByte = m.signal('rb_key_byte', 8);
  m.comb((b) => {
    b.set(keyByte, lit(0, 8));
    b.switch(
      ptr,
      Array.from({ length: KEY_BYTES }, (_, k): [number[], (bb: Body) => void] => [
        [k],
        (bb) => bb.set(keyByte, key.slice(8 * (KEY_BYTES - k) - 1, 8 * (KEY_BYTES - k) - 8)),
      ]),
    );
  }, 'key byte rb_ptr (past the key: 0)');
  const writing = m.wire('rb_writing', busy.and(pre.eq(0)), 'an entry is written this cycle');
  const lastEntry = m.wire('rb_done', writing.and(tLast).and(byte.eq(255)), 'the last entry is written this cycle');
  // Entry v of table i: XOR over the set bits j of v (MSB first) of key window bits j .. j+31.
  const entry = cat(...Array.from({ length: 32 }, (_, mm) => cat(...Array.from({ length: 8 }, (_, j) => byte.bit(7 - j).and(win.bit(39 - j - mm)))).parity()));
  const entryW = m.wire('rb_entry', entry, 'the entry being written');
  m.sync((b) => {
    b.if(
      keyEvent,
      (t) => {
        t.set(busy, lit(1, 1));
        t.set(pre, lit(PRELOAD, 3));
        t.set(ptr, lit(0, 6));
        t.set(tLane, lit(0, tLane.width));
        t.set(tStep, lit(0, tStep.width));
        t.set(tLast, lit(n === 1 ? 1 : 0, 1));
        t.set(byte, lit(0, 8));
      },
      (e) => {
        e.if(busy.and(pre.ne(0)), (t) => {
          t.set(win, cat(win.slice(31, 0), keyByte));
          t.set(ptr, ptr.add(1));
          t.set(pre, pre.sub(1));
        });
        e.if(writing, (t) => {
          t.set(byte, byte.add(1));
          t.if(byte.eq(255), (tt) => {
            // Next table: the window moves on by one key byte.
            tt.set(win, cat(win.slice(31, 0), keyByte));
            tt.set(ptr, ptr.add(1));
            const nextLane = tLane.eq(lanes - 1);
            tt.set(tLane, mux(nextLane, lit(0, tLane.width), tLane.add(1)));
            if (steps > 1) tt.if(nextLane, (t3) => t3.set(tStep, tStep.add(1)));
            // Table index = step * lanes + lane; the next one is the last when it is n-1.
            const idxNext = (s: number, l: number): number => s * lanes + l;
            const lastNext = orAll(
              Array.from({ length: steps }, (_, s) => s)
                .flatMap((s) => Array.from({ length: lanes }, (_, l) => ({ s, l })))
                .filter(({ s, l }) => {
                  const nl = l === lanes - 1 ? 0 : l + 1;
                  const ns = l === lanes - 1 ? s + 1 : s;
                  return idxNext(ns, nl) === n - 1;
                })
                .map(({ s, l }) => (steps > 1 ? tStep.eq(s) : lit(1, 1)).and(tLane.eq(l))),
            );
            tt.set(tLast, lastNext);
          });
        });
        e.if(lastEntry, (t) => t.set(busy, lit(0, 1)));
      },
    );
  }, 'rebuild: restart on a key write; preload the window; one entry a cycle');
  m.sync((b) => {
    b.if(lastEntry.and(keyEvent.not()), (t) => {
      t.set(active, active.not());
      t.set(built, lit(1, 1));
    });
  }, 'switch banks when a rebuild ends');
  const wrAddr = steps > 1 ? cat(active.not(), tStep.slice(sb - 1, 0), byte) : cat(active.not(), byte);
  mems.forEach((mem, l) => {
    m.sync((b) => b.if(writing.and(tLane.eq(l)), (t) => t.memWrite(mem, wrAddr, entryW)), `lane ${l}: rebuild writes`);
  });

  // ---- lookup ----
  const dataReg = m.reg('data_reg', inBits, undefined, 'the input of the hash in progress');
  const fBank = m.reg('frame_bank', 1, 0, 'bank of the hash in progress');
  const fBuilt = m.reg('frame_built', 1, 0, 'the bank held a build when the input was loaded');
  const lbusy = m.reg('busy_reg', 1, 0, 'a hash is in its steps');
  const step = m.reg('step_reg', Math.max(1, sb), 0, 'step read this cycle');
  m.sync((b) => {
    b.if(inValid, (t) => {
      t.set(dataReg, inData);
      t.set(fBank, active);
      t.set(fBuilt, built);
    });
  }, 'load the input and the bank');
  m.sync((b) => {
    b.if(lbusy, (t) => {
      t.if(
        step.eq(steps - 1),
        (l) => {
          l.set(lbusy, lit(0, 1));
          l.set(step, lit(0, step.width));
        },
        (e) => e.set(step, step.add(1)),
      );
    });
    b.if(inValid, (t) => {
      t.set(lbusy, lit(1, 1));
      t.set(step, lit(0, step.width));
    });
  }, 'step counter');
  // Input byte i is dataReg[inBits-1-8i -: 8].
  const byteAt = (i: number): Expr => (i < n ? dataReg.slice(inBits - 1 - 8 * i, inBits - 8 - 8 * i) : lit(0, 8));
  const rd = mems.map((mem, l) => {
    const sel = m.signal(`lane_${l}_byte`, 8);
    m.comb((b) => {
      if (steps === 1) b.set(sel, byteAt(l));
      else {
        b.set(sel, lit(0, 8));
        b.switch(
          step,
          Array.from({ length: steps }, (_, s): [number[], (bb: Body) => void] => [[s], (bb) => bb.set(sel, byteAt(s * lanes + l))]),
        );
      }
    }, `lane ${l}: the input byte of this step's table`);
    const addr = steps > 1 ? cat(fBank, step.slice(sb - 1, 0), sel) : cat(fBank, sel);
    const r = m.reg(`lane_${l}_rd`, 32, undefined, `lane ${l}: table entry of the step`);
    m.sync((b) => b.set(r, mem.read(addr)), `lane ${l}: table read`);
    // A lane with no table at this step (the last step when lanes do not divide IN_BYTES) adds 0.
    const present =
      steps === 1
        ? lit(l < n ? 1 : 0, 1)
        : orAll(
            Array.from({ length: steps }, (_, s) => s)
              .filter((s) => s * lanes + l < n)
              .map((s) => step.eq(s)),
          );
    const use = m.reg(`lane_${l}_use`, 1, 0);
    m.sync((b) => b.set(use, lbusy.and(present).and(fBuilt)), `lane ${l}: the read counts`);
    return { r, use };
  });
  const take = m.reg('take_reg', 1, 0, 'the lane reads hold a step');
  const first = m.reg('first_reg', 1, 0, "the step is a hash's first");
  m.sync((b) => {
    b.set(take, lbusy);
    b.set(first, step.eq(0));
  }, 'step flags');
  const acc = m.reg('acc_reg', 32, undefined, 'hash of the steps so far');
  const sum = rd.map(({ r, use }) => r.and(cat(...Array.from({ length: 32 }, () => use)))).reduce((a, b2) => a.xor(b2));
  m.sync((b) => b.if(take, (t) => t.set(acc, mux(first, sum, acc.xor(sum)))), 'accumulate');
  m.assign(outHash, acc);
  m.assign(outValid, m.delay('valid', inValid, steps + 2, 0));
  return { module: m, latency: steps + 2, keyStageDelay: 0, steps, rebuildCycles: rebuild };
}
