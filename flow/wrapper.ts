// SPDX-License-Identifier: MIT
// A pin-light wrapper for place and route. A core's ports (hundreds of data and
// metadata bits) exceed any small FPGA's pins, so the wrapper feeds every input from a
// shift register loaded through one pin and captures every output into a register
// shifted out through another. All of the core's logic stays observable (nothing is
// optimised away), and the wrapper adds only one LUT level on its own paths.

import { emitModule } from '../gen/emit/verilog.ts';
import { cat, lit, type Expr } from '../gen/ir/expr.ts';
import { Module, type Signal } from '../gen/ir/module.ts';
import { runYosys, type Sources } from './yosys.ts';

export interface PortInfo {
  name: string;
  dir: 'input' | 'output';
  width: number;
}

/** The top's ports as yosys elaborates them (parameters resolved). */
export async function portsOf(label: string, sources: Sources, top: string): Promise<PortInfo[]> {
  const r = await runYosys({
    label: `${label}-${top}-ports`,
    sources,
    script: [`hierarchy -top ${top}`, 'proc', 'write_json ports.json'],
    outputs: ['ports.json'],
  });
  const j = JSON.parse(r.files.get('ports.json')!) as {
    modules: Record<string, { ports: Record<string, { direction: string; bits: unknown[] }> }>;
  };
  const mod = j.modules[top];
  if (!mod) throw new Error(`ports: no module ${top}`);
  return Object.entries(mod.ports).map(([name, p]) => {
    if (p.direction !== 'input' && p.direction !== 'output') throw new Error(`ports: ${top}.${name} is ${p.direction}`);
    return { name, dir: p.direction, width: p.bits.length };
  });
}

export const WRAPPER_NAME = 'pnr_wrapper';

/** The wrapper's Verilog; the core keeps its own file. */
export function wrapperVerilog(top: string, ports: PortInfo[]): string {
  const hasClk = ports.some((p) => p.name === 'clk');
  const hasRst = ports.some((p) => p.name === 'rst');
  // A stand-in with the core's ports, so the IR can check the instance's connections.
  const core = new Module(top, [], { clock: hasClk && hasRst });
  const data = ports.filter((p) => p.name !== 'clk' && p.name !== 'rst');
  for (const p of data) p.dir === 'input' ? core.input(p.name, p.width) : core.output(p.name, p.width);

  const w = new Module(WRAPPER_NAME, [
    `Place-and-route wrapper of ${top}: inputs from a shift register loaded through scan_in,`,
    'outputs captured on capture and shifted out through scan_out.',
  ]);
  const scanIn = w.input('scan_in', 1);
  const capture = w.input('capture', 1);
  const scanOut = w.output('scan_out', 1);

  const conns: Record<string, Expr> = {};
  const ins = data.filter((p) => p.dir === 'input');
  const inBits = ins.reduce((s, p) => s + p.width, 0);
  if (inBits > 0) {
    const sr = w.reg('in_sr', inBits, 0);
    w.sync((b) => b.set(sr, inBits === 1 ? scanIn : cat(sr.slice(inBits - 2, 0), scanIn)));
    let lo = 0;
    for (const p of ins) {
      conns[p.name] = sr.slice(lo + p.width - 1, lo);
      lo += p.width;
    }
  }
  const outs: Signal[] = [];
  for (const p of data.filter((q) => q.dir === 'output')) {
    const s = w.signal(`core_${p.name}`, p.width);
    conns[p.name] = s;
    outs.push(s);
  }
  const outBits = outs.reduce((s, o) => s + o.width, 0);
  if (outBits > 0) {
    const sr = w.reg('out_sr', outBits, 0);
    const all = cat(...outs);
    w.sync((b) =>
      b.if(
        capture,
        (t) => t.set(sr, all),
        (e) => e.set(sr, outBits === 1 ? lit(0, 1) : cat(lit(0, 1), sr.slice(outBits - 1, 1))),
      ),
    );
    w.assign(scanOut, sr.bit(0));
  } else w.assign(scanOut, scanIn);
  if (!hasClk || !hasRst) throw new Error(`${top}: a core needs clk and rst to be placed`);
  w.instance(core, 'core', conns);
  return emitModule(w, { build: `wrapper of ${top}`, generator: 'flow/wrapper.ts' });
}
