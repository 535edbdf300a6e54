// SPDX-License-Identifier: MIT
// Greedy word wrap for the register map's derived files, so that no line of rtl/ runs
// past the line limit the Verilog keeps (issue 17); a word longer than the width stays whole.

/** Width the register map files wrap prose at (below the Verilog's 160-character limit, for reading). */
export const DOC_WIDTH = 100;

/** `text` as lines of at most `width` characters, each starting with `prefix` (the first with `first`). */
export function wrapWords(text: string, width: number, prefix = '', first = prefix): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + w.length > width) {
      out.push(line);
      line = prefix;
      empty = true;
    }
    line += empty ? w : ` ${w}`;
    empty = false;
  }
  out.push(line);
  return out;
}
