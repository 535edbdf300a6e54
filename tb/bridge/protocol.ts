// SPDX-License-Identifier: MIT
// The binary protocol between the TypeScript bridge and the generated C++ harness.
// Both sides are generated or written from these constants, so they cannot drift.
//
// Every message starts with a 4-word header (little-endian uint32):
//   request  [REQ_MAGIC, op, a, b]      reply  [REP_MAGIC, op, a, b]
// OP_HELLO   (reply only, sent once at start) a=inWords b=outWords, then 4 words
//            [PROTOCOL_VERSION, flags (FLAG_*), layout signature, 0]
// OP_RUN     a=cycles, then cycles*inWords words; reply a=cycles, b=cycle count after
//            the batch (low 32 bits), then cycles*outWords words
// OP_TRACE   a=path bytes, then [fromLo, fromHi, toLo, toHi] and the path padded to
//            whole words; reply a=b=0
// OP_FINAL   a=path bytes of the coverage file (0: none), then the padded path; reply
//            a=b=0, then the harness exits with status 0
// OP_RUN_SHM a=cycles b=slot: the inputs are at byte 0 of the slot's shared file (the
//            harness was started with `--shm FILE` once per slot), and the harness writes
//            the outputs right after them; reply a=cycles, b=cycle count, no payload
// OP_ERROR   (reply only) a=message bytes, then the padded message; the harness goes on

export const REQ_MAGIC = 0x51524d53; // "SMRQ" in memory
export const REP_MAGIC = 0x50524d53; // "SMRP"
export const PROTOCOL_VERSION = 1;

export const OP_HELLO = 0;
export const OP_RUN = 1;
export const OP_TRACE = 2;
export const OP_FINAL = 3;
export const OP_RUN_SHM = 4;
export const OP_ERROR = 0xffff;

export const FLAG_TRACE = 1;
export const FLAG_COVERAGE = 2;
export const FLAG_CLOCKED = 4;

export const HEADER_WORDS = 4;
export const HELLO_WORDS = 4;

/** Simulated clock period in the trace, in nanoseconds (the harness scales it to ticks). */
export const TRACE_PERIOD_NS = 10;
