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
 * Writes a key (cas 0: unconditionally; else only if it matches). Value ptr 0 with length 0 is
 * Rust's `remove_shared_data` and deletes the key (as Kong does; Envoy stores an empty value);
 * a non-zero pointer with length 0 stores an empty value.
 */
export function proxy_set_shared_data(vm: Vm, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, cas: number): number {
  const key = vm.memory.readString(keyPtr, keyLen);
  if (key === null) return Status.InvalidMemoryAccess;
  const remove = valuePtr >>> 0 === 0 && valueLen >>> 0 === 0;
  const value = remove ? null : vm.memory.read(valuePtr, valueLen);
  if (!remove && value === null) return Status.InvalidMemoryAccess;
  return sharedDataOf(vm).set(vm.vmId, key, value, cas >>> 0);
}
