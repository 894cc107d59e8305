/**
 * Sequential requests to several workers at once, in alternating blocks: the measuring loop of
 * bench/request-cpu.ts and bench/v8-flags-paired.ts.
 * @module
 */
import { cpuMsPrecise } from "./proc-stats.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

export interface Entry {
  key: string;
  worker: BundledWorker;
  path: string;
}

/**
 * Runs every entry on its own fresh workerd, all at once, and measures them in alternating
 * blocks of sequential requests (the order rotates per block), so drift on a shared machine hits
 * every entry alike. Returns the workerd CPU µs per request of each block, by entry key.
 */
export async function measureInterleaved(entries: Entry[], blocks: number, blockSize: number): Promise<Map<string, number[]>> {
  const running = [];
  try {
    for (const entry of entries) running.push({ entry, workerd: await startWorkerd(entry.worker) });
    const getters = running.map(({ entry, workerd }) => {
      const url = workerd.url + entry.path;
      return async () => void (await (await fetch(url)).arrayBuffer());
    });
    for (const get of getters) for (let i = 0; i < 300; i++) await get();
    const samples = new Map<string, number[]>(entries.map((e) => [e.key, []]));
    for (let block = 0; block < blocks; block++) {
      for (let j = 0; j < running.length; j++) {
        const index = (block + j) % running.length;
        const { entry, workerd } = running[index];
        const before = cpuMsPrecise(workerd.pid);
        for (let i = 0; i < blockSize; i++) await getters[index]();
        samples.get(entry.key)!.push(((cpuMsPrecise(workerd.pid) - before) * 1000) / blockSize);
      }
    }
    return samples;
  } finally {
    for (const { workerd } of running) await workerd.child.stop();
  }
}
