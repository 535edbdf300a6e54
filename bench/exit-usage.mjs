// SPDX-License-Identifier: MIT
// Preloaded into the CLI by bench/classify.bench.ts (node --import): at exit, the process's
// own CPU time (user + system, every thread) and peak resident memory as one JSON line on
// stderr, exact where sampling /proc from outside would miss the last moments.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nexit-usage ${JSON.stringify({ cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRssKiB: u.maxRSS })}\n`);
});
