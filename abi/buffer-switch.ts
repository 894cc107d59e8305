/**
 * A VM's instance of the buffer switch (abi/buffer-switch-module.ts): the filter imports the
 * switch's body buffer host calls, which may suspend the filter to read a deferred body while
 * the host allows it, and answer at once otherwise. Its body callbacks run through trampolines
 * (the same module in its other role), which tell at once whether the callback suspended.
 * @module
 */
import { BODY_CALLBACK_IMPORT, BODY_CALLBACK_PENDING, SWITCHED_HOST_CALLS, SWITCH_IMPORT_MODULE } from "./buffer-switch-module.ts";
import type { MaybePromise } from "./maybe-async.ts";

type SwitchedCall = (typeof SWITCHED_HOST_CALLS)[number];

/** The two forms of each switched host call, already guarded against host errors. */
export type SwitchedCalls = Record<SwitchedCall, { immediate: (...args: never[]) => number; suspending: (...args: never[]) => number | Promise<number> }>;

/** Stands in for the imports of the role an instance does not play; never called. */
function unused(): never {
  throw new Error("the buffer switch called an import of its other role");
}

const UNUSED_HOST_CALLS = Object.fromEntries(SWITCHED_HOST_CALLS.flatMap((name) => [[name, unused], [`${name}_suspending`, unused]]));

/**
 * A body callback run through `WebAssembly.promising`: its result when it returned without
 * suspending, else a promise of it.
 */
export class BodyTrampoline {
  readonly #run: (...args: number[]) => Promise<number>;
  readonly #result: WebAssembly.Global;

  constructor(exports: WebAssembly.Exports) {
    this.#run = WebAssembly.promising(exports.run_body_callback as never) as (...args: number[]) => Promise<number>;
    this.#result = exports.body_callback_result as WebAssembly.Global;
  }

  call(args: readonly number[]): MaybePromise<number> {
    this.#result.value = BODY_CALLBACK_PENDING;
    const settled = this.#run(...args);
    const result = this.#result.value as number;
    // When it returned, the promise is settled already and nobody needs it.
    return result === BODY_CALLBACK_PENDING ? settled : result;
  }
}

export class BufferSwitch {
  readonly #module: WebAssembly.Module;
  readonly #suspendable: WebAssembly.Global;
  readonly #hasTrampoline: boolean;
  /** The switch's exports that replace the filter's `env` imports of the same names. */
  readonly imports: Record<SwitchedCall, Function>;

  constructor(module: WebAssembly.Module, calls: SwitchedCalls) {
    const host: Record<string, unknown> = {};
    for (const name of SWITCHED_HOST_CALLS) {
      host[name] = calls[name].immediate;
      host[`${name}_suspending`] = new WebAssembly.Suspending(calls[name].suspending);
    }
    this.#module = module;
    // A switch written by an older build has no trampoline role: body callbacks then take the promise's way.
    this.#hasTrampoline = WebAssembly.Module.imports(module).some((entry) => entry.module === BODY_CALLBACK_IMPORT.module);
    const imports = { [SWITCH_IMPORT_MODULE]: host, ...(this.#hasTrampoline && { [BODY_CALLBACK_IMPORT.module]: { [BODY_CALLBACK_IMPORT.name]: unused } }) };
    const exports = new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports;
    this.#suspendable = exports.suspendable as WebAssembly.Global;
    this.imports = Object.fromEntries(SWITCHED_HOST_CALLS.map((name) => [name, exports[name] as Function])) as Record<SwitchedCall, Function>;
  }

  /** Whether the switched host calls may suspend: only while a callback runs through `WebAssembly.promising`. */
  set suspendable(on: boolean) {
    this.#suspendable.value = on ? 1 : 0;
  }

  /**
   * A trampoline for the filter's exported body callback `callback`; null when the switch has
   * none or the callback's types are not the ABI's (the link fails).
   */
  trampoline(callback: Function): BodyTrampoline | null {
    if (!this.#hasTrampoline) return null;
    const imports = { [SWITCH_IMPORT_MODULE]: UNUSED_HOST_CALLS, [BODY_CALLBACK_IMPORT.module]: { [BODY_CALLBACK_IMPORT.name]: callback } };
    try {
      return new BodyTrampoline(new WebAssembly.Instance(this.#module, imports as WebAssembly.Imports).exports);
    } catch (error) {
      if (error instanceof Error && error.name === "LinkError") return null;
      throw error;
    }
  }
}

/** Whether a module imports any of the switched host calls (one that does not cannot read bodies). */
export function importsSwitchedCalls(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((entry) => entry.module === "env" && (SWITCHED_HOST_CALLS as readonly string[]).includes(entry.name));
}
