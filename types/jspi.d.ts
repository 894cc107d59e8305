/**
 * JavaScript Promise Integration (JSPI), which workerd's V8 ships without a flag but neither the
 * TypeScript DOM library nor workers-types declares yet.
 */
declare namespace WebAssembly {
  /** Wraps an async host function so a wasm import awaiting it suspends the calling guest. */
  class Suspending {
    constructor(fn: (...args: never[]) => unknown);
  }
  /** Wraps a wasm export so that suspending imports inside it make it return a promise. */
  function promising(fn: (...args: never[]) => unknown): (...args: never[]) => Promise<unknown>;
  /** Thrown when a suspending import is reached without `promising` on the stack. */
  class SuspendError extends Error {}
}
