// SPDX-License-Identifier: MIT
// `nvgre-rx classify`: one metadata record per frame of a capture, streamed: the capture
// is read in chunks (a file of any size, or standard input), classified and written out
// batch by batch, so memory stays flat. --summary and --report tell people how the
// traffic spreads over queues.

import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { RefEngine } from '../ref/engine.ts';
import { CaptureDecoder, type CapturePacket } from '../ref/pcap/decoder.ts';
import { streamCapture } from '../ref/pcap/stream.ts';
import { LINKTYPE_ETHERNET, PcapError } from '../ref/pcap/types.ts';
import { defaultProfile, parseProfileJson, type Profile, ProfileError } from '../ref/profile.ts';
import type { MetaRecord } from '../ref/record.ts';
import { ioReason, openCapture } from './capture-input.ts';
import { CliError, EXIT_FILE, EXIT_USAGE } from './errors.ts';
import { TextSink } from './output.ts';
import { BatchBuffer, csvHeader, csvWriter, jsonlWriter, type RecordWriter } from './record-format.ts';
import { formatSummary, Summary } from './summary.ts';
import { formatTable } from './table.ts';

/** Engines that can classify: the reference engine, the Verilated RTL (cli/engine-rtl.ts), or both compared. */
export const ENGINES = ['ref', 'rtl', 'both'] as const;
export const FORMATS = ['jsonl', 'csv', 'table'] as const;
export type Format = (typeof FORMATS)[number];
/** Frames per Verilator run of --engine rtl|both: large enough that starting a run is noise. */
export const RTL_BATCH = 65536;

