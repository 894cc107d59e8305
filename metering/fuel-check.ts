/**
 * The code inserted at each function entry and loop header:
 *
 *   fuel = fuel - cost; if (fuel < 0) unreachable
 *
 * The subtraction happens before the test, so a trapped guest leaves the counter negative: that is
 * how the host tells fuel exhaustion from any other trap. The counter is i64 so a budget can never
 * wrap around within any realistic run time.
 * @module
 */
import { api, i64Const, type BinaryenModule } from "./binaryen-api.ts";

/** A fresh (never shared: Binaryen IR is a tree) check that charges `cost`. */
export function fuelCheck(module: BinaryenModule, fuelGlobal: string, cost: number): number {
  const charge = module.global.set(
    fuelGlobal,
    module.i64.sub(module.global.get(fuelGlobal, api.i64), i64Const(module, BigInt(cost))),
  );
  const test = module.if(module.i64.lt_s(module.global.get(fuelGlobal, api.i64), i64Const(module, 0n)), module.unreachable());
  return module.block(null, [charge, test], api.none);
}

/**
 * `body` with a check in front. The wrapping block has no label (nothing can branch to it) and
 * takes `body`'s type, so the expression it replaces keeps its type and its branch targets.
 */
export function prependFuelCheck(module: BinaryenModule, fuelGlobal: string, cost: number, body: number): number {
  return module.block(null, [fuelCheck(module, fuelGlobal, cost), body], api.auto);
}
