/**
 * Runs one export of a module in a worker thread with a wall-clock limit. Code under test may
 * loop forever if metering is broken; run in the test's own thread it would hang vitest (V8 does
 * not interrupt a wasm loop by itself), while `worker.terminate()` does stop it.
 * @module
 */
import { Worker } from "node:worker_threads";

/** How the call ended. */
export type IsolatedOutcome =
  | { kind: "returned"; value: string; fuelLeft: string | null; ms: number }
  | { kind: "threw"; name: string; message: string; fuelLeft: string | null; ms: number }
  | { kind: "timeout"; ms: number };

// Plain JS (eval'ed in the worker): instantiate, set the budget, time the call, report.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { bytes, exportName, budget } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
const fuel = instance.exports.__pww_fuel;
if (fuel && budget !== null) fuel.value = BigInt(budget);
const left = () => (fuel ? String(fuel.value) : null);
const started = performance.now();
try {
  const value = instance.exports[exportName]();
  parentPort.postMessage({ kind: "returned", value: String(value), fuelLeft: left(), ms: performance.now() - started });
} catch (error) {
  parentPort.postMessage({ kind: "threw", name: error.name, message: error.message, fuelLeft: left(), ms: performance.now() - started });
}
`;

/** Calls `exportName()` of `bytes` with the fuel counter (if any) set to `budget`. */
export function runIsolated(
  bytes: Uint8Array,
  exportName: string,
  options: { budget?: bigint; timeoutMs?: number } = {},
): Promise<IsolatedOutcome> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = performance.now();
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { bytes, exportName, budget: options.budget === undefined ? null : String(options.budget) },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ kind: "timeout", ms: performance.now() - started });
    }, timeoutMs);
    worker.once("message", (outcome: IsolatedOutcome) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
