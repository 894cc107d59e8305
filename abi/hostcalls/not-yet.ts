/**
 * Host calls whose behaviour lands with the complete ABI (timers, callouts, gRPC, shared data,
 * queues, metrics). They link, log once per VM, and answer a status the SDKs turn into an
 * error value.
 * @module
 */
import { LogLevel, Status } from "../types.ts";
import type { Vm } from "../vm.ts";

const warned = new WeakMap<Vm, Set<string>>();

/** A host call this gateway does not offer yet; answers `status`. */
export function notYet(name: string, status: Status): (vm: Vm) => number {
  return (vm: Vm) => {
    const seen = warned.get(vm) ?? new Set<string>();
    warned.set(vm, seen);
    if (!seen.has(name)) {
      seen.add(name);
      vm.log(LogLevel.Warn, `host call ${name} is not supported by this gateway yet`);
    }
    return status;
  };
}
