/**
 * Host calls of proxy-wasm-abi.md §1.1: logging, time, effective context, foreign functions.
 * @module
 */
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

export function proxy_log(vm: Vm, level: number, messagePtr: number, messageLen: number): number {
  if (level >>> 0 > 5) return Status.BadArgument;
  const message = vm.memory.readString(messagePtr, messageLen);
  if (message === null) return Status.InvalidMemoryAccess;
  vm.log(level, message);
  return Status.Ok;
}

export function proxy_get_log_level(vm: Vm, levelOut: number): number {
  return vm.memory.writeU32(levelOut, vm.host.logLevel(vm.filter)) ? Status.Ok : Status.InvalidMemoryAccess;
}

export function proxy_get_current_time_nanoseconds(vm: Vm, timeOut: number): number {
  return vm.memory.writeU64(timeOut, vm.host.now()) ? Status.Ok : Status.InvalidMemoryAccess;
}

export function proxy_set_effective_context(vm: Vm, contextId: number): number {
  return vm.setEffectiveContext(contextId >>> 0);
}

/**
 * No foreign function is registered yet, so every name is unknown: NotFound, which the SDKs
 * report as an error value instead of trapping (Kong traps here).
 */
export function proxy_call_foreign_function(
  vm: Vm,
  namePtr: number,
  nameLen: number,
  argsPtr: number,
  argsLen: number,
  _resultsPtrOut: number,
  _resultsLenOut: number,
): number {
  const name = vm.memory.readString(namePtr, nameLen);
  if (name === null || !vm.memory.inBounds(argsPtr, argsLen)) return Status.InvalidMemoryAccess;
  return Status.NotFound;
}
