// SPDX-License-Identifier: MIT
// docs/RESULTS.md keeps hand-written prose around generated blocks; `make synth` and
// `make bench` replace only the blocks they own, marked
// <!-- results:NAME begin --> ... <!-- results:NAME end -->.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const RESULTS_DOC = join(REPO, 'docs', 'RESULTS.md');

export function replaceBlock(doc: string, name: string, body: string): string {
  const begin = `<!-- results:${name} begin -->`;
  const end = `<!-- results:${name} end -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

export async function writeResultBlock(name: string, body: string, path = RESULTS_DOC): Promise<void> {
  const doc = existsSync(path) ? await readFile(path, 'utf8') : '# Results\n';
  await writeFile(path, replaceBlock(doc, name, body));
}
