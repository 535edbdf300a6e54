// SPDX-License-Identifier: MIT
// Creating an output directory and its parents. Node 20's `mkdir(p, { recursive: true })`
// never returns for some paths on pseudo file systems (e.g. /proc/x, where mkdir answers
// ENOENT for an existing parent), so a bad --out would hang the command; creating one
// level at a time turns that into an ordinary error.

import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export async function makeDirs(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      await mkdir(p);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Something already there must be a directory; a file in the way is the caller's error.
      if (code === 'EEXIST') {
        if ((await stat(p)).isDirectory()) break;
        throw e;
      }
      if (code !== 'ENOENT' || dirname(p) === p || missing.length > 256) throw e;
      missing.push(p);
    }
  }
  // Parents first; a parent that still cannot be made raises its own error.
  for (const p of missing.reverse()) {
    try {
      await mkdir(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
