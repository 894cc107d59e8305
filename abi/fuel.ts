/**
 * Host side of fuel metering. A module rewritten by `metering/` carries an exported mutable i64
 * global, the fuel counter: its code subtracts a cost at every function entry and loop header and
 * executes `unreachable` as soon as the counter drops below zero. The host sets a budget before a
 * callback and reads what is left afterwards; a trap with the counter below zero is fuel
 * exhaustion, not a bug in the filter. Web-standard JS only: runs in Node, workerd and browsers.
 * @module
 */

/** The export name of the fuel counter global (the metering transform uses the same name). */
export const FUEL_EXPORT = "__pww_fuel";

/**
 * A budget per callback, in fuel units (see docs/reliability.md for how it was chosen): plenty for
 * real work on a large body, while a runaway loop is cut well within a second.
 */
export const DEFAULT_FUEL_BUDGET = 100_000_000n;

/** Reads and writes the fuel counter of one instance. */
export interface FuelMeter {
  /** Gives the guest `budget` units of fuel (replaces whatever was left). */
  set(budget: bigint): void;
  /** What is left; negative once the guest ran out (the guest traps right then). */
  left(): bigint;
}

/**
 * The fuel meter of `instance`, or null when the module was not metered (no `__pww_fuel` export,
 * or an export of that name that is not a mutable i64 global, which we refuse to touch).
 */
export function fuelOf(instance: WebAssembly.Instance): FuelMeter | null {
  const global = instance.exports[FUEL_EXPORT];
  if (!(global instanceof WebAssembly.Global)) return null;
  // Probe the type without changing the value: an i64 global reads as a BigInt, and writing the
  // same value back throws on an immutable global.
  const current: unknown = global.value;
  if (typeof current !== "bigint") return null;
  try {
    global.value = current;
  } catch {
    return null;
  }
  return {
    set(budget) {
      global.value = budget;
    },
    left() {
      return global.value as bigint;
    },
  };
}

/** A callback ran out of fuel: the guest was stopped by the meter, probably in a runaway loop. */
export class FuelExhausted extends Error {
  constructor(
    /** The budget the callback was given. */
    readonly budget: bigint,
    /** The trap the engine raised (a `WebAssembly.RuntimeError: unreachable`, possibly wrapped). */
    readonly trap: unknown,
  ) {
    super(`fuel exhausted (budget ${budget})`);
    this.name = "FuelExhausted";
  }
}

/**
 * After guest code threw `error`, tells whether the cause was the fuel meter: only the inserted
 * check can leave the counter below zero, and it traps at once when it does, so a negative counter
 * means "stopped by the meter" whatever wrapper the error travelled in. Returns the error to
 * report instead, or null when the failure was something else (a real trap, proc_exit, a host bug).
 */
export function fuelExhaustion(meter: FuelMeter | null, budget: bigint, error: unknown): FuelExhausted | null {
  if (!meter) return null;
  return meter.left() < 0n ? new FuelExhausted(budget, error) : null;
}

/** Fuel spent since the meter was set to `budget` (deterministic for the same input and code). */
export function fuelUsed(meter: FuelMeter, budget: bigint): bigint {
  return budget - meter.left();
}
