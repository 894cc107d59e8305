/**
 * Ticks without background timers: a root context's `on_tick` runs when it is due at the moment
 * the gateway asks (on requests through `waitUntil`, and from the cron `scheduled` handler).
 * A tick that was missed several times runs once.
 * @module
 */
import type { RootContext } from "./context.ts";
import type { Vm } from "./vm.ts";
import { wakeStreams } from "./callouts.ts";
import { andThen } from "./maybe-async.ts";

/** Milliseconds on the host's monotonic clock. */
export function nowMs(vm: Vm): number {
  return Number(vm.host.monotonic() / 1_000_000n);
}

export function setTickPeriod(vm: Vm, root: RootContext, periodMs: number): void {
  root.tickPeriodMs = periodMs;
  root.nextTickAt = periodMs > 0 ? nowMs(vm) + periodMs : 0;
}

/**
 * Runs `on_tick` for `root` if due; answers whether it ran (a promise for a VM with global
 * state). Throws (or rejects with) VmFailure when the tick traps.
 */
export function runTickIfDue(vm: Vm, root: RootContext): boolean | Promise<boolean> {
  const onTick = vm.exports.on_tick;
  if (root.tickPeriodMs === 0 || !onTick || vm.failure) return false;
  const now = nowMs(vm);
  if (now < root.nextTickAt) return false;
  root.nextTickAt = now + root.tickPeriodMs;
  return andThen(vm.invoke(root, "proxy_on_tick", onTick, [root.id]), () => {
    wakeStreams(vm);
    return true;
  });
}
