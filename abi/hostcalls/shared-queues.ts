/**
 * Host calls of proxy-wasm-abi.md §1.9: shared queues, scoped by the VM id, addressed by token.
 * @module
 */
import { notifyQueueReady, queuesOf } from "../shared-queues.ts";
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

/**
 * Creates or reopens the queue `name` of this VM id and writes its token. The root context of
 * the calling context becomes the receiver of `proxy_on_queue_ready` (unless a live one exists).
 */
export function proxy_register_shared_queue(vm: Vm, namePtr: number, nameLen: number, tokenOut: number): number {
  const name = vm.memory.readString(namePtr, nameLen);
  if (name === null || !vm.memory.inBounds(tokenOut, 4)) return Status.InvalidMemoryAccess;
  const context = vm.activeContext;
  // Without a context (a start function) the queue exists but has no receiver yet.
  const receiver = context === null ? null : { vm, rootId: context.kind === "root" ? context.id : context.root.id };
  const token = queuesOf(vm).register(vm.vmId, name, receiver);
  return vm.memory.writeU32(tokenOut, token) ? Status.Ok : Status.InvalidMemoryAccess;
}

/** Writes the token of `(vm_id, name)`; an empty VM id means this VM's. NotFound if unregistered. */
export function proxy_resolve_shared_queue(
  vm: Vm,
  vmIdPtr: number,
  vmIdLen: number,
  namePtr: number,
  nameLen: number,
  tokenOut: number,
): number {
  const vmId = vm.memory.readString(vmIdPtr, vmIdLen);
  const name = vm.memory.readString(namePtr, nameLen);
  if (vmId === null || name === null || !vm.memory.inBounds(tokenOut, 4)) return Status.InvalidMemoryAccess;
  const token = queuesOf(vm).resolve(vmId === "" ? vm.vmId : vmId, name);
  if (token === undefined) return Status.NotFound;
  return vm.memory.writeU32(tokenOut, token) ? Status.Ok : Status.InvalidMemoryAccess;
}

/** Appends an item and schedules `proxy_on_queue_ready` on the receiver, after this call returns. */
export function proxy_enqueue_shared_queue(vm: Vm, token: number, valuePtr: number, valueLen: number): number {
  const value = vm.memory.read(valuePtr, valueLen);
  if (value === null) return Status.InvalidMemoryAccess;
  const { status, receiver } = queuesOf(vm).enqueue(token >>> 0, value);
  if (status === Status.Ok && receiver !== null) notifyQueueReady(receiver, token >>> 0);
  return status;
}

/** Takes the oldest item into guest memory; Empty (7) when there is none, NotFound for a bad token. */
export function proxy_dequeue_shared_queue(vm: Vm, token: number, valuePtrOut: number, valueLenOut: number): number {
  // Check the out-slots first, so an item is never taken and then lost for a bad pointer.
  if (!vm.memory.inBounds(valuePtrOut, 4) || !vm.memory.inBounds(valueLenOut, 4)) return Status.InvalidMemoryAccess;
  const { status, value } = queuesOf(vm).dequeue(token >>> 0);
  if (status !== Status.Ok || value === undefined) return status;
  return vm.memory.returnBytes(value, valuePtrOut, valueLenOut);
}
