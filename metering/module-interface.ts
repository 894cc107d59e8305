/**
 * What the outside world sees of a module: its imports and exports as the engine reports them.
 * The transform compares them before and after, so a rewrite that lost or renamed anything is
 * refused rather than shipped.
 * @module
 */
import { MeteringError } from "./metering-error.ts";

/**
 * Imports as `module.name:kind` and exports as `name:kind`, sorted: binaryen writes imports grouped
 * by kind, and the order of either list means nothing to an embedder that links by name.
 */
export interface ModuleInterface {
  imports: string[];
  exports: string[];
}

/** Compiles `bytes` with the engine; `what` names the module in the error when it does not compile. */
export function compile(bytes: Uint8Array, what: string): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new MeteringError(`${what} does not compile: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** The imports and exports of a compiled module. */
export function moduleInterface(module: WebAssembly.Module): ModuleInterface {
  return {
    imports: WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`).sort(),
    exports: WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`).sort(),
  };
}

/** Throws when `after` differs from `before` other than by the `added` exports. */
export function assertSameInterface(before: ModuleInterface, after: ModuleInterface, added: readonly string[]): void {
  const exportsAfter = after.exports.filter((e) => !added.includes(e));
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(before.imports, after.imports)) {
    throw new MeteringError(`the rewrite changed the imports: ${before.imports.join(", ")} → ${after.imports.join(", ")}`);
  }
  if (!same(before.exports, exportsAfter)) {
    throw new MeteringError(`the rewrite changed the exports: ${before.exports.join(", ")} → ${exportsAfter.join(", ")}`);
  }
}
