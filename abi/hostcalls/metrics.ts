/**
 * Host calls of proxy-wasm-abi.md §1.10: metrics. The i64 arguments arrive as BigInt.
 * @module
 */
import { metricsOf } from "../metrics.ts";
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

/** Defines (or finds again) a metric of this filter and writes its id; BadArgument for a bad type. */
export function proxy_define_metric(vm: Vm, type: number, namePtr: number, nameLen: number, idOut: number): number {
  const name = vm.memory.readString(namePtr, nameLen);
  if (name === null || !vm.memory.inBounds(idOut, 4)) return Status.InvalidMemoryAccess;
  const { status, id } = metricsOf(vm).define(vm.filter, type >>> 0, name);
  if (status !== Status.Ok) return status;
  return vm.memory.writeU32(idOut, id) ? Status.Ok : Status.InvalidMemoryAccess;
}

/** Adds a signed 64-bit delta (a counter ignores a non-positive one; a histogram is BadArgument). */
export function proxy_increment_metric(vm: Vm, id: number, delta: bigint): number {
  return metricsOf(vm).increment(id >>> 0, BigInt.asIntN(64, BigInt(delta)));
}

/** Records an unsigned 64-bit value: gauge set, histogram sample, counter add. */
export function proxy_record_metric(vm: Vm, id: number, value: bigint): number {
  return metricsOf(vm).record(id >>> 0, BigInt.asUintN(64, BigInt(value)));
}

/** Writes a counter's or gauge's value as u64; BadArgument for a histogram. */
export function proxy_get_metric(vm: Vm, id: number, valueOut: number): number {
  if (!vm.memory.inBounds(valueOut, 8)) return Status.InvalidMemoryAccess;
  const { status, value } = metricsOf(vm).get(id >>> 0);
  if (status !== Status.Ok) return status;
  return vm.memory.writeU64(valueOut, value) ? Status.Ok : Status.InvalidMemoryAccess;
}
