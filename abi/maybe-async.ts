/**
 * Sequencing for code that is synchronous for isolate-scoped VMs and asynchronous for VMs with
 * global state: the synchronous path builds no promise at all.
 * @module
 */

export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, right away when `value` is not a promise (not named `then`: a module exporting `then` is a thenable). */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Runs `steps` in order, each after the previous one settled; synchronous while they are. */
export function inSequence(steps: readonly (() => MaybePromise<void>)[], from = 0): MaybePromise<void> {
  for (let index = from; index < steps.length; index++) {
    const result = steps[index]();
    if (result instanceof Promise) return result.then(() => inSequence(steps, index + 1));
  }
}
