// SPDX-License-Identifier: MIT
// Addresses the engine tests build frames with: outer (tunnel) and inner, both families.
export const O4A = '192.0.2.1';
export const O4B = '192.0.2.2';
export const O6A = '2001:db8:1::1';
export const O6B = '2001:db8:2::2';
export const I4A = '10.0.0.1';
export const I4B = '10.0.0.2';
export const I6A = 'fd00::1';
export const I6B = 'fd00::2';
