// SPDX-License-Identifier: MIT
// NDIS RSS hash-type flags (docs/CONTRACT.md section 3.1). The values are the NDIS ones so that a
// driver's hash-type mask can be written to the hash_types CSR unchanged.

export const HASH_TYPE = {
  IPV4: 0x0000_0100,
  TCP_IPV4: 0x0000_0200,
  IPV6: 0x0000_0400,
  TCP_IPV6: 0x0000_1000,
  UDP_IPV4: 0x0000_4000,
  UDP_IPV6: 0x0000_8000,
} as const;

export type HashTypeName = keyof typeof HASH_TYPE;

export const HASH_TYPE_NAMES = Object.keys(HASH_TYPE) as HashTypeName[];

/** Every flag the core offers; the _EX variants are deliberately absent (see docs/REFERENCE.md). */
export const ALL_HASH_TYPES: number = HASH_TYPE_NAMES.reduce((m, n) => m | HASH_TYPE[n], 0);

const NAME_BY_VALUE: ReadonlyMap<number, HashTypeName> = new Map(HASH_TYPE_NAMES.map((n) => [HASH_TYPE[n], n] as const));

/** The name of a single flag, or undefined when `value` is not exactly one offered flag. */
export function hashTypeName(value: number): HashTypeName | undefined {
  return NAME_BY_VALUE.get(value);
}

export function isHashTypeName(name: string): name is HashTypeName {
  return Object.prototype.hasOwnProperty.call(HASH_TYPE, name);
}

/** Names of the flags set in `mask`, in ascending bit order. */
export function hashTypeNames(mask: number): HashTypeName[] {
  return HASH_TYPE_NAMES.filter((n) => (mask & HASH_TYPE[n]) !== 0).sort((a, b) => HASH_TYPE[a] - HASH_TYPE[b]);
}
