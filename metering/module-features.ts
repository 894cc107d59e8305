/**
 * Which wasm features a module uses. The module is read with every feature binaryen knows enabled
 * (so nothing valid is rejected), but it must be written back with only the features it uses:
 * binaryen's writer follows the enabled set (bulk memory adds a DataCount section, for example),
 * and a filter must not come out needing more of the engine than it did going in. Binaryen's
 * validator checks each use of a feature against the enabled set, so a feature the module can do
 * without is one whose removal still validates.
 * @module
 */
import { api, type BinaryenModule } from "./binaryen-api.ts";
import { captureOutput } from "./binaryen-output.ts";

/**
 * Features binaryen asserts on (aborting, not failing validation) when they are missing while a
 * feature that includes them is set: bulk memory includes bulk-memory-opt (memory.copy/fill).
 */
const INCLUDED_IN = new Map<number, number>([[api.Features.BulkMemoryOpt, api.Features.BulkMemory]]);

/**
 * Every single-feature bit of `binaryen.Features.All`, in the order to try dropping them: highest
 * first, because a proposal that builds on another (GC on reference types, which the validator
 * checks) has the higher bit; the features included in another come last, once the including one
 * had its chance to go.
 */
function featureBits(): number[] {
  const bits: number[] = [];
  for (let bit = 1; bit <= api.Features.All; bit *= 2) if (api.Features.All & bit) bits.push(bit);
  bits.reverse();
  return [...bits.filter((bit) => !INCLUDED_IN.has(bit)), ...bits.filter((bit) => INCLUDED_IN.has(bit))];
}

/** Validates silently with `features` enabled. */
function validatesWith(module: BinaryenModule, features: number): boolean {
  module.setFeatures(features);
  return captureOutput(() => module.validate()).result === 1;
}

/**
 * The smallest feature set with which `module` validates, found by dropping one feature at a time
 * in `featureBits` order. Each feature is tried once: a failed validation is slow (binaryen prints
 * the offending code), and a feature the code uses fails whatever else is dropped later. Leaves
 * the module's feature set at the result. Returns null when the module does not validate even
 * with every feature enabled.
 */
export function usedFeatures(module: BinaryenModule): number | null {
  let features = api.Features.All as number;
  if (!validatesWith(module, features)) return null;
  if (validatesWith(module, api.Features.MVP)) return api.Features.MVP;
  for (const bit of featureBits()) {
    const includer = INCLUDED_IN.get(bit);
    if (includer !== undefined && features & includer) continue;
    if (validatesWith(module, features & ~bit)) features &= ~bit;
  }
  module.setFeatures(features);
  return features;
}

/** Feature names for messages and stats, e.g. `["BulkMemory", "SignExt"]`. */
export function featureNames(features: number): string[] {
  return Object.entries(api.Features)
    .filter(([name, bit]) => typeof bit === "number" && name !== "All" && bit !== 0 && (features & bit) === bit)
    .map(([name]) => name);
}
