// SPDX-License-Identifier: MIT
// Errors the CLI reports as one line on stderr, with the exit code they map to.

export const EXIT_FILE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
