/**
 * `proxy_set_tick_period_milliseconds` (proxy-wasm-abi.md §1.1): the timer belongs to the root
 * context of the calling context; 0 stops it.
 * @module
 */
import { setTickPeriod } from "../timers.ts";
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

export function proxy_set_tick_period_milliseconds(vm: Vm, periodMs: number): number {
  const context = vm.activeContext;
  if (context === null) return Status.BadArgument;
  setTickPeriod(vm, context.kind === "root" ? context : context.root, periodMs >>> 0);
  return Status.Ok;
}
