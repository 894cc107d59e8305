/**
 * Host calls of proxy-wasm-abi.md §1.8: the shared key-value store, scoped by the VM id.
 * @module
 */
import { sharedDataOf } from "../shared-data.ts";
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

/** Writes the value of a key and its CAS number; NotFound when the key is absent. */
export function proxy_get_shared_data(
  vm: Vm,
  keyPtr: number,
  keyLen: number,
  valuePtrOut: number,
  valueLenOut: number,
  casOut: number,
): number {
  const key = vm.memory.readString(keyPtr, keyLen);
  if (key === null || !vm.memory.inBounds(casOut, 4)) return Status.InvalidMemoryAccess;
  const entry = sharedDataOf(vm).get(vm.vmId, key);
  if (entry === undefined) return Status.NotFound;
  const status = vm.memory.returnBytes(entry.value, valuePtrOut, valueLenOut);
  if (status !== Status.Ok) return status;
  return vm.memory.writeU32(casOut, entry.cas) ? Status.Ok : Status.InvalidMemoryAccess;
}

/**
 * Writes a key (cas 0: unconditionally; else only if it matches). An empty value is stored as
 * one, also when the pointer is 0, as Envoy does: the Go SDK writes an empty slice as pointer 0
 * and length 0 (its shared_data example initialises a key so in on_vm_start), and Kong's reading
 * of that as a delete made the key vanish.
 */
export function proxy_set_shared_data(vm: Vm, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, cas: number): number {
  const key = vm.memory.readString(keyPtr, keyLen);
  if (key === null) return Status.InvalidMemoryAccess;
  const value = valueLen >>> 0 === 0 ? new Uint8Array(0) : vm.memory.read(valuePtr, valueLen);
  if (value === null) return Status.InvalidMemoryAccess;
  return sharedDataOf(vm).set(vm.vmId, key, value, cas >>> 0);
}
