// SPDX-License-Identifier: MIT
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Verilator builds take tens of seconds on the 2-core CI machine.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // vitest's default is one worker per core minus one: a single file at a time on the
    // 2-core CI machine. Most suites wait on yosys or a Verilated model (other
    // processes), so two files at a time keep both cores busy.
    maxWorkers: 2,
  },
});
