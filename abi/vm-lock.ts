/**
 * The lock of a VM whose callbacks may suspend (global state, deferred bodies): one callback at
 * a time, the others wait in order.
 *
 * Why waiters wake on timers of their own instead of a promise the holder resolves: on workerd
 * every request has its own I/O context. Under `bench/soak.ts --chain=body-reading` (sustained
 * load from many connections on `workerd serve`) two things went wrong with a chain of `then`s:
 * - a request whose only pending work was the promise another request would settle had no I/O
 *   of its own; workerd cancelled it as hung ("your Worker's code had hung"), the continuations
 *   of a cancelled request never ran, so the lock was never released again and every later
 *   callback of the VM waited forever;
 * - with a timer keeping each waiter alive but the holder still resolving the next waiter's
 *   promise, about 1 in 350 requests read its deferred body in another request's context
 *   ("Cannot perform I/O on behalf of a different request"), which failed the filter and so the
 *   VM. Woken by its own timer, a waiter runs in its own request; that error did not occur again.
 * So here:
 * - a waiter polls a flag on a timer of its own (I/O of its request, which also keeps it alive):
 *   the first in line at once, the later ones less often, so a long queue costs few wake-ups;
 * - the holder hands the lock over by setting the first waiter's flag, never running its code;
 *   waiters that stopped looking for PICKUP_MS belong to requests that are gone (when the load
 *   generator closed its connections, cancelled requests were left in the queue and handed the
 *   lock, which nobody alive then held): the holder skips them, and if the one it handed the lock
 *   to does not take it within PICKUP_MS, the first waiter to look takes it;
 * - a waiter gives up at its deadline and reports the VM stuck (its owner fails it: a suspended
 *   guest cannot be called again safely, and the pool replaces a failed VM);
 * - the holder's request may be gone too (its client disconnected and nothing told the gateway:
 *   a worker without `enable_request_signal`): its suspended callback never resumes. Once the
 *   holder's callback suspends (a host call waits for I/O: {@link VmLock.holderWaits}), a timer
 *   of the holder's own request beats every HOLDER_BEAT_MS until the task ends; a waiter that,
 *   over HOLDER_GONE_MS of its own looks, never saw a beat knows the holder is gone (its timers
 *   would have run as the waiter's did) and reports the VM stuck then, not at its deadline. The
 *   lock passes on: the tasks still queued run against the failed VM and end at once. A task
 *   that never suspends sets no timer (no waiter can look before it ends).
 * @module
 */
import type { MaybePromise } from "./maybe-async.ts";

/** Waiting for the VM took longer than the lock's deadline. */
export class VmLockTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`waited ${waitedMs} ms for the VM's running callback to end`);
    this.name = "VmLockTimeout";
  }
}

/** The holder's request is gone: its callback will never end. */
export class VmLockHolderGone extends VmLockTimeout {
  constructor(waitedMs: number) {
    super(waitedMs);
    this.message = `the request whose callback holds the VM went away (no sign of it for ${waitedMs} ms): that callback will never end`;
    this.name = "VmLockHolderGone";
  }
}

/** How often the holder's request shows it is still there while it holds the lock (ms). */
export const HOLDER_BEAT_MS = 50;
/** A holder not seen for this long, while a waiter kept looking, is gone (ms). */
export const HOLDER_GONE_MS = 1_000;

/** The longest pause between two looks at the flag, for a waiter far back in the queue (ms). */
const SLOWEST_POLL_MS = 20;
/**
 * A waiter handed the lock that has not taken it after this long belongs to a request that is
 * gone (its client disconnected, its timers never fire again): the next in line takes it (ms).
 */
export const PICKUP_MS = 100;

interface Waiter {
  granted: boolean;
  /** When it last looked at its flag: one that stopped looking belongs to a request that is gone. */
  lookedAt: number;
}

export class VmLock {
  #held = false;
  readonly #waiters: Waiter[] = [];
  /** The waiter the lock was handed to, until it takes it, and when. */
  #handedTo: { waiter: Waiter; at: number } | null = null;
  /** Counts the holders: a holder found gone does not release a lock that moved on. */
  #holding = 0;
  /** When the holder's request last showed it is there (its beat, or its callback suspending). */
  #holderSeenAt = 0;
  /** The holder's beat, once its callback suspended. */
  #beat: ReturnType<typeof setTimeout> | null = null;

  /**
   * @param timeoutMs how long a callback may wait for the VM
   * @param onStuck called when a waiter gave up on a holder that never finished
   */
  constructor(
    readonly timeoutMs: number,
    private readonly onStuck: (timeout: VmLockTimeout) => void,
  ) {}

  /** Whether a task is running under the lock, handed the lock, or waiting for it. */
  get locked(): boolean {
    return this.#held;
  }

