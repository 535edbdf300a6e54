// What the driver needs from a cycle model of the top level: the registered outputs
// during the current cycle, and the rising edge that ends it. The real model
// (ref/cycle/top-model.ts) is wrapped to this shape in tb/driver-top.ts, so the driver
// and the scoreboard can also run against test doubles (a deliberately wrong model
// proves the scoreboard catches mismatches).

export type PortValue = number | bigint | boolean | Uint8Array;
export type PortValues = Record<string, PortValue>;

export interface LockstepModel {
  /** Every output port of the top level during the current cycle, by port name. */
  outputs(): PortValues;
  /** The rising edge at the end of the cycle, with the cycle's inputs (rst included). */
  step(inputs: PortValues): void;
}
