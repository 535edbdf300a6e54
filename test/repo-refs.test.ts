// SPDX-License-Identifier: MIT
// The repository stands on its own (test/repo-refs.ts): references resolve, the contract's
// sections exist, nothing points outside, every source has its licence line, and the
// LICENSE agrees with package.json. Each check is also shown failing on a bad file.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contractSections, existsIn, headingSlug, readRepo, referenceProblems, spdxProblems, SPDX_LINE, type RepoFiles } from './repo-refs.ts';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const files = readRepo(REPO);

describe('the repository', () => {
  it('references only files, headings and contract sections that exist, and nothing outside', () => {
    expect(referenceProblems(files, existsIn(REPO))).toEqual([]);
  });

  it('has the SPDX line in every TypeScript, shell and Makefile source', () => {
    expect(files.size).toBeGreaterThan(150);
    expect(spdxProblems(files)).toEqual([]);
  });

  it('has docs/CONTRACT.md sections 1 to 8, the numbers the code cites', () => {
    const s = contractSections(files.get('docs/CONTRACT.md')!);
    for (let n = 1; n <= 8; n++) expect(s.has(String(n)), `section ${n}`).toBe(true);
  });

  it('ships an MIT LICENSE, as package.json says', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the nvgre-rx authors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });
});

describe('the checks fail on bad files', () => {
  // Made-up docs are named through D so that the real scan of this file skips them.
  const D = 'docs/';
  const contract = '# c\n## 1. A\n## 2. B\n### 2.1 B1\n## 3. C\nsee section 2.1 and sections 1-3\n';
  const check = (extra: Record<string, string>): string[] => {
    const fs: RepoFiles = new Map([['docs/CONTRACT.md', contract], [`${D}OTHER.md`, '# Other\n## Error flags (`errors`, bit i)\n'], ...Object.entries(extra)]);
    return referenceProblems(fs, (p) => fs.has(p));
  };

  it('accepts good references', () => {
    expect(
      check({
        'a.ts': '// docs/CONTRACT.md sections 1, 2.1 and 3; ' + `${D}OTHER.md\n`,
        [`${D}X.md`]: '[o](OTHER.md#error-flags-errors-bit-i) [c](CONTRACT.md)\n',
      }),
    ).toEqual([]);
  });

  it('reports a missing section, in a list, a range, across a comment break, and inside the contract', () => {
    expect(check({ 'a.ts': '// docs/CONTRACT.md section 4\n' })).toEqual(['a.ts:1: docs/CONTRACT.md has no section 4']);
    expect(check({ 'a.ts': '// x\n// docs/CONTRACT.md sections 2.1 and 2.2\n' })).toEqual(['a.ts:2: docs/CONTRACT.md has no section 2.2']);
    expect(check({ 'a.ts': '// see docs/CONTRACT.md\n// sections 2-9\n' })).toEqual(['a.ts:1: docs/CONTRACT.md has no section 9']);
    const fs: RepoFiles = new Map([['docs/CONTRACT.md', `${contract}as section 7 says\n`]]);
    expect(referenceProblems(fs, (p) => fs.has(p))).toEqual(['docs/CONTRACT.md:7: docs/CONTRACT.md has no section 7']);
  });

  it('reports a missing doc path, a broken link and a missing heading', () => {
    expect(check({ 'a.ts': `// see \`${D}GONE.md\`\n` })).toEqual([`a.ts:1: ${D}GONE.md does not exist`]);
    expect(check({ [`${D}X.md`]: 'a\n[g](GONE.md)\n' })).toEqual([`${D}X.md:2: link to GONE.md does not resolve`]);
    expect(check({ [`${D}X.md`]: '[o](OTHER.md#error-flags)\n' })).toEqual([`${D}X.md:1: ${D}OTHER.md has no heading #error-flags`]);
  });

  it('reports the old spec and the folder outside the repository', () => {
    const old = ['S', 'PEC section 3'].join('');
    const outside = ['../sha', 'red/x.md'].join('');
    expect(check({ 'a.ts': `// ${old}\n` })).toEqual(['a.ts:1: names the old spec; cite docs/CONTRACT.md section N']);
    expect(check({ 'b.md': `see ${outside}\n` })).toEqual([`b.md:1: points outside the repository (${outside.slice(0, -5)})`]);
  });

  it('reports a source without the SPDX line, and accepts it after a #! line', () => {
    const fs: RepoFiles = new Map([
      ['a.ts', `// ${SPDX_LINE}\nx\n`],
      ['b.ts', `// x\n// ${SPDX_LINE}\n`],
      ['.ci/run', `#!/bin/sh\n# ${SPDX_LINE}\n`],
      ['Makefile', 'all:\n'],
      ['x.v', 'module x; endmodule\n'],
      ['y.v', `// ${SPDX_LINE}\nmodule y; endmodule\n`],
    ]);
    expect(spdxProblems(fs)).toEqual([
      `b.ts: first line must carry "${SPDX_LINE}"`,
      `Makefile: first line must carry "${SPDX_LINE}"`,
      `x.v: first line must carry "${SPDX_LINE}"`,
    ]);
  });

  it('slugs headings the way GitHub does', () => {
    expect(headingSlug('Further decisions (reference engine, mirrored by the RTL)')).toBe('further-decisions-reference-engine-mirrored-by-the-rtl');
  });
});
