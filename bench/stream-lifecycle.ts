/**
 * What one filter's stream costs on the ABI layer alone, inside workerd: its callbacks, host
 * calls and contexts (bench/workers/stream-lifecycle-worker.ts), without the gateway's request
 * path around them. The filters are fuel-metered, as the build bundles them. Requests to one workerd take turns between the filters and an empty
 * request; (CPU − empty) / n is one stream's cost.
 *
 *   npx tsx bench/stream-lifecycle.ts [--n=2000] [--blocks=20]
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BENCH_BUILD, REPO_ROOT } from "./fixtures/filters-folder.ts";
import { meteredBytes } from "./fixtures/metered.ts";
import { prepareBench } from "./prepare.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript } from "./script.ts";
import { median } from "./stats.ts";
import { bundlePlainWorker, startWorkerd } from "./workerd.ts";

/** The filters the worker imports, by the name it knows them by: the bench's own files. */
const FILTER_FILES: Record<string, string> = { tiny: "bench-tiny-header.wasm", rust: "rust-sdk-add-header.wasm", greeting: "greeting.wasm" };
const FILTERS = Object.keys(FILTER_FILES);
const REQUESTS_PER_BLOCK = 5;

async function main(): Promise<void> {
  const n = numberOption("n", 2000);
  const blocks = numberOption("blocks", 20);
  // Writes the bench filters; the worker imports their metered bytes.
  const prepared = await prepareBench();
  await prepared.upstream.child.stop();
  const metered = join(BENCH_BUILD, "stream-lifecycle");
  await mkdir(metered, { recursive: true });
  for (const [name, file] of Object.entries(FILTER_FILES)) await writeFile(join(metered, `${name}.wasm`), meteredBytes(join(BENCH_BUILD, "filters", file)));
  const worker = await bundlePlainWorker("stream-lifecycle", join(REPO_ROOT, "bench/workers/stream-lifecycle-worker.ts"), "http://127.0.0.1:1", join(BENCH_BUILD, "bundles", "stream-lifecycle"));
  const workerd = await startWorkerd(worker);
  try {
    const cpuPerRequest = async (path: string) => {
      const before = cpuMsPrecise(workerd.pid);
      for (let i = 0; i < REQUESTS_PER_BLOCK; i++) await (await fetch(`${workerd.url}${path}`)).text();
      return ((cpuMsPrecise(workerd.pid) - before) * 1000) / REQUESTS_PER_BLOCK;
    };
    for (const filter of FILTERS) await cpuPerRequest(`/${filter}?n=${n}`);
    const perStream = new Map(FILTERS.map((f) => [f, [] as number[]]));
    for (let block = 0; block < blocks; block++) {
      const empty = await cpuPerRequest(`/none?n=${n}`);
      for (const filter of FILTERS) perStream.get(filter)!.push(((await cpuPerRequest(`/${filter}?n=${n}`)) - empty) / n);
    }
    console.log(`| filter | µs of workerd CPU per stream (median of ${blocks} blocks, ${n} streams a request) |\n|---|---:|`);
    for (const filter of FILTERS) console.log(`| ${filter} | ${median(perStream.get(filter)!).toFixed(2)} |`);
  } finally {
    await workerd.child.stop();
  }
}

runScript(main);
