/**
 * Host calls of proxy-wasm-abi.md §1.1: logging, time, effective context, foreign functions.
 * @module
 */
import { LogLevel, Status } from "../types.ts";
import type { Vm } from "../vm.ts";

export function proxy_log(vm: Vm, level: number, messagePtr: number, messageLen: number): number {
  if (level >>> 0 > 5) return Status.BadArgument;
  const message = vm.memory.readString(messagePtr, messageLen);
  if (message === null) return Status.InvalidMemoryAccess;
  vm.log(level, message);
  return Status.Ok;
}

/**
 * Writes the level the host logs this filter at (the gateway may set one per filter). Clamped to
 * 0–5: Envoy can answer 6 ("off"), which the Rust SDK's LogLevel cannot represent.
 */
export function proxy_get_log_level(vm: Vm, levelOut: number): number {
  const level = Math.min(LogLevel.Critical, Math.max(LogLevel.Trace, Math.trunc(vm.host.logLevel(vm.filter)) || 0));
  return vm.memory.writeU32(levelOut, level) ? Status.Ok : Status.InvalidMemoryAccess;
}

export function proxy_get_current_time_nanoseconds(vm: Vm, timeOut: number): number {
  return vm.memory.writeU64(timeOut, vm.host.now()) ? Status.Ok : Status.InvalidMemoryAccess;
}

export function proxy_set_effective_context(vm: Vm, contextId: number): number {
  return vm.setEffectiveContext(contextId >>> 0);
}

/** Lives next to the foreign-function registry; re-exported so the HOST_CALLS table need not change. */
export { proxy_call_foreign_function } from "./foreign-functions.ts";
