// SPDX-License-Identifier: MIT
// The Internet checksum (RFC 1071) used by IPv4, TCP, UDP and GRE.

/** One's-complement sum of data[off, off+len) folded to 16 bits, added to `initial`. */
export function onesSum(data: Uint8Array, off: number, len: number, initial = 0): number {
  let sum = initial;
  const end = off + len;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (i < end) sum += data[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function internetChecksum(data: Uint8Array, off: number, len: number, initial = 0): number {
  return ~onesSum(data, off, len, initial) & 0xffff;
}
