// SPDX-License-Identifier: MIT
// The project must stand on its own: every path a file names resolves inside the
// repository, every "CONTRACT.md section N" names a section that exists, nothing points
// outside (the brief's folder), and every source carries its licence line. Pure
// functions over a file map, so test/repo-refs.test.ts can also show each check failing.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/** Repository-relative path (forward slashes) to file text. */
export type RepoFiles = Map<string, string>;

export const SPDX_LINE = 'SPDX-License-Identifier: MIT';

// Not scanned: installs, build outputs (.gitignore), the fuzz corpus (thousands of frame
// files that name no paths) and npm's lock file (it names paths inside packages).
const SKIP_DIRS = new Set(['node_modules', '.git', 'build', 'out', 'coverage', 'test/corpus', 'package-lock.json']);
const TEXT_EXT = /\.(ts|mjs|js|md|v|h|json|sh|gtkw)$/;
const SCRIPT_NAMES = new Set(['Makefile', '.ci/run']);

/** Files that need the SPDX line: sources, and the generated Verilog and C header users copy. */
export const needsSpdx = (path: string): boolean => /\.(ts|mjs|js|sh|h|v)$/.test(path) || SCRIPT_NAMES.has(path);

export function readRepo(root: string): RepoFiles {
  const files: RepoFiles = new Map();
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      const p = rel === '' ? name : `${rel}/${name}`;
      if (SKIP_DIRS.has(p) || SKIP_DIRS.has(name)) continue;
      const st = statSync(join(root, p));
      if (st.isDirectory()) walk(p);
      else if (TEXT_EXT.test(p) || SCRIPT_NAMES.has(p)) files.set(p, readFileSync(join(root, p), 'utf8'));
    }
  };
  walk('');
  return files;
}

export const existsIn =
  (root: string) =>
  (path: string): boolean =>
    existsSync(join(root, path));

// Built from pieces so that this file does not match its own patterns.
const OLD_CONTRACT = new RegExp(`\\b${'SP'}EC\\b`);
const OUTSIDE = new RegExp(`\\.\\./${'sha'}red\\b|/work/${'sha'}red\\b`);

// A repository path in prose or code comments: a top-level folder of the project, a
// name, an extension. Preceded by a delimiter so that "../ref/x.ts" imports (relative
// to their file, checked by tsc) do not count.
const TOP_DIRS = 'docs|rtl|ref|gen|tb|test|cli|flow|bench|synth|bin';
const PATH_REF = new RegExp(`(?<=^|[\\s\`'"(\\[])((?:${TOP_DIRS})/[\\w./-]*\\w\\.(?:md|ts|v|h|json|mjs))(?![\\w{*])`, 'gm');
// "CONTRACT.md section 3", "sections 2-4", "sections 2.2 and 7", across a comment break.
const NUM = '\\d+(?:\\.\\d+)?';
const SECTION_LIST = `sections?[\\s/*#]+(${NUM}(?:\\s*(?:,|-|–|and|to)\\s*${NUM})*)`;
const CONTRACT_SECTION = new RegExp(`CONTRACT\\.md'?s?\\)?,?[\\s/*#]+${SECTION_LIST}`, 'g');
const BARE_SECTION = new RegExp(`\\b${SECTION_LIST}`, 'g');
const MD_LINK = /\]\(([^)\s#]*)(?:#([^)\s]+))?\)/g;

/** GitHub's anchor for a Markdown heading. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

export const headings = (md: string): string[] => [...md.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!);

/** Section numbers of CONTRACT.md: "## 3. RSS" gives 3, "### 3.2 Toeplitz" gives 3.2. */
export function contractSections(md: string): Set<string> {
  const out = new Set<string>();
  for (const h of headings(md)) {
    const m = /^(\d+(?:\.\d+)?)\.? /.exec(h);
    if (m) out.add(m[1]!);
  }
  return out;
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

function sectionProblems(path: string, text: string, re: RegExp, sections: Set<string>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    for (const n of m[1]!.match(new RegExp(NUM, 'g')) ?? []) {
      if (!sections.has(n)) out.push(`${path}:${lineOf(text, m.index)}: docs/CONTRACT.md has no section ${n}`);
    }
  }
  return out;
}

/** Every broken reference in the files, one line each ("path:line: what"). */
export function referenceProblems(files: RepoFiles, exists: (path: string) => boolean): string[] {
  const out: string[] = [];
  const contract = files.get('docs/CONTRACT.md');
  if (contract === undefined) return ['docs/CONTRACT.md is missing'];
  const sections = contractSections(contract);
  for (const [path, text] of files) {
    const at = (i: number): string => `${path}:${lineOf(text, i)}`;
    const old = OLD_CONTRACT.exec(text);
    if (old) out.push(`${at(old.index)}: names the old spec; cite docs/CONTRACT.md section N`);
    const outside = OUTSIDE.exec(text);
    if (outside) out.push(`${at(outside.index)}: points outside the repository (${outside[0]})`);
    for (const m of text.matchAll(PATH_REF)) if (!exists(m[1]!)) out.push(`${at(m.index)}: ${m[1]} does not exist`);
    out.push(...sectionProblems(path, text, CONTRACT_SECTION, sections));
    if (path === 'docs/CONTRACT.md') out.push(...sectionProblems(path, text, BARE_SECTION, sections));
    if (path.endsWith('.md')) {
      for (const m of text.matchAll(MD_LINK)) {
        const [, target, anchor] = m;
        if (/^[a-z]+:/.test(target!)) continue;
        const file = target === '' ? path : posix.normalize(posix.join(dirname(path), target!));
        if (!exists(file)) {
          out.push(`${at(m.index)}: link to ${target} does not resolve`);
          continue;
        }
        const md = files.get(file);
        if (anchor !== undefined && md !== undefined && !headings(md).some((h) => headingSlug(h) === anchor)) {
          out.push(`${at(m.index)}: ${file} has no heading #${anchor}`);
        }
      }
    }
  }
  return out;
}

/** Sources without the SPDX line first (second after a #! line). */
export function spdxProblems(files: RepoFiles): string[] {
  const out: string[] = [];
  for (const [path, text] of files) {
    if (!needsSpdx(path)) continue;
    const lines = text.split('\n', 2);
    const line = lines[0]!.startsWith('#!') ? lines[1] : lines[0];
    if (!line?.includes(SPDX_LINE)) out.push(`${path}: first line must carry "${SPDX_LINE}"`);
  }
  return out;
}
