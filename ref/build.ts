// SPDX-License-Identifier: MIT
// What a generated core contains (the generator's build parameters that change behaviour).
// The reference engine needs them too: an IPv4-only build treats IPv6 as "anything else",
// and the header window bounds what can be parsed.

export interface BuildParams {
  /** AXI4-Stream data width in bits: 64, 128, 256 or 512. */
  dataWidth: 64 | 128 | 256 | 512;
  ipv6: boolean;
  /** Header window in bytes; the max_header_bytes CSR is clamped to [64, this]. */
  maxHeaderBytes: number;
  /** IPv6 extension headers skipped per IPv6 header before the chain is "too deep". */
  ipv6MaxExtHeaders: number;
  vmqFilters: number;
  indirectionEntries: number;
  queueBits: number;
  /**
   * Entries of the UDP tunnel port table (docs/CONTRACT.md section 8); 0: no UDP tunnels. The
   * profile's udp_tunnels beyond this many entries are ignored, as filters are.
   */
  udpTunnelPorts: number;
}

export const DEFAULT_BUILD: BuildParams = {
  dataWidth: 64,
  ipv6: true,
  maxHeaderBytes: 512,
  ipv6MaxExtHeaders: 4,
  vmqFilters: 16,
  indirectionEntries: 128,
  queueBits: 6,
  // The contract's default table. The generator's default build has none yet (gen/config.ts):
  // the engine without a build models the core as specified, the testbench the RTL it has.
  udpTunnelPorts: 4,
};
