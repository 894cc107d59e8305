/**
 * `proxy_call_foreign_function` (proxy-wasm-abi.md §1.1): calls a host function by name.
 * @module
 */
import { GuestAbort, GuestTrap, ProcExit, describe } from "../errors.ts";
import { foreignFunctionsOf, type ForeignFunctionResult } from "../foreign-functions.ts";
import { LogLevel, Status } from "../types.ts";
import type { Vm } from "../vm.ts";

const NO_RESULT = new Uint8Array(0);

/**
 * NotFound for an unknown name (Kong traps). The function's own status is passed through; its
 * result goes through the guest's allocator only when the guest asked for it (`→ptr != 0`).
 */
export function proxy_call_foreign_function(
  vm: Vm,
  namePtr: number,
  nameLen: number,
  argsPtr: number,
  argsLen: number,
  resultsPtrOut: number,
  resultsLenOut: number,
): number {
  const name = vm.memory.readString(namePtr, nameLen);
  const args = vm.memory.read(argsPtr, argsLen);
  if (name === null || args === null) return Status.InvalidMemoryAccess;
  const fn = foreignFunctionsOf(vm).get(name);
  if (fn === undefined) return Status.NotFound;
  let answer: ForeignFunctionResult;
  try {
    answer = fn(args, vm);
  } catch (error) {
    // Guest code the function ran (the allocator) trapped: that is the guest's failure, not ours.
    if (error instanceof GuestTrap || error instanceof ProcExit || error instanceof GuestAbort) throw error;
    vm.log(LogLevel.Error, `foreign function ${name} failed: ${describe(error)}`);
    return Status.InternalFailure;
  }
  if (answer.status !== Status.Ok || resultsPtrOut >>> 0 === 0) return answer.status;
  return vm.memory.returnBytes(answer.result ?? NO_RESULT, resultsPtrOut, resultsLenOut);
}
