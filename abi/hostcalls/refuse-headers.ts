/**
 * How a host call answers headers that break abi/header-rules.ts: BadArgument, and a warning
 * naming the problem (and the host call, when the problem alone does not say where).
 * @module
 */
import { LogLevel, Status } from "../types.ts";
import type { Vm } from "../vm.ts";

export function refuseHeaders(vm: Vm, problem: string, hostCall?: string): number {
  vm.log(LogLevel.Warn, `${hostCall === undefined ? "" : `${hostCall} `}refused: ${problem}`);
  return Status.BadArgument;
}
