/**
 * Puts fuel checks into one function: one at its entry, one at the header of every loop. Those are
 * the only places where control can come back to code it already ran (calls enter a function,
 * branches to a loop label go to its header), so every run-away path, however it loops or
 * recurses, pays fuel on each round.
 *
 * Each check is charged with the size of its "region": the expressions from that point up to the
 * next loop header or the end of the function or loop, counting both arms of an `if`. That makes a
 * fat loop body cost more per iteration than `(loop br 0)` while staying deterministic: the charge
 * depends on the code only, never on the data.
 * @module
 */
import { api, type BinaryenModule } from "./binaryen-api.ts";
import { expressionChildren } from "./expression-children.ts";
import { prependFuelCheck } from "./fuel-check.ts";

/** How a check is charged: the size of its region, or 1 per function entry and loop iteration. */
export type CostModel = "size" | "unit";

/** What was inserted into one function. */
export interface FunctionMetering {
  loops: number;
}

/** Largest charge per check: far above any real region, and exact as a JS number. */
const MAX_COST = 0x7fffffff;

/**
 * Counts the expressions of the region rooted at `root`, without descending into loops: each loop
 * found is counted as one expression here and returned, since it opens a region of its own.
 * Iterative, because Binaryen IR of real programs nests far deeper than the JS stack allows.
 */
function walkRegion(root: number, where: string): { size: number; loops: number[] } {
  const loops: number[] = [];
  const pending = [root];
  let size = 0;
  for (let expr = pending.pop(); expr !== undefined; expr = pending.pop()) {
    size++;
    if (api.getExpressionId(expr) === api.LoopId) {
      loops.push(expr);
      continue;
    }
    // One push per child: a block may hold more children than a spread may pass as arguments.
    for (const child of expressionChildren(expr, where)) pending.push(child);
  }
  return { size, loops };
}

/** Instruments `func` (a defined function, not an import) in place. */
export function instrumentFunction(
  module: BinaryenModule,
  func: number,
  name: string,
  fuelGlobal: string,
  costModel: CostModel,
): FunctionMetering {
  const where = `function ${name}`;
  const cost = (size: number) => (costModel === "unit" ? 1 : Math.min(size, MAX_COST));

  const body = api.Function.getBody(func);
  const entry = walkRegion(body, where);
  api.Function.setBody(func, prependFuelCheck(module, fuelGlobal, cost(entry.size), body));

  let loops = 0;
  const pendingLoops = [...entry.loops];
  for (let loop = pendingLoops.pop(); loop !== undefined; loop = pendingLoops.pop()) {
    const loopBody = api.Loop.getBody(loop);
    const region = walkRegion(loopBody, where);
    api.Loop.setBody(loop, prependFuelCheck(module, fuelGlobal, cost(region.size), loopBody));
    for (const inner of region.loops) pendingLoops.push(inner);
    loops++;
  }
  return { loops };
}
