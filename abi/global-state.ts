/**
 * Global state (DESIGN.md "State: isolate or global"): shared data and shared queues kept by a
 * service outside the isolate (Durable Objects, in the gateway), reached through host calls that
 * suspend the guest. `abi/` only sees this interface; the gateway provides the service.
 * @module
 */
import type { Context } from "./context.ts";
import type { SharedDataEntry } from "./shared-data.ts";
import type { Status } from "./types.ts";

/** The operations of the state service. Every one may reject or never settle: callers time them out. */
export interface GlobalStateService {
  /** The value and CAS of `key` in the scope of `vmId`, or undefined when absent. */
  getData(vmId: string, key: string): Promise<SharedDataEntry | undefined>;
  /** Envoy's CAS rules (shared-data.ts): Ok or CasMismatch. `value` null deletes. */
  setData(vmId: string, key: string, value: Uint8Array | null, cas: number): Promise<Status>;
  /** Makes the queue `(vmId, name)` exist everywhere (idempotent). */
  registerQueue(vmId: string, name: string): Promise<void>;
  /** Whether anybody registered `(vmId, name)`. */
  queueExists(vmId: string, name: string): Promise<boolean>;
  /** Appends an item: Ok, or NotFound when the queue was never registered. */
  enqueue(vmId: string, name: string, value: Uint8Array): Promise<Status>;
  /** Takes the oldest item: Ok with it, Empty, or NotFound. Each item is taken exactly once. */
  dequeue(vmId: string, name: string): Promise<{ status: Status; value?: Uint8Array }>;
  /** How many items wait in `(vmId, name)` (0 for an unknown queue). */
  queueLength(vmId: string, name: string): Promise<number>;
  /** Where `(vmId, key)` lives, for log lines (e.g. the shard's name). */
  locate(vmId: string, key: string): string;
}

/** What a suspending VM needs: the service and how long one state call may take. */
export interface GlobalStateAccess {
  service: GlobalStateService;
  timeoutMs: number;
}

/** Why a state call failed: the service rejected, or it took longer than the timeout. */
export class StateCallFailure extends Error {}

/**
 * Runs one state call with the VM's timeout. A call that times out may still land later (a set
 * in particular): it is reported, never retried by the host.
 */
export async function withStateTimeout<T>(call: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StateCallFailure(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer!);
  }
}

/**
 * Records that a state call of `context` failed. A stream's request then follows its plugin's
 * failure_policy once the callback returns; later state calls of the stream fail at once, so a
 * filter that retries (as rate limiters do on CasMismatch) cannot stack up timeouts.
 */
export function recordStateFailure(context: Context | null, reason: string): void {
  if (context?.kind === "stream" && context.effects.stateFailure === null) context.effects.stateFailure = reason;
}

/** Whether `context` already saw a state call fail during this request. */
export function stateFailed(context: Context | null): boolean {
  return context?.kind === "stream" && context.effects.stateFailure !== null;
}
