// SPDX-License-Identifier: MIT
// Bit-width arithmetic shared by the reference engine, the cycle models and the generators:
// one definition each.

/** log2 of a power of two (the floor of log2 for other positive integers below 2^31). */
export const log2 = (n: number): number => 31 - Math.clz32(n);

/** Bits of an index over `n` items: ceil(log2 n), at least 1. */
export const clog2 = (n: number): number => Math.max(1, Math.ceil(Math.log2(n)));
