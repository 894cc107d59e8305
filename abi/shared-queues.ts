/**
 * Shared queues of proxy-wasm-abi.md §1.9 and §5.8: named per VM id, addressed by a token, and
 * drained by the root context that registered them, which hears of every enqueue through
 * `proxy_on_queue_ready(root_id, token)` — later, never from inside the enqueuing host call.
 * @module
 */
import { wakeStreams } from "./callouts.ts";
import type { RootContext } from "./context.ts";
import { VmFailure, describe } from "./errors.ts";
import { LogLevel, Status } from "./types.ts";
import type { Vm } from "./vm.ts";

/** Who is told about new items: a root context of a VM. */
export interface QueueReceiver {
  vm: Vm;
  rootId: number;
}

/** Where shared queues live. Every method is synchronous: host calls cannot wait. */
export interface SharedQueueRegistry {
  /**
   * Creates `(vmId, name)` or reopens it and returns its token (never 0). `receiver` becomes the
   * queue's receiver when it has none or its VM or root context is gone; a live receiver stays.
   */
  register(vmId: string, name: string, receiver: QueueReceiver | null): number;
  /** The token of `(vmId, name)`, or undefined when nobody registered it. */
  resolve(vmId: string, name: string): number | undefined;
  /** Appends a copy of `value`; returns the receiver to notify (null: none), or NotFound. */
  enqueue(token: number, value: Uint8Array): { status: Status; receiver: QueueReceiver | null };
  /** Takes the oldest item: Ok with it, Empty, or NotFound for an unknown token. */
  dequeue(token: number): { status: Status; value?: Uint8Array };
}

interface Queue {
  items: Uint8Array[];
  receiver: QueueReceiver | null;
}

/** Whether the receiver can still run guest code for this queue. */
function alive(receiver: QueueReceiver | null): receiver is QueueReceiver {
  return receiver !== null && receiver.vm.failure === null && receiver.vm.contexts.get(receiver.rootId)?.kind === "root";
}

/** The isolate-local registry: tokens from one counter, queues by token and by (VM id, name). */
export class LocalSharedQueueRegistry implements SharedQueueRegistry {
  readonly #tokens = new Map<string, number>();
  readonly #queues = new Map<number, Queue>();
  #lastToken = 0;

  register(vmId: string, name: string, receiver: QueueReceiver | null): number {
    const key = `${vmId}\u0000${name}`;
    const existing = this.#tokens.get(key);
    if (existing !== undefined) {
      const queue = this.#queues.get(existing)!;
      // A failed VM must not stay the receiver (nor be kept in memory) once a new one registers.
      if (!alive(queue.receiver)) queue.receiver = receiver;
      return existing;
    }
    const token = this.#nextToken();
    this.#tokens.set(key, token);
    this.#queues.set(token, { items: [], receiver });
    return token;
  }

  resolve(vmId: string, name: string): number | undefined {
    return this.#tokens.get(`${vmId}\u0000${name}`);
  }

  enqueue(token: number, value: Uint8Array): { status: Status; receiver: QueueReceiver | null } {
    const queue = this.#queues.get(token);
    if (queue === undefined) return { status: Status.NotFound, receiver: null };
    queue.items.push(value.slice());
    if (!alive(queue.receiver)) queue.receiver = null;
    return { status: Status.Ok, receiver: queue.receiver };
  }

  dequeue(token: number): { status: Status; value?: Uint8Array } {
    const queue = this.#queues.get(token);
    if (queue === undefined) return { status: Status.NotFound };
    const value = queue.items.shift();
    return value === undefined ? { status: Status.Empty } : { status: Status.Ok, value };
  }

  #nextToken(): number {
    this.#lastToken = (this.#lastToken + 1) >>> 0;
    if (this.#lastToken === 0) this.#lastToken = 1;
    return this.#lastToken;
  }
}

let isolateQueues: LocalSharedQueueRegistry | null = null;

/** The registry `vm` uses: the host's, else the isolate-local one (created on first use). */
export function queuesOf(vm: Vm): SharedQueueRegistry {
  const provided = vm.host.services?.queues;
  if (provided) return provided;
  isolateQueues ??= new LocalSharedQueueRegistry();
  return isolateQueues;
}

/** Runs `task` after the current guest call: the host's scheduler, else a microtask. */
export function scheduleOf(vm: Vm): (task: () => void) => void {
  const services = vm.host.services;
  if (services?.schedule) return (task) => services.schedule!(task);
  return (task) => queueMicrotask(task);
}

/**
 * Tells `receiver` that `token` has an item: `proxy_on_queue_ready(root_id, token)` on its VM,
 * scheduled with that VM's host, so it never runs inside the host call that enqueued. Skipped when the VM failed in
 * the meantime, its root context is gone, or it does not export the callback. Afterwards, streams
 * the callback continued or replied to are woken; if it trapped, the VM's paused streams fail.
 */
export function notifyQueueReady(receiver: QueueReceiver, token: number): void {
  const { vm, rootId } = receiver;
  const failed = (error: unknown): void => {
    // The VM already logged a VmFailure and is poisoned; the next registrant takes over.
    const reason = error instanceof VmFailure ? error.message : describe(error);
    if (!(error instanceof VmFailure)) vm.log(LogLevel.Error, `proxy_on_queue_ready failed: ${reason}`);
    for (const context of vm.contexts.values()) if (context.kind === "stream") context.fail(reason);
  };
  const deliver = (): void => {
    // Never nested in a guest call of an isolate-scoped receiver: retry on a timer rather than
    // spinning through microtasks. (A suspending VM queues its callbacks by itself.)
    if (vm.busy && !vm.suspending) {
      setTimeout(deliver, 0);
      return;
    }
    const callback = vm.exports.on_queue_ready;
    const root = vm.contexts.get(rootId);
    if (vm.failure !== null || callback === undefined || root?.kind !== "root") return;
    let called: number | Promise<number>;
    try {
      called = vm.invoke(root satisfies RootContext, "proxy_on_queue_ready", callback, [rootId, token]);
    } catch (error) {
      return failed(error);
    }
    if (called instanceof Promise) return void called.then(() => wakeStreams(vm), failed);
    wakeStreams(vm);
  };
  scheduleOf(vm)(deliver);
}
