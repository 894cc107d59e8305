/**
 * Part 3: cold start. (1) From spawning `workerd serve` to the first complete response of the
 * example chain (examples/kong.yml with the greeting filter), and of the plain Hono worker for
 * reference. (2) What a filter's first use costs: V8 compiles wasm functions lazily, on their
 * first call (workers-platform.md §6), so the first request that starts a plugin pays for the
 * compilation of the code it runs; the difference to later requests, per MB of module, is the
 * compile cost per MB.
 * @module
 */
import { median, round } from "./stats.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

export interface ColdStartResult {
  worker: string;
  runs: number;
  /** Median ms from spawn to workerd's listen event. */
  listenMs: number;
  /** Median ms from spawn to the first complete response. */
  firstResponseMs: number;
  /** Median ms of the second request on the same process. */
  secondRequestMs: number;
  all: number[];
}

export interface FirstUseResult {
  route: string;
  moduleBytes: number;
  runs: number;
  /** Median ms of the request that instantiates and starts the plugin. */
  firstMs: number;
  /** Median ms of later requests on the same VM. */
  laterMs: number;
  /** (first − later) / MB of module. */
  msPerMB: number;
}

async function timedGet(url: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: status ${response.status}`);
  return performance.now() - start;
}

/** Median of `runs` fresh processes: spawn → listen → first response of `path`. */
export async function measureColdStart(worker: BundledWorker, path: string, runs: number): Promise<ColdStartResult> {
  const listen: number[] = [];
  const first: number[] = [];
  const second: number[] = [];
  for (let run = 0; run < runs; run++) {
    const workerd = await startWorkerd(worker);
    try {
      await timedGet(workerd.url + path);
      listen.push(workerd.listeningAt - workerd.spawnedAt);
      first.push(performance.now() - workerd.spawnedAt);
      second.push(await timedGet(workerd.url + path));
    } finally {
      await workerd.child.stop();
    }
  }
  return {
    worker: worker.name,
    runs,
    listenMs: round(median(listen)),
    firstResponseMs: round(median(first)),
    secondRequestMs: round(median(second)),
    all: first.map((ms) => round(ms)),
  };
}

/**
 * On fresh processes of the bench gateway: a request to `/none/` first (so the gateway itself is
 * built), then the first request to `path` (VM instantiated, plugin started, code compiled), then
 * five more (the median of those is "later").
 */
export async function measureFirstUse(gateway: BundledWorker, path: string, moduleBytes: number, runs: number): Promise<FirstUseResult> {
  const first: number[] = [];
  const later: number[] = [];
  for (let run = 0; run < runs; run++) {
    const workerd = await startWorkerd(gateway);
    try {
      for (let i = 0; i < 3; i++) await timedGet(`${workerd.url}/none/`);
      first.push(await timedGet(workerd.url + path));
      const rest: number[] = [];
      for (let i = 0; i < 5; i++) rest.push(await timedGet(workerd.url + path));
      later.push(median(rest));
    } finally {
      await workerd.child.stop();
    }
  }
  const firstMs = median(first);
  const laterMs = median(later);
  return {
    route: path,
    moduleBytes,
    runs,
    firstMs: round(firstMs),
    laterMs: round(laterMs),
    msPerMB: round((firstMs - laterMs) / (moduleBytes / 1e6)),
  };
}
