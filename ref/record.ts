// SPDX-License-Identifier: MIT
// The per-frame metadata record of docs/CONTRACT.md section 6, shared by the reference engine, the
// testbench's scoreboard and the CLI. JSON key names are part of the product.

export const HASH_INPUTS = ['none', '2tuple', '4tuple', 'outer-2tuple', 'inner-4tuple'] as const;
export type HashInput = (typeof HASH_INPUTS)[number];

export const ENCAPS = ['none', 'gre', 'nvgre', 'vxlan', 'geneve'] as const;
export type Encap = (typeof ENCAPS)[number];
/** The encapsulations found through the UDP tunnel port table (docs/CONTRACT.md section 8). */
export const UDP_TUNNEL_ENCAPS: readonly Encap[] = ['vxlan', 'geneve'];

/** Bit i of the hardware error field is ERROR_NAMES[i]; the JSON array keeps this order. */
export const ERROR_NAMES = ['truncated', 'too_deep', 'bad_ip', 'mac_error'] as const;
export type ErrorName = (typeof ERROR_NAMES)[number];

export interface MetaRecord {
  frame: number;
  hash: number;
  hash_type: number;
  hash_valid: boolean;
  hash_input: HashInput;
  rss_queue: number;
  vmq_queue: number;
  vmq_hit: boolean;
  vmq_filter: number;
  encap: Encap;
  inner_parsed: boolean;
  vsid: number;
  flowid: number;
  outer_l3_offset: number;
  inner_l2_offset: number;
  inner_l3_offset: number;
  inner_l4_offset: number;
  length: number;
  errors: readonly ErrorName[];
}
