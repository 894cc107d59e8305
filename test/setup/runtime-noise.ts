/**
 * Keeps one line of workerd's out of the test output: when the pool closes its connection to the
 * test runner at the end of a run, workerd reports `disconnected: WebSocket peer disconnected`,
 * which the pool prints as an error although every test passed (the pool already drops its
 * other teardown messages, "WebSocket was aborted" among them, but not this one).
 * @module
 */
const TEARDOWN = "disconnected: WebSocket peer disconnected";

/** Drops that line from this process's stderr from now on (vitest.config.ts calls it as it loads). */
export function quietRuntimeTeardown(): void {
  const write = process.stderr.write;
  process.stderr.write = function writeExceptTeardown(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (String(chunk).includes(TEARDOWN)) {
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
}
