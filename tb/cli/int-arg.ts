// SPDX-License-Identifier: MIT
// The integer options of the commander CLIs (run-sim, mutants, depth-matrix): "abc",
// "2.5" or a number below the minimum is a usage error naming the option, not a run with
// NaN or a silent clamp.

import { InvalidArgumentError } from 'commander';

export const intArg =
  (min: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}`);
    return n;
  };
