// SPDX-License-Identifier: MIT
// Parsers for what yosys prints: `stat -json` cell counts and `ltp` longest paths.

export interface CellCounts {
  cells: number;
  byType: Record<string, number>;
}

/** The design totals of a `stat -json` report (the one module after flattening). */
export function parseStatJson(text: string): CellCounts {
  const j = JSON.parse(text) as { design?: { num_cells: number; num_cells_by_type?: Record<string, number> } };
  if (!j.design) throw new Error('stat -json: no design section');
  return { cells: j.design.num_cells, byType: { ...(j.design.num_cells_by_type ?? {}) } };
}

export interface LongestPath {
  module: string;
  /** LUT levels: the number of cells on the path (the start register is not counted). */
  length: number;
  /** The path's nodes, start first; the register it ends in (if any) last. */
  nodes: string[];
}

/**
 * Every `Longest topological path in M (length=N):` block of an `ltp` report. The nodes
 * are printed as `  i: \name [bit] (via cell)` and the end register as `  ff: ...`.
 */
export function parseLtp(text: string): LongestPath[] {
  const out: LongestPath[] = [];
  let cur: LongestPath | undefined;
  for (const line of text.split('\n')) {
    const head = /^Longest topological path in (\S+) \(length=(\d+)\):/.exec(line.trim());
    if (head) {
      cur = { module: head[1]!.replace(/^\\/, ''), length: Number(head[2]), nodes: [] };
      out.push(cur);
      continue;
    }
    const node = /^\s+(\d+|ff):\s+(.*)$/.exec(line);
    if (cur && node) cur.nodes.push(node[2]!.replace(/\s+\(via .*\)$/, '').trim());
    else if (line.trim() === '') cur = undefined;
  }
  return out;
}

/** Yosys names: `\foo` is a user name, `$abc$12$new_n3_` an internal one. */
export const isPublicName = (n: string): boolean => n.startsWith('\\');

/** A path in one line: its named nodes, with the count of internal ones between them. */
export function describePath(p: LongestPath): string {
  const parts: string[] = [];
  let hidden = 0;
  p.nodes.forEach((n, i) => {
    if (isPublicName(n) || i === 0 || i === p.nodes.length - 1) {
      if (hidden > 0) parts.push(`(${hidden} LUT${hidden > 1 ? 's' : ''})`);
      hidden = 0;
      parts.push(n.replace(/^\\/, ''));
    } else hidden++;
  });
  return `${p.module}: ${p.length} levels: ${parts.join(' -> ')}`;
}
