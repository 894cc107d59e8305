/**
 * The state host calls of a VM with global state (§1.8, §1.9): the same contract as the
 * isolate-local ones, answered by the state service. Each awaits it, so the guest suspends
 * (the import is wrapped in `WebAssembly.Suspending`). A call that fails or times out answers
 * the status the Rust, Go, AssemblyScript and C++ SDKs handle without panicking (docs/global-state.md)
 * and makes the request follow its plugin's failure_policy.
 * @module
 */
import { describe } from "../errors.ts";
import { recordStateFailure, stateFailed, withStateTimeout, type GlobalStateService } from "../global-state.ts";
import { globalQueueName, globalQueueToken, knownGlobalQueueToken, notifyLocalReceivers, addGlobalQueueReceiver } from "../global-queues.ts";
import { LogLevel, Status } from "../types.ts";
import type { Vm } from "../vm.ts";

type Outcome<T> = { ok: true; value: T } | { ok: false };

/** Runs one call to the state service for the active context, with timeout and failure record. */
async function stateCall<T>(vm: Vm, what: string, key: string, run: (service: GlobalStateService) => Promise<T>): Promise<Outcome<T>> {
  const context = vm.activeContext;
  const access = vm.globalState!;
  if (stateFailed(context)) return { ok: false };
  try {
    return { ok: true, value: await withStateTimeout(run(access.service), access.timeoutMs) };
  } catch (error) {
    const reason = `global state: ${what} "${key}" (${access.service.locate(vm.vmId, key)}) failed: ${describe(error)}`;
    vm.log(LogLevel.Error, reason);
    recordStateFailure(context, reason);
    return { ok: false };
  }
}

/** A failed read answers NotFound: every SDK reads it as "no value". */
export async function proxy_get_shared_data(vm: Vm, keyPtr: number, keyLen: number, valuePtrOut: number, valueLenOut: number, casOut: number): Promise<number> {
  const key = vm.memory.readString(keyPtr, keyLen);
  if (key === null || !vm.memory.inBounds(casOut, 4)) return Status.InvalidMemoryAccess;
  const result = await stateCall(vm, "get", key, (service) => service.getData(vm.vmId, key));
  if (!result.ok || result.value === undefined) return Status.NotFound;
  const status = vm.memory.returnBytes(result.value.value, valuePtrOut, valueLenOut);
  if (status !== Status.Ok) return status;
  return vm.memory.writeU32(casOut, result.value.cas) ? Status.Ok : Status.InvalidMemoryAccess;
}

/** A failed write answers CasMismatch: the SDKs return it to the filter, none panics on it. */
export async function proxy_set_shared_data(vm: Vm, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, cas: number): Promise<number> {
  const key = vm.memory.readString(keyPtr, keyLen);
  if (key === null) return Status.InvalidMemoryAccess;
  // An empty value is stored as one, also from pointer 0 (shared-data.ts says why).
  const value = valueLen >>> 0 === 0 ? new Uint8Array(0) : vm.memory.read(valuePtr, valueLen);
  if (value === null) return Status.InvalidMemoryAccess;
  const result = await stateCall(vm, "set", key, (service) => service.setData(vm.vmId, key, value, cas >>> 0));
  return result.ok ? result.value : Status.CasMismatch;
}

/**
 * The token is this isolate's and is valid at once; the registration reaches the service too.
 * If that fails the queue still works here (the first enqueue registers it), so Ok either way:
 * the Rust SDK panics on any other status of this call.
 */
export async function proxy_register_shared_queue(vm: Vm, namePtr: number, nameLen: number, tokenOut: number): Promise<number> {
  const name = vm.memory.readString(namePtr, nameLen);
  if (name === null || !vm.memory.inBounds(tokenOut, 4)) return Status.InvalidMemoryAccess;
  const context = vm.activeContext;
  const token = globalQueueToken(vm.vmId, name);
  addGlobalQueueReceiver(token, context === null ? null : { vm, rootId: context.kind === "root" ? context.id : context.root.id });
  await stateCall(vm, "register queue", name, (service) => service.registerQueue(vm.vmId, name));
  return vm.memory.writeU32(tokenOut, token) ? Status.Ok : Status.InvalidMemoryAccess;
}

/** NotFound when nobody registered the queue, or when the service cannot say. */
export async function proxy_resolve_shared_queue(vm: Vm, vmIdPtr: number, vmIdLen: number, namePtr: number, nameLen: number, tokenOut: number): Promise<number> {
  const vmIdText = vm.memory.readString(vmIdPtr, vmIdLen);
  const name = vm.memory.readString(namePtr, nameLen);
  if (vmIdText === null || name === null || !vm.memory.inBounds(tokenOut, 4)) return Status.InvalidMemoryAccess;
  const vmId = vmIdText === "" ? vm.vmId : vmIdText;
  let token = knownGlobalQueueToken(vmId, name);
  if (token === undefined) {
    const exists = await stateCall(vm, "resolve queue", name, (service) => service.queueExists(vmId, name));
    if (!exists.ok || !exists.value) return Status.NotFound;
    token = globalQueueToken(vmId, name);
  }
  return vm.memory.writeU32(tokenOut, token) ? Status.Ok : Status.InvalidMemoryAccess;
}

/** A failed enqueue answers NotFound (the SDKs return it as an error); nothing was acknowledged. */
export async function proxy_enqueue_shared_queue(vm: Vm, token: number, valuePtr: number, valueLen: number): Promise<number> {
  const queue = globalQueueName(token >>> 0);
  if (queue === undefined) return Status.NotFound;
  const value = vm.memory.read(valuePtr, valueLen);
  if (value === null) return Status.InvalidMemoryAccess;
  const result = await stateCall(vm, "enqueue", queue.name, (service) => service.enqueue(queue.vmId, queue.name, value));
  if (!result.ok) return Status.NotFound;
  if (result.value === Status.Ok) notifyLocalReceivers(token >>> 0);
  return result.value;
}

/**
 * A failed dequeue answers Empty. If the service never saw it, the item stays queued; one that
 * timed out after the service took the item loses it (docs/global-state.md, delivery).
 */
export async function proxy_dequeue_shared_queue(vm: Vm, token: number, valuePtrOut: number, valueLenOut: number): Promise<number> {
  if (!vm.memory.inBounds(valuePtrOut, 4) || !vm.memory.inBounds(valueLenOut, 4)) return Status.InvalidMemoryAccess;
  const queue = globalQueueName(token >>> 0);
  if (queue === undefined) return Status.NotFound;
  const result = await stateCall(vm, "dequeue", queue.name, (service) => service.dequeue(queue.vmId, queue.name));
  if (!result.ok) return Status.Empty;
  const { status, value } = result.value;
  if (status !== Status.Ok || value === undefined) return status;
  return vm.memory.returnBytes(value, valuePtrOut, valueLenOut);
}
