/**
 * The load generator: autocannon in this process (so `npm run bench` needs nothing else).
 * One connection count for every case, chosen so two cores serve workerd and the load
 * generator without starving either (see docs/benchmarks.md).
 * @module
 */
import autocannon from "autocannon";

export interface LoadOptions {
  connections: number;
  /** Measured seconds. */
  seconds: number;
  /** Discarded seconds first (JIT, lazy VM start, wasm tier-up, connection setup). */
  warmupSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers plus socket errors and timeouts: any is a broken case, not a slow one. */
  failures: number;
  bytesPerSecond: number;
}

export const DEFAULT_LOAD: LoadOptions = { connections: 32, seconds: 10, warmupSeconds: 2 };

function run(url: string, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, pipelining: 1 });
}

/** Warm-up, then the measured run against `url`. */
export async function measureLoad(url: string, options: LoadOptions = DEFAULT_LOAD): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await run(url, options.warmupSeconds, options.connections);
  const result = await run(url, options.seconds, options.connections);
  return {
    requestsPerSecond: result.requests.total / options.seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    bytesPerSecond: result.throughput.average,
  };
}
