// SPDX-License-Identifier: MIT
// The build configuration: what a generated core contains. Validated with a schema so a
// bad configuration file is answered with the key that is wrong, not a stack trace.

import { z } from 'zod';
import type { BuildParams } from '../ref/build.ts';

const pow2 = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export const buildConfigSchema = z
  .object({
    dataWidth: z.union([z.literal(64), z.literal(128), z.literal(256), z.literal(512)]).default(64),
    ipv6: z.boolean().default(true),
    maxHeaderBytes: z
      .number()
      .int()
      .min(64)
      .max(1024)
      .refine((n) => n % 8 === 0, 'must be a multiple of 8')
      .default(512),
    ipv6MaxExtHeaders: z.number().int().min(0).max(8).default(4),
    vmqFilters: z.number().int().min(1).max(64).default(16),
    indirectionEntries: z.number().int().min(2).max(128).refine(pow2, 'must be a power of two').default(128),
    queueBits: z.number().int().min(1).max(8).default(6),
    /**
     * The Toeplitz hasher: 'runtime-key' (AND-XOR array on the key register, the default),
     * 'const-key' (the key baked in at build time), 'tables' (per-byte-position tables
     * derived from the key in block RAM, rebuilt after a key write: gen/blocks/toeplitz-tables.ts).
     */
    toeplitz: z.enum(['runtime-key', 'const-key', 'tables']).default('runtime-key'),
    /** The key baked into const-key builds (80 hex digits); defaults to the Microsoft sample key. */
    constKey: z
      .string()
      .regex(/^[0-9a-fA-F]{80}$/, 'must be 80 hex digits')
      .default('6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa'),
    /**
     * Metadata FIFO depth in records (power of two). Line rate needs room for every frame
     * in flight plus one: at least the build's latency + 1 (`lineRateFifoDepth` in
     * gen/top/timing.ts); generateAll refuses a smaller FIFO unless allowBackpressureFifo is set.
     */
    metaFifoDepth: z.number().int().min(4).max(1024).refine(pow2, 'must be a power of two').default(64),
    /**
     * Area/test option: accept a metaFifoDepth below the line-rate minimum. s_axis_tready
     * then drops periodically at one frame per cycle even with m_axis_meta_tready high.
     */
    allowBackpressureFifo: z.boolean().default(false),
    /**
     * How the parser reads the headers: 'stream', the only parser. Each layer's bytes are
     * taken off the beats as they pass and no window is stored (docs/PIPELINE.md,
     * "Streaming parser"). The earlier 'window' parser was removed (issue 14): it won in
     * no build. The key stays so that configuration files and `Build:` lines that name
     * the parser keep working.
     */
    parser: z
      .literal('stream', { error: 'the window parser was removed (docs/PIPELINE.md, "Streaming parser"): use \'stream\' or leave parser out' })
      .default('stream'),
    /**
     * Entries of the UDP tunnel port table (VXLAN/GENEVE, docs/CONTRACT.md section 8); 0 builds
     * none (and no UDP tunnel stage in the parser). The contract's default, 4.
     */
    udpTunnelPorts: z.number().int().min(0).max(16).default(4),
    /**
     * The shortest frame (bytes, no FCS) the core must take at line rate: 60, the Ethernet
     * minimum, by default. Blocks that work once per frame may take `minFrameBeats` cycles
     * per frame (gen/blocks/toeplitz-serial.ts). Shorter frames are still classified.
     */
    minFrameBytes: z.number().int().min(1).max(16384).default(60),
  })
  .strict();

export type BuildConfig = z.output<typeof buildConfigSchema>;

/** Beats of the shortest line-rate frame at this width: cycles a once-per-frame block may take. */
export function minFrameBeats(c: BuildConfig): number {
  return Math.ceil(c.minFrameBytes / (c.dataWidth / 8));
}

export class ConfigError extends Error {}

export function parseBuildConfig(input: unknown): BuildConfig {
  const r = buildConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ConfigError(`config: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

export const DEFAULT_CONFIG: BuildConfig = parseBuildConfig({});

export function buildParamsOf(c: BuildConfig): BuildParams {
  return {
    dataWidth: c.dataWidth,
    ipv6: c.ipv6,
    maxHeaderBytes: c.maxHeaderBytes,
    ipv6MaxExtHeaders: c.ipv6MaxExtHeaders,
    vmqFilters: c.vmqFilters,
    indirectionEntries: c.indirectionEntries,
    queueBits: c.queueBits,
    udpTunnelPorts: c.udpTunnelPorts,
  };
}

/** The build parameters every generated file's header names, in order (options at their default left out). */
export function buildSummary(c: BuildConfig): [string, number | boolean | string][] {
  return [
    ['dataWidth', c.dataWidth],
    ['ipv6', c.ipv6],
    ['maxHeaderBytes', c.maxHeaderBytes],
    ['ipv6MaxExtHeaders', c.ipv6MaxExtHeaders],
    ['vmqFilters', c.vmqFilters],
    ['indirectionEntries', c.indirectionEntries],
    ['queueBits', c.queueBits],
    ['toeplitz', c.toeplitz],
    ['metaFifoDepth', c.metaFifoDepth],
    // Only when set, so that the files of every line-rate build keep their header.
    ...(c.allowBackpressureFifo ? [['allowBackpressureFifo', true] as [string, boolean]] : []),
    ['parser', c.parser],
    // Only when not the default (4), like the options above.
    ...(c.udpTunnelPorts !== 4 ? [['udpTunnelPorts', c.udpTunnelPorts] as [string, number]] : []),
    ...(c.minFrameBytes !== 60 ? [['minFrameBytes', c.minFrameBytes] as [string, number]] : []),
  ];
}

/** The one-line build description written into every generated file's header. */
export function describeBuild(c: BuildConfig): string {
  return buildSummary(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
