// SPDX-License-Identifier: MIT
// `nvgre-rx classify`: one metadata record per frame of a capture.

import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { RefEngine } from '../ref/engine.ts';
import { readPcap } from '../ref/pcap/read.ts';
import { LINKTYPE_ETHERNET, PcapError, type PcapFile } from '../ref/pcap/types.ts';
import { defaultProfile, parseProfileJson, type Profile, ProfileError } from '../ref/profile.ts';
import type { MetaRecord } from '../ref/record.ts';
import { CliError, EXIT_FILE, EXIT_USAGE } from './errors.ts';
import { LineWriter } from './output.ts';
import { formatTable } from './table.ts';

/** Engines that can classify: the reference engine, the Verilated RTL (cli/engine-rtl.ts), or both compared. */
export const ENGINES = ['ref', 'rtl', 'both'] as const;
export const FORMATS = ['jsonl', 'table'] as const;

interface ClassifyOpts {
  profile?: string;
  format: (typeof FORMATS)[number];
  engine: (typeof ENGINES)[number];
  /** --rtl DIR: simulate the Verilog of DIR (tb/rtl-dir-load.ts) instead of the generator's. */
  rtl?: string;
}

function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message.split('\n')[0] ?? String(e);
}

export async function loadProfile(path: string | undefined): Promise<Profile> {
  if (path === undefined) return defaultProfile(DEFAULT_BUILD);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read profile ${path}: ${ioReason(e)}`, EXIT_USAGE);
  }
  try {
    return parseProfileJson(text, DEFAULT_BUILD);
  } catch (e) {
    if (e instanceof ProfileError) throw new CliError(`${path}: ${e.message}`, EXIT_USAGE);
    throw e;
  }
}

export async function loadCapture(path: string): Promise<PcapFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${ioReason(e)}`, EXIT_FILE);
  }
  let cap: PcapFile;
  try {
    cap = readPcap(bytes);
  } catch (e) {
    if (e instanceof PcapError) throw new CliError(`${path}: ${e.message}`, EXIT_FILE);
    throw e;
  }
  const other = cap.packets.find((p) => p.linkType !== LINKTYPE_ETHERNET);
  const link = other?.linkType ?? cap.linkType;
  if (link !== LINKTYPE_ETHERNET) {
    throw new CliError(`${path}: link type ${link} is not Ethernet (1); only Ethernet captures can be classified`, EXIT_FILE);
  }
  return cap;
}

async function run(file: string, opts: ClassifyOpts): Promise<void> {
  const profile = await loadProfile(opts.profile);
  const cap = await loadCapture(file);
  if (opts.rtl !== undefined && opts.engine === 'ref') throw new CliError('--rtl DIR needs --engine rtl or both', EXIT_USAGE);
  if (opts.engine !== 'ref') {
    // Loaded only when asked for: it pulls in the generator and the Verilator bridge.
    const { runRtlEngine } = await import('./engine-rtl.ts');
    return runRtlEngine(cap, profile, opts.engine, opts.format, opts.rtl);
  }
  const engine = new RefEngine(profile, DEFAULT_BUILD);
  const out = new LineWriter();
  if (opts.format === 'table') {
    const records: MetaRecord[] = cap.packets.map((p, i) => engine.classify(p.data, { frameIndex: i }));
    for (const line of formatTable(records)) await out.line(line);
  } else {
    for (let i = 0; i < cap.packets.length; i++) {
      await out.line(JSON.stringify(engine.classify(cap.packets[i]!.data, { frameIndex: i })));
    }
  }
  await out.flush();
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .summary('print the classification metadata of every frame of a capture')
    .description(
      'Classify every frame of FILE (pcap or pcapng, Ethernet link type) the way the core does and ' +
        'print one metadata record per frame, in order: RSS hash/type/queue, VMQ queue, what the ' +
        'parser found (encapsulation: NVGRE/GRE, VXLAN, GENEVE; VSID or VNI, FlowID, header offsets) and error flags.',
    )
    .argument('<FILE>', 'capture file (classic pcap in either byte order, micro- or nanosecond; or pcapng)')
    .option('-p, --profile <P.json>', 'control-register profile (JSON); default: sample key, every hash type and enable on')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('jsonl'))
    .addOption(new Option('-e, --engine <engine>', 'classification engine').choices(ENGINES).default('ref'))
    .option('--rtl <DIR>', 'with --engine rtl|both: simulate the Verilog in DIR (top nvgre_rx) instead of the generated RTL')
    .addHelpText(
      'after',
      `
Output (jsonl): one JSON object per frame with the keys
  frame, hash, hash_type, hash_valid, hash_input, rss_queue, vmq_queue, vmq_hit, vmq_filter,
  encap, inner_parsed, vsid, flowid, outer_l3_offset, inner_l2_offset, inner_l3_offset,
  inner_l4_offset, length, errors
Profile JSON keys (all optional; unknown keys are an error):
  key (80 hex digits), hash_types (NDIS mask or names: IPV4 TCP_IPV4 IPV6 TCP_IPV6 UDP_IPV4 UDP_IPV6),
  rss_enable, vmq_enable, encap_rss_enable, encap_vmq_enable (booleans),
  indirection (queue numbers, power-of-two length 2..128), rss_default_queue, vmq_default_queue,
  filters ([{"mac": "02:00:00:00:00:01", "vlan": 5|null, "vsid": 4096|null, "queue": 3}]),
  max_header_bytes (64..256),
  udp_tunnels ([{"port": 4789, "type": "vxlan"|"geneve"}], at most 4; default VXLAN 4789 and GENEVE 6081;
    [] turns VXLAN/GENEVE recognition off)
Record: encap is none, gre, nvgre, vxlan or geneve; vsid holds the NVGRE VSID or the VXLAN/GENEVE VNI.
Exit codes: 0 success, 1 unreadable or corrupt capture, 2 usage or profile error,
  3 (--engine both) the RTL and the reference engine differ, 4 the RTL strayed from its cycle model.
Engines: ref (software), rtl (the Verilated core; built on first use under build/models), both.`,
    )
    .action(run);
}
