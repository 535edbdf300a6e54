// SPDX-License-Identifier: MIT
// The packet toolkit: layer descriptions, the builder, random stacks, address helpers.
export * from './layers.ts';
export { buildFrame, layerSize, geneveOptionBytes, VXLAN_PORT, GENEVE_PORT, type BuildOptions } from './builder.ts';
export { randomLayers, mulberry32, type Rand, type RandomLayerOptions } from './random.ts';
export { parseMac, parseIpv4, parseIpv6, formatIpv4, formatIpv6 } from './addr.ts';
export { internetChecksum, onesSum } from './checksum.ts';