  /**
   * Runs `task` once every earlier task has ended: at once (and synchronously, when `task`
   * returns no promise) if nothing holds the lock; otherwise it waits its turn, and rejects with
   * VmLockTimeout if its turn does not come in time.
   */
  run<T>(task: () => Promise<T>): Promise<T>;
  run<T>(task: () => MaybePromise<T>): MaybePromise<T>;
  run<T>(task: () => MaybePromise<T>): MaybePromise<T> {
    if (!this.#held) {
      // Nothing running or waiting: start now rather than a timer later.
      this.#held = true;
      return this.#runHeld(task);
    }
    return this.#turn().then(() => this.#runHeld(task));
  }

  #turn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { granted: false, lookedAt: Date.now() };
      const started = Date.now();
      /** The holder's last sign when this waiter first found it late, and when that was. */
      let late: { seenAt: number; since: number } | null = null;
      const look = () => {
        waiter.lookedAt = Date.now();
        if (waiter.granted) {
          if (this.#handedTo?.waiter === waiter) this.#handedTo = null;
          return resolve();
        }
        const handedTo = this.#handedTo;
        if (handedTo !== null && Date.now() - handedTo.at >= PICKUP_MS) {
          // The lock went to a waiter that never came for it: whoever looks first takes it.
          handedTo.waiter.granted = false;
          this.#handedTo = null;
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) this.#waiters.splice(at, 1);
          return resolve();
        }
        // Only a holder that suspended beats; one that did not is not judged (it cannot be waited on).
        if (handedTo === null && this.#held && this.#beat !== null) {
          const seenAt = this.#holderSeenAt;
          if (late === null || late.seenAt !== seenAt) late = Date.now() - seenAt > HOLDER_BEAT_MS * 4 ? { seenAt, since: Date.now() } : null;
          else if (Date.now() - late.since >= HOLDER_GONE_MS) {
            // This waiter's timers ran for HOLDER_GONE_MS and the holder's never did: it is gone.
            this.onStuck(new VmLockHolderGone(Date.now() - seenAt));
            // Its beat belongs to the gone request: it never fires again, and is not this holder's.
            this.#beat = null;
            const at = this.#waiters.indexOf(waiter);
            if (at >= 0) this.#waiters.splice(at, 1);
            return resolve();
          }
        }
        // Passed over because it was too slow to look: back to the front of the queue.
        if (!this.#waiters.includes(waiter)) this.#waiters.unshift(waiter);
        if (Date.now() - started >= this.timeoutMs) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          const timeout = new VmLockTimeout(this.timeoutMs);
          this.onStuck(timeout);
          return reject(timeout);
        }
        // The n-th in line looks every n ms: the first at once, the queue behind it rarely.
        setTimeout(look, Math.min(this.#waiters.indexOf(waiter), SLOWEST_POLL_MS));
      };
      this.#waiters.push(waiter);
      setTimeout(look, 0);
    });
  }

  /**
   * The holder's callback is about to wait for I/O (a suspending host call, so in the holder's
   * request): from now until its task ends, a timer of that request shows it is still there.
   */
  holderWaits(): void {
    if (!this.#held) return;
    this.#holderSeenAt = Date.now();
    if (this.#beat === null) this.#beat = setTimeout(this.#beating, HOLDER_BEAT_MS);
  }

  readonly #beating = (): void => {
    this.#holderSeenAt = Date.now();
    this.#beat = setTimeout(this.#beating, HOLDER_BEAT_MS);
  };

  #runHeld<T>(task: () => MaybePromise<T>): MaybePromise<T> {
    const holding = ++this.#holding;
    let outcome: MaybePromise<T>;
    try {
      outcome = task();
    } catch (error) {
      this.#releaseHeld(holding);
      throw error;
    }
    if (!(outcome instanceof Promise)) {
      this.#releaseHeld(holding);
      return outcome;
    }
    return outcome.finally(() => this.#releaseHeld(holding));
  }

  /** Ends holding number `holding`, unless the lock moved on from it (its holder was found gone). */
  #releaseHeld(holding: number): void {
    if (holding !== this.#holding) return;
    if (this.#beat !== null) {
      clearTimeout(this.#beat);
      this.#beat = null;
    }
    this.#release();
  }

  #release(): void {
    let next = this.#waiters.shift();
    // Skip waiters that stopped looking (their requests are gone); one skipped by mistake puts
    // itself back at the front when it looks again.
    while (next !== undefined && Date.now() - next.lookedAt > PICKUP_MS) next = this.#waiters.shift();
    // The lock stays held for the next waiter, which starts when its own timer sees the flag.
    if (next) {
      next.granted = true;
      this.#handedTo = { waiter: next, at: Date.now() };
    } else {
      this.#held = false;
    }
  }
}
