// SPDX-License-Identifier: MIT
// nextpnr-ice40 place and route of one core inside the pin-light wrapper, cached by the
// netlist's hash. Reports utilisation, whether it fits, and the maximum clock frequency.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { synthTarget } from './synth.ts';
import { portsOf, WRAPPER_NAME, wrapperVerilog } from './wrapper.ts';
import { DEFAULT_SYNTH_DIR, runTool, type Sources } from './yosys.ts';

export interface Device {
  name: 'hx8k' | 'up5k';
  package: string;
}
export const HX8K: Device = { name: 'hx8k', package: 'ct256' };
export const UP5K: Device = { name: 'up5k', package: 'sg48' };

export interface Utilisation {
  used: number;
  available: number;
}

export interface PnrResult {
  device: string;
  fits: boolean;
  /** Max frequency of the core's clock after routing (undefined when it did not fit). */
  fmaxMHz: number | undefined;
  /** Bel type -> used/available, as nextpnr prints it after packing. */
  utilisation: Record<string, Utilisation>;
  /** The first error line when it failed. */
  error: string | undefined;
  commands: string[];
  seconds: number;
  logPath: string;
}

/** Parse a nextpnr-ice40 log (utilisation lines and the last Max frequency line). */
export function parseNextpnrLog(log: string): Pick<PnrResult, 'fmaxMHz' | 'utilisation' | 'error'> {
  const utilisation: Record<string, Utilisation> = {};
  for (const m of log.matchAll(/^Info:\s+(\w+):\s+(\d+)\/\s*(\d+)\s+\d+%/gm)) {
    utilisation[m[1]!] = { used: Number(m[2]), available: Number(m[3]) };
  }
  const f = [...log.matchAll(/Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz/g)];
  const error = log.split('\n').find((l) => l.startsWith('ERROR:'));
  return { fmaxMHz: f.length ? Number(f.at(-1)![2]) : undefined, utilisation, error };
}

let versionCache: Promise<string> | undefined;
const nextpnrVersion = (): Promise<string> => (versionCache ??= runTool('nextpnr-ice40', ['--version']).then((r) => r.out.trim()));

export async function placeAndRoute(label: string, sources: Sources, top: string, device: Device, targetMHz = 100): Promise<PnrResult> {
  const ports = await portsOf(label, sources, top);
  const wrapped = new Map(sources);
  wrapped.set(`${WRAPPER_NAME}.v`, wrapperVerilog(top, ports));
  const synth = await synthTarget(`${label}-pnr`, wrapped, WRAPPER_NAME, 'ice40', { json: true });
  const json = synth.result.files.get(`${WRAPPER_NAME}.json`)!;
  const args = [`--${device.name}`, '--package', device.package, '--json', 'design.json', '--freq', String(targetMHz), '--seed', '1', '--timing-allow-fail'];
  const key = createHash('sha256')
    .update(`${await nextpnrVersion()}\0${args.join(' ')}\0${json}`)
    .digest('hex')
    .slice(0, 20);
  const dir = join(DEFAULT_SYNTH_DIR, `${label}-${top}-pnr-${device.name}-${key}`);
  const done = join(dir, 'result.json');
  const commands = [
    synth.result.command.replace(/read_verilog [^;]*;/, `read_verilog <sources> ${WRAPPER_NAME}.v;`).replace(/tee -q -o stat.json /, ''),
    `nextpnr-ice40 ${args.join(' ').replace('design.json', `${WRAPPER_NAME}.json`)}`,
  ];
  if (!existsSync(done)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, 'design.json'), json);
    const r = await runTool('nextpnr-ice40', args, tmp);
    await writeFile(join(tmp, 'nextpnr.log'), r.out);
    const parsed = parseNextpnrLog(r.out);
    const fits = r.code === 0 && parsed.fmaxMHz !== undefined;
    const res: PnrResult = {
      device: `iCE40${device.name.toUpperCase()}-${device.package}`,
      fits,
      ...parsed,
      commands,
      seconds: r.seconds,
      logPath: join(dir, 'nextpnr.log'),
    };
    await writeFile(join(tmp, 'result.json'), JSON.stringify(res, null, 1));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }
  return JSON.parse(await readFile(done, 'utf8')) as PnrResult;
}
