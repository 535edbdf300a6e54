// SPDX-License-Identifier: MIT
// The reference engine's public surface, for the testbench and tools.
export { classify } from './classify.ts';
export { RefEngine, newCounters, type ClassifyOptions, type Counters } from './engine.ts';
export {
  defaultProfile,
  resetProfile,
  parseProfileJson,
  profileToJson,
  ProfileError,
  MS_SAMPLE_KEY_HEX,
  type Profile,
  type Filter,
  type UdpTunnel,
  type TunnelType,
  IANA_UDP_TUNNELS,
  type ProfileJson,
} from './profile.ts';
export * from './hash-types.ts';
export { ToeplitzHasher, BitSerialToeplitz, type Toeplitz, toeplitzBitSerial, hexToBytes, bytesToHex, KEY_BYTES, MAX_INPUT_BYTES } from './toeplitz.ts';
export * from './record.ts';
export * from './build.ts';
