/**
 * Keeps workerd's routine info lines out of the test output. The workers pool runs workerd
 * verbose and prints every line it logs, although no test fails (`serve` runs it without
 * `--verbose`, and these never show there):
 * - `disconnected: WebSocket peer disconnected` when the pool closes its connection to a test
 *   file's runner (the pool drops its other teardown lines, "WebSocket was aborted" among them,
 *   but not this one);
 * - `connect(): Connection refused` and the `Network connection lost.` it turns into, for the
 *   tests of upstreams that refuse connections (every retry logs them);
 * - `AbortError): The operation was aborted`, when the gateway aborts an upstream request on
 *   purpose (a filter stopped the request body it was sending).
 *
 * Vitest wraps `process.stdout.write` after the config loads and calls the original it kept, so
 * the filter sits one layer below, on the stream's `_write`.
 * @module
 */
import type { Writable } from "node:stream";

const ROUTINE = [
  "disconnected: WebSocket peer disconnected",
  "disconnected: connect(): Connection refused",
  "Error: Network connection lost.",
  "jsg.DOMException(AbortError): The operation was aborted",
];

/** A line workerd itself logged (not a test's or the reporter's) about one of those events. */
function isRoutine(line: string): boolean {
  return (line.startsWith("uncaught exception; ") || line.startsWith("exception = ")) && ROUTINE.some((routine) => line.includes(routine));
}

type WriteImpl = (chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void) => void;

/** Drops those lines from this process's output from now on (vitest.config.ts calls it as it loads). */
export function quietRuntimeTeardown(): void {
  for (const stream of [process.stdout, process.stderr] as unknown as (Writable & { _write: WriteImpl })[]) {
    const write = stream._write;
    stream._write = function writeExceptRoutine(this: Writable, chunk, encoding, callback) {
      const text = String(chunk);
      if (!ROUTINE.some((line) => text.includes(line))) return write.call(this, chunk, encoding, callback);
      // A dropped line takes its `stack:` line with it.
      let dropping = false;
      const kept = text.split("\n").filter((line) => {
        dropping = isRoutine(line) || (dropping && line.startsWith("stack: "));
        return !dropping;
      });
      if (kept.every((line) => line === "")) return callback();
      return write.call(this, kept.join("\n"), "utf8", callback);
    };
  }
}
