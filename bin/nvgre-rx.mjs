#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Runs the built JavaScript (dist/, from `npm run build`; the package ships only that).
// In a source checkout, a dist/ older than any source would run old code: then the
// TypeScript sources run through tsx instead (slower to start, never stale).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'cli', 'main.js');
const SOURCE_DIRS = ['cli', 'ref', 'gen', 'tb', 'flow'];

function newestSource() {
  let newest = 0;
  for (const d of SOURCE_DIRS) {
    const dir = join(root, d);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { recursive: true })) {
      if (String(f).endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, String(f))).mtimeMs);
    }
  }
  return newest;
}

const checkout = existsSync(join(root, 'cli', 'main.ts'));
if (existsSync(built) && (!checkout || statSync(built).mtimeMs >= newestSource())) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
