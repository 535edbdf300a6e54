import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Verilator builds take tens of seconds on the 2-core CI machine.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
