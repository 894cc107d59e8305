/**
 * Fuel metering: rewrites a filter's module so that it counts down an exported fuel counter at
 * every function entry and loop header and traps when the counter goes below zero. The host
 * (`abi/fuel.ts`) sets a budget before each callback, so a filter stuck in a loop or a runaway
 * recursion is stopped instead of hanging the isolate (workerd has no CPU limit locally).
 *
 * Build-time code (Node): it uses binaryen and compiles modules to check the result.
 * @module
 */
import { DEFAULT_FUEL_BUDGET, FUEL_EXPORT } from "../abi/fuel.ts";
import { api, i64Const, type BinaryenModule } from "./binaryen-api.ts";
import { captureOutput } from "./binaryen-output.ts";
import { instrumentFunction, type CostModel } from "./instrument-function.ts";
import { MeteringError } from "./metering-error.ts";
import { featureNames, usedFeatures } from "./module-features.ts";
import { assertSameInterface, compile, moduleInterface } from "./module-interface.ts";
import { customSectionNames } from "./wasm-sections.ts";

export { MeteringError } from "./metering-error.ts";
export type { CostModel } from "./instrument-function.ts";

/** How to meter. */
export interface MeterOptions {
  /**
   * The counter's value at instantiation: what the start section and anything the host runs
   * before it first sets a budget may spend. Default: DEFAULT_FUEL_BUDGET.
   */
  initialFuel?: bigint;
  /** `"size"` (default): a check costs the size of the code it guards; `"unit"`: 1 per check. */
  costModel?: CostModel;
}

/** What the transform did. */
export interface MeterStats {
  /** Defined functions that got an entry check (imports have no body). */
  functions: number;
  /** Loops that got a header check. */
  loops: number;
  /** Checks at the start of block tails (basic blocks reached by branches; "size" cost model only). */
  tails: number;
  sizeBefore: number;
  sizeAfter: number;
  /** Wasm features the module uses, as binaryen names them (the output is written with these). */
  features: string[];
  customSectionsBefore: string[];
  customSectionsAfter: string[];
  /** Wall time of the transform, validation included. */
  milliseconds: number;
}

/** A metered module and what metering it did. */
export interface MeteredModule {
  bytes: Uint8Array;
  stats: MeterStats;
}

/** Largest value of the i64 counter. */
const I64_MAX = (1n << 63n) - 1n;

/**
 * Rewrites `bytes` so that it is fuel-metered (see the module doc). Semantics are otherwise
 * unchanged: imports, exports, start function, memories, tables, data, names and features are kept.
 * Throws MeteringError when the module is not valid, already exports the fuel counter, uses an
 * instruction the transform cannot look into, or does not validate after the rewrite.
 */
export function meterModule(bytes: Uint8Array, options: MeterOptions = {}): MeteredModule {
  const started = performance.now();
  const initialFuel = options.initialFuel ?? DEFAULT_FUEL_BUDGET;
  const costModel = options.costModel ?? "size";
  if (initialFuel < 0n || initialFuel > I64_MAX) throw new MeteringError(`initialFuel ${initialFuel} is not a non-negative i64`);

  const before = moduleInterface(compile(bytes, "the module"));
  if (before.exports.some((e) => e.startsWith(`${FUEL_EXPORT}:`))) {
    throw new MeteringError(`the module already exports "${FUEL_EXPORT}" (metered twice, or a name clash)`);
  }
  const customSectionsBefore = customSectionNames(bytes);

  // Names survive only with debug info on; turning it on for a module without a name section
  // would add one, so follow the input. The setting is global to binaryen.js: restore it.
  const debugInfo = api.getDebugInfo();
  api.setDebugInfo(customSectionsBefore.includes("name"));
  let module: BinaryenModule;
  try {
    module = readModule(bytes);
  } catch (error) {
    api.setDebugInfo(debugInfo);
    throw error;
  }
  try {
    const features = usedFeatures(module);
    if (features === null) throw new MeteringError(`binaryen does not accept the module as valid: ${validationErrors(module, api.Features.All)}`);

    const fuelGlobal = freeGlobalName(module, FUEL_EXPORT);
    module.addGlobal(fuelGlobal, api.i64, true, i64Const(module, initialFuel));
    module.addGlobalExport(fuelGlobal, FUEL_EXPORT);

    let functions = 0;
    let loops = 0;
    let tails = 0;
    for (let index = 0; index < module.getNumFunctions(); index++) {
      const func = module.getFunctionByIndex(index);
      const info = api.getFunctionInfo(func);
      if (info.module) continue; // an import
      const inserted = instrumentFunction(module, func, info.name, fuelGlobal, costModel);
      loops += inserted.loops;
      tails += inserted.tails;
      functions++;
    }

    // Exporting a mutable global needs that feature even if the module had none.
    const outputFeatures = features | api.Features.MutableGlobals;
    module.setFeatures(outputFeatures);
    const valid = captureOutput(() => module.validate());
    if (valid.result !== 1) throw new MeteringError(`the metered module does not validate: ${firstLines(valid.output)}`);

    const out = module.emitBinary();
    assertSameInterface(before, moduleInterface(compile(out, "the metered module")), [`${FUEL_EXPORT}:global`]);
    return {
      bytes: out,
      stats: {
        functions,
        loops,
        tails,
        sizeBefore: bytes.length,
        sizeAfter: out.length,
        features: featureNames(outputFeatures),
        customSectionsBefore,
        customSectionsAfter: customSectionNames(out),
        milliseconds: performance.now() - started,
      },
    };
  } finally {
    module.dispose();
    api.setDebugInfo(debugInfo);
  }
}

/** Reads with every feature enabled so that no valid module is rejected for its features. */
function readModule(bytes: Uint8Array): BinaryenModule {
  try {
    return captureOutput(() => api.readBinaryWithFeatures(bytes, api.Features.All)).result;
  } catch (error) {
    const reason = error && typeof error === "object" && "message" in error ? String(error.message) : String(error);
    throw new MeteringError(`binaryen cannot read the module: ${reason}`, { cause: error });
  }
}

/** An internal global name not taken yet (the name section may already use `base`). */
function freeGlobalName(module: BinaryenModule, base: string): string {
  for (let n = 0; ; n++) {
    const name = n === 0 ? base : `${base}_${n}`;
    if (!module.getGlobal(name)) return name;
  }
}

function validationErrors(module: BinaryenModule, features: number): string {
  module.setFeatures(features);
  return firstLines(captureOutput(() => module.validate()).output);
}

/** The first lines of binaryen's validator output: enough to name the function and the reason. */
function firstLines(text: string): string {
  return text.split("\n").slice(0, 12).join("\n").trim() || "(no details)";
}
