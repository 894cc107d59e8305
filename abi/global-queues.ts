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
/** Every root context of this isolate that registered the queue: each hears of new items. */
const receivers = new Map<number, QueueReceiver[]>();
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

function alive(receiver: QueueReceiver): boolean {
  return receiver.vm.failure === null && receiver.vm.contexts.get(receiver.rootId)?.kind === "root";
}

/** The live receivers of `token`; the dead ones (failed VM, deleted root) are forgotten. */
function liveReceivers(token: number): QueueReceiver[] {
  const live = (receivers.get(token) ?? []).filter(alive);
  receivers.set(token, live);
  return live;
}

/** Adds `receiver` to the root contexts told about items in `token` (once per root context). */
export function addGlobalQueueReceiver(token: number, receiver: QueueReceiver | null): void {
  if (receiver === null) return;
  const live = liveReceivers(token);
  if (!live.some((known) => known.vm === receiver.vm && known.rootId === receiver.rootId)) live.push(receiver);
}

/**
 * Tells this isolate's receivers of `token` that an item is waiting. Unlike an isolate queue,
 * a global queue may have a receiver per VM: each is a consumer, and each item still goes to
 * exactly one of them.
 */
export function notifyLocalReceivers(token: number): void {
  for (const receiver of liveReceivers(token)) notifyQueueReady(receiver, token);
}

/**
 * Asks the state service about every queue with a live receiver of `vm` and tells the receiver
 * of each non-empty one: how an item enqueued in another isolate reaches this one.
 */
export async function pollGlobalQueues(vm: Vm): Promise<void> {
  const state = vm.globalState;
  if (state === null) return;
  for (const token of receivers.keys()) {
    const own = liveReceivers(token).filter((receiver) => receiver.vm === vm);
    if (own.length === 0) continue;
    const queue = names.get(token)!;
    try {
      if ((await state.service.queueLength(queue.vmId, queue.name)) > 0) for (const receiver of own) notifyQueueReady(receiver, token);
    } catch {
      // A poll is only a hint; the next one asks again.
    }
  }
}

/** Whether `vm` receives any global queue (only those VMs need polling). */
export function receivesGlobalQueues(vm: Vm): boolean {
  for (const token of receivers.keys()) if (liveReceivers(token).some((receiver) => receiver.vm === vm)) return true;
  return false;
}
