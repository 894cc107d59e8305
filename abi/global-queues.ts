/**
 * The isolate's view of global shared queues: tokens are handed out here (a token is a handle of
 * this isolate, the queue itself lives in the state service) and the root contexts of this
 * isolate that registered a queue are its local receivers of `proxy_on_queue_ready`.
 * @module
 */
import { notifyQueueReady, type QueueReceiver } from "./shared-queues.ts";
import type { Vm } from "./vm.ts";

export interface GlobalQueueName {
  vmId: string;
  name: string;
}

const tokens = new Map<string, number>();
const names = new Map<number, GlobalQueueName>();
const receivers = new Map<number, QueueReceiver>();
// Far from the isolate-local registry's tokens, so a token names one kind of queue only.
let lastToken = 0x4000_0000;

function keyOf(vmId: string, name: string): string {
  return `${vmId}\u0000${name}`;
}

/** The token of `(vmId, name)` in this isolate, created on first use. */
export function globalQueueToken(vmId: string, name: string): number {
  const key = keyOf(vmId, name);
  let token = tokens.get(key);
  if (token === undefined) {
    token = ++lastToken;
    tokens.set(key, token);
    names.set(token, { vmId, name });
  }
  return token;
}

/** The token of `(vmId, name)` if this isolate already knows the queue. */
export function knownGlobalQueueToken(vmId: string, name: string): number | undefined {
  return tokens.get(keyOf(vmId, name));
}

export function globalQueueName(token: number): GlobalQueueName | undefined {
  return names.get(token);
}

function alive(receiver: QueueReceiver | undefined): receiver is QueueReceiver {
  return receiver !== undefined && receiver.vm.failure === null && receiver.vm.contexts.get(receiver.rootId)?.kind === "root";
}

/** Makes `receiver` the local receiver of `token`, unless a live one exists. */
export function setGlobalQueueReceiver(token: number, receiver: QueueReceiver | null): void {
  if (receiver !== null && !alive(receivers.get(token))) receivers.set(token, receiver);
}

/** Tells this isolate's receiver of `token` (if any) that an item is waiting. */
export function notifyLocalReceiver(token: number): void {
  const receiver = receivers.get(token);
  if (alive(receiver)) notifyQueueReady(receiver, token);
}

/**
 * Asks the state service about every queue with a live receiver of `vm` and tells the receiver
 * of each non-empty one: how an item enqueued in another isolate reaches this one.
 */
export async function pollGlobalQueues(vm: Vm): Promise<void> {
  const state = vm.globalState;
  if (state === null) return;
  for (const [token, receiver] of receivers) {
    if (receiver.vm !== vm || !alive(receiver)) continue;
    const queue = names.get(token)!;
    try {
      if ((await state.service.queueLength(queue.vmId, queue.name)) > 0) notifyQueueReady(receiver, token);
    } catch {
      // A poll is only a hint; the next one asks again.
    }
  }
}

/** Whether `vm` is the receiver of any global queue (only those VMs need polling). */
export function receivesGlobalQueues(vm: Vm): boolean {
  for (const receiver of receivers.values()) if (receiver.vm === vm && alive(receiver)) return true;
  return false;
}