interface ClassifyOpts {
  profile?: string;
  format: Format;
  engine: (typeof ENGINES)[number];
  /** --rtl DIR: simulate the Verilog of DIR (tb/rtl-dir/load.ts) instead of the generator's. */
  rtl?: string;
  output?: string;
  /** Frames per Verilator run of --engine rtl|both. */
  batch: string;
  summary?: boolean;
  report?: string;
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

/**
 * The capture's packets in batches, Ethernet only: a frame of another link type (a pcap
 * header, or a pcapng interface met mid-file) ends the stream after the frames before it.
 */
export async function* ethernetFrames(name: string, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<CapturePacket[]> {
  let index = 0;
  const dec = new CaptureDecoder();
  try {
    for await (const batch of streamCapture(chunks, dec)) {
      const bad = batch.findIndex((p) => p.linkType !== LINKTYPE_ETHERNET);
      if (bad < 0) {
        index += batch.length;
        yield batch;
        continue;
      }
      if (bad > 0) yield batch.slice(0, bad);
      const p = batch[bad]!;
      throw new CliError(
        `${name}: frame ${index + bad} (offset ${p.offset}, interface ${p.iface}): link type ${p.linkType} is not Ethernet (1); only Ethernet frames can be classified`,
        EXIT_FILE,
      );
    }
    // A classic pcap of another link type is refused even when it holds no frame.
    if (dec.linkType !== undefined && dec.linkType !== LINKTYPE_ETHERNET && dec.format === 'pcap') {
      throw new CliError(`${name}: link type ${dec.linkType} is not Ethernet (1); only Ethernet captures can be classified`, EXIT_FILE);
    }
  } catch (e) {
    if (e instanceof PcapError) throw new CliError(`${name}: ${e.message}`, EXIT_FILE);
    throw e;
  }
}

async function* refRecords(frames: AsyncIterable<CapturePacket[]>, engine: RefEngine): AsyncGenerator<MetaRecord[]> {
  // One options object, updated: an allocation per frame is measurable at a million frames/s.
  const opts = { frameIndex: 0 };
  for await (const batch of frames) {
    const out: MetaRecord[] = new Array(batch.length);
    for (let k = 0; k < batch.length; k++) {
      out[k] = engine.classify(batch[k]!.data, opts);
      opts.frameIndex++;
    }
    yield out;
  }
}

/** The records in the chosen format, batch by batch, tallied for --summary/--report. */
async function writeRecords(records: AsyncIterable<MetaRecord[]>, sink: TextSink | undefined, format: Format, summary: Summary | undefined): Promise<void> {
  let write: RecordWriter | undefined;
  const bytes = new BatchBuffer();
  const table: MetaRecord[] = [];
  for await (const batch of records) {
    if (summary) for (const r of batch) summary.add(r);
    if (!sink || batch.length === 0) continue;
    if (format === 'table') {
      // Column widths depend on every row: the table is for captures that fit on a screen.
      table.push(...batch);
      continue;
    }
    let header = '';
    if (!write) {
      write = format === 'csv' ? csvWriter(batch[0]!) : jsonlWriter(batch[0]!);
      if (format === 'csv') header = csvHeader(batch[0]!);
    }
    await sink.write(bytes.write(write, batch, header));
  }
  if (sink && format === 'table') for (const line of formatTable(table)) await sink.line(line);
}

async function run(file: string, opts: ClassifyOpts): Promise<void> {
  const profile = await loadProfile(opts.profile);
  if (opts.rtl !== undefined && opts.engine === 'ref') throw new CliError('--rtl DIR needs --engine rtl or both', EXIT_USAGE);
  const batch = Number(opts.batch);
  if (!Number.isInteger(batch) || batch < 1) throw new CliError(`--batch ${opts.batch}: must be a positive integer`, EXIT_USAGE);
  const input = await openCapture(file);
  // With --summary or --report the records are written only where --output says.
  const people = opts.summary === true || opts.report !== undefined;
  let sink: TextSink | undefined;
  try {
    // An unwritable report path is said now, not after a capture of gigabytes was read.
    if (opts.report !== undefined) await TextSink.file(opts.report).close();
    sink = opts.output !== undefined ? TextSink.file(opts.output) : people ? undefined : TextSink.stdout();
  } catch (e) {
    // The capture is open: give it back before the one-line error, not to the garbage collector.
    await input.close();
    throw e;
  }
  const summary = people ? new Summary() : undefined;
  const frames = ethernetFrames(input.name, input.chunks);
  let finish: (() => void) | undefined;
  try {
    if (opts.engine === 'ref') {
      await writeRecords(refRecords(frames, new RefEngine(profile, DEFAULT_BUILD)), sink, opts.format, summary);
    } else {
      // Loaded only when asked for: it pulls in the generator and the Verilator bridge.
      const { rtlRecords } = await import('./engine-rtl.ts');
      const rtl = await rtlRecords(frames, profile, opts.engine, batch, opts.rtl);
      await writeRecords(rtl.records, sink, opts.format, summary);
      finish = rtl.finish;
    }
  } finally {
    // Whatever stopped the run, what was written ends on a whole line and reaches the file.
    await sink?.close();
  }
  if (summary) {
    const data = summary.data(input.name);
    if (opts.summary) {
      const out = TextSink.stdout();
      for (const line of formatSummary(data)) await out.line(line);
      await out.close();
    }
    if (opts.report !== undefined) {
      const { writeReport } = await import('./report-html.ts');
      await writeReport(opts.report, data);
    }
  }
  finish?.();
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .summary('print the classification metadata of every frame of a capture')
    .description(
      'Classify every frame of FILE (pcap or pcapng, Ethernet link type) the way the core does and ' +
        'print one metadata record per frame, in order: RSS hash/type/queue, VMQ queue, what the ' +
        'parser found (encapsulation: NVGRE/GRE, VXLAN, GENEVE; VSID or VNI, FlowID, header offsets) and error flags. The capture is ' +
        'streamed: any size, constant memory; FILE "-" reads standard input.',
    )
    .argument('<FILE>', 'capture file (classic pcap in either byte order, micro- or nanosecond; or pcapng), or - for standard input')
    .option('-p, --profile <P.json>', 'control-register profile (JSON); default: sample key, every hash type and enable on')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('jsonl'))
    .option('-o, --output <FILE>', 'write the records to FILE instead of standard output')
    .option('-s, --summary', 'print per-queue counts, encapsulation mix, hash inputs and errors as tables (records only with --output)')
    .option('--report <FILE.html>', 'write a self-contained HTML page with those counts as charts (records only with --output)')
    .addOption(new Option('-e, --engine <engine>', 'classification engine').choices(ENGINES).default('ref'))
    .option('--rtl <DIR>', 'with --engine rtl|both: simulate the Verilog in DIR (top nvgre_rx) instead of the generated RTL')
    .option('--batch <N>', 'with --engine rtl|both: frames per simulation run', String(RTL_BATCH))
    .addHelpText(
      'after',
      `
Output (jsonl): one JSON object per frame with the keys
  frame, hash, hash_type, hash_valid, hash_input, rss_queue, vmq_queue, vmq_hit, vmq_filter,
  encap, inner_parsed, vsid, flowid, outer_l3_offset, inner_l2_offset, inner_l3_offset,
  inner_l4_offset, length, errors
Output (csv): a header line with the same keys, then one row per frame; errors joined with "|".
Output (table): aligned columns for reading (holds every record: for small captures).
Profile JSON keys (all optional; unknown keys are an error):
  key (80 hex digits), hash_types (NDIS mask or names: IPV4 TCP_IPV4 IPV6 TCP_IPV6 UDP_IPV4 UDP_IPV6),
  rss_enable, vmq_enable, encap_rss_enable, encap_vmq_enable (booleans),
  indirection (queue numbers, power-of-two length 2..128), rss_default_queue, vmq_default_queue,
  filters ([{"mac": "02:00:00:00:00:01", "vlan": 5|null, "vsid": 4096|null, "queue": 3}]),
  max_header_bytes (64..512, default 512),
  udp_tunnels ([{"port": 4789, "type": "vxlan"|"geneve"}], at most 4; default VXLAN 4789 and GENEVE 6081;
    [] turns VXLAN/GENEVE recognition off)
  "nvgre-rx profile --from-ethtool FILE" makes one from the output of "ethtool -x IFACE".
Record: encap is none, gre, nvgre, vxlan or geneve; vsid holds the NVGRE VSID or the VXLAN/GENEVE VNI.
Exit codes: 0 success, 1 unreadable or corrupt capture (the records of the frames before the
  damage are written, as whole lines), 2 usage or profile error,
  3 (--engine both) the RTL and the reference engine differ, 4 the RTL strayed from its cycle model.
Engines: ref (software), rtl (the Verilated core; built on first use under build/models), both.
  rtl and both simulate the capture in batches of --batch frames (default ${RTL_BATCH}).`,
    )
    .action(run);
}
