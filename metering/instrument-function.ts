/**
 * Puts fuel checks into one function.
 *
 * Safety comes from two kinds of check: one at the function's entry and one at the header of every
 * loop. Those are the only places where control comes back to code it already ran (calls enter a
 * function, branches to a loop label go to its header), so every run-away path, however it loops
 * or recurses, pays fuel on each round.
 *
 * Accuracy comes from charging each check with the size of its "region": the expressions from the
 * check up to the next check, counting both arms of an `if` (an over-estimate, never an under-one).
 * A third kind of check makes regions follow the code's basic blocks: after a labelled block that
 * is followed by more code in its parent block, the rest of the parent starts a region of its own,
 * since control reaches it from any branch to that label. Without it, Go's output (every function
 * one big `loop` whose `br_table` jumps to a basic block and which goes back to the header for the
 * next one) would pay for the whole function at each jump. A tail region too small to be worth a
 * check is charged to the region it follows instead. All charges depend on the code only, so the
 * fuel a call uses is deterministic.
 * @module
 */
import { api, type BinaryenModule } from "./binaryen-api.ts";
import { expressionChildren } from "./expression-children.ts";
import { fuelCheck, prependFuelCheck } from "./fuel-check.ts";

/** How a check is charged: the size of its region, or 1 per function entry and loop iteration. */
export type CostModel = "size" | "unit";

/** What was inserted into one function. */
export interface FunctionMetering {
  loops: number;
  /** Checks at the start of a block's tail (after a labelled block). */
  tails: number;
}

/** Largest charge per check: far above any real region, and exact as a JS number. */
const MAX_COST = 0x7fffffff;

/** A tail region smaller than this (in expressions) costs less to charge up front than to check. */
const MIN_TAIL = 8;

/** Where a region starts: the function body, a loop's body, or the rest of a block after a child. */
type RegionStart =
  | { kind: "entry" }
  | { kind: "loop"; loop: number }
  | { kind: "tail"; block: number; index: number };

interface Region {
  start: RegionStart;
  /** The expressions the region's code starts with (walked in order). */
  roots: number[];
  /** Index in the region list of the region this one was found in (-1 for the entry). */
  parent: number;
  size: number;
  /** Charged to the parent instead of getting a check of its own. */
  merged: boolean;
}

/**
 * Counts the expressions of `region`, queuing the regions it contains: each loop (counted as one
 * expression here) and each tail after a labelled block. Iterative, because Binaryen IR of real
 * programs nests far deeper than the JS stack allows. Reads the tree only: all insertions happen
 * after every region was measured, so block child indices stay those of the original code.
 */
function measure(region: Region, index: number, queue: Region[], where: string, tails: boolean): void {
  /** Keeps the part of `block`'s children from `offset` on that runs before a tail; queues the tail. */
  const headOf = (block: number, children: number[], offset: number): number[] => {
    if (!tails) return children;
    const split = children.findIndex((child, i) => i < children.length - 1 && isLabelledBlock(child));
    if (split < 0) return children;
    const tail: RegionStart = { kind: "tail", block, index: offset + split + 1 };
    queue.push({ start: tail, roots: children.slice(split + 1), parent: index, size: 0, merged: false });
    return children.slice(0, split + 1);
  };
  const start = region.start;
  const roots = start.kind === "tail" ? headOf(start.block, region.roots, start.index) : region.roots;
  const pending = [...roots].reverse();
  for (let expr = pending.pop(); expr !== undefined; expr = pending.pop()) {
    region.size++;
    const id = api.getExpressionId(expr);
    if (id === api.LoopId) {
      queue.push({ start: { kind: "loop", loop: expr }, roots: [api.Loop.getBody(expr)], parent: index, size: 0, merged: false });
      continue;
    }
    const children = expressionChildren(expr, where);
    const walked = id === api.BlockId ? headOf(expr, children, 0) : children;
    for (let i = walked.length - 1; i >= 0; i--) pending.push(walked[i]!);
  }
}

function isLabelledBlock(expr: number): boolean {
  return api.getExpressionId(expr) === api.BlockId && Boolean(api.Block.getName(expr));
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
  const unit = costModel === "unit";
  const regions: Region[] = [{ start: { kind: "entry" }, roots: [api.Function.getBody(func)], parent: -1, size: 0, merged: false }];
  // Breadth-first: a region is always listed after the one it was found in.
  for (let i = 0; i < regions.length; i++) measure(regions[i]!, i, regions, where, !unit);
  // Children before parents, so a merged tail's size reaches the region that really pays it.
  for (let i = regions.length - 1; i > 0; i--) {
    const region = regions[i]!;
    if (region.start.kind === "tail" && region.size < MIN_TAIL) {
      region.merged = true;
      regions[region.parent]!.size += region.size;
    }
  }

  const cost = (region: Region) => (unit ? 1 : Math.min(region.size, MAX_COST));
  const tailsByBlock = new Map<number, Region[]>();
  let loops = 0;
  for (const region of regions) {
    const start = region.start;
    if (region.merged) continue;
    if (start.kind === "entry") {
      api.Function.setBody(func, prependFuelCheck(module, fuelGlobal, cost(region), region.roots[0]!));
    } else if (start.kind === "loop") {
      api.Loop.setBody(start.loop, prependFuelCheck(module, fuelGlobal, cost(region), region.roots[0]!));
      loops++;
    } else {
      const list = tailsByBlock.get(start.block) ?? [];
      list.push(region);
      tailsByBlock.set(start.block, list);
    }
  }
  // Last index first, so inserting a check does not move the places still to fill.
  let tailChecks = 0;
  for (const [block, tails] of tailsByBlock) {
    const byIndex = tails.sort((a, b) => tailIndex(b) - tailIndex(a));
    for (const tail of byIndex) api.Block.insertChildAt(block, tailIndex(tail), fuelCheck(module, fuelGlobal, cost(tail)));
    tailChecks += tails.length;
  }
  return { loops, tails: tailChecks };
}

function tailIndex(region: Region): number {
  return region.start.kind === "tail" ? region.start.index : 0;
}
