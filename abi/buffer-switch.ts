/**
 * A VM's instance of the buffer switch (abi/buffer-switch-module.ts): the filter imports the
 * switch's body buffer host calls, which may suspend the filter to read a deferred body while
 * the host allows it, and answer at once otherwise.
 * @module
 */
import { SWITCHED_HOST_CALLS, SWITCH_IMPORT_MODULE } from "./buffer-switch-module.ts";

type SwitchedCall = (typeof SWITCHED_HOST_CALLS)[number];

/** The two forms of each switched host call, already guarded against host errors. */
export type SwitchedCalls = Record<SwitchedCall, { immediate: (...args: never[]) => number; suspending: (...args: never[]) => number | Promise<number> }>;

export class BufferSwitch {
  readonly #suspendable: WebAssembly.Global;
  /** The switch's exports that replace the filter's `env` imports of the same names. */
  readonly imports: Record<SwitchedCall, Function>;

  constructor(module: WebAssembly.Module, calls: SwitchedCalls) {
    const host: Record<string, unknown> = {};
    for (const name of SWITCHED_HOST_CALLS) {
      host[name] = calls[name].immediate;
      host[`${name}_suspending`] = new WebAssembly.Suspending(calls[name].suspending);
    }
    const exports = new WebAssembly.Instance(module, { [SWITCH_IMPORT_MODULE]: host } as WebAssembly.Imports).exports;
    this.#suspendable = exports.suspendable as WebAssembly.Global;
    this.imports = Object.fromEntries(SWITCHED_HOST_CALLS.map((name) => [name, exports[name] as Function])) as Record<SwitchedCall, Function>;
  }

  /** Whether the switched host calls may suspend: only while a callback runs through `WebAssembly.promising`. */
  set suspendable(on: boolean) {
    this.#suspendable.value = on ? 1 : 0;
  }
}

/** Whether a module imports any of the switched host calls (one that does not cannot read bodies). */
export function importsSwitchedCalls(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((entry) => entry.module === "env" && (SWITCHED_HOST_CALLS as readonly string[]).includes(entry.name));
}
