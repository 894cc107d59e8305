/**
 * The issue's targets under load, measured so that the host's drift cannot decide them: one
 * bare-fetch workerd and one gateway workerd stay up, and the cases take turns in short blocks
 * of load (each case a few seconds, all cases in every block). Each case's workerd CPU per
 * request is compared with the gateway without filters (and that with bare fetch) within the
 * same block, and the medians of those per-block differences are reported: cases measured
 * minutes apart (`npm run bench -- --only=throughput`) move by 50–100 µs on this VM.
 *
 *   npx tsx bench/load-paired.ts [--blocks=12] [--seconds=2] [--cases=tiny,rust,d,rust5,e] [--baseline=DIR]
 *
 * `--baseline=DIR` also runs the gateway built by the checkout in DIR (bench/baseline.ts) and
 * measures every case on both in each block, in turns (which goes first alternates): the table
 * then gives the median of the per-block differences now − before.
 * @module
 */
import { loadavg } from "node:os";
import { baselineGateway } from "./baseline.ts";
import { measureLoad } from "./load.ts";
import { prepareBench } from "./prepare.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript, stringOption, textOption } from "./script.ts";
import { median, round } from "./stats.ts";
import { CASES, type ThroughputCase } from "./throughput.ts";
import { startWorkerd, type RunningWorkerd } from "./workerd.ts";

const CONNECTIONS = 32;

/** workerd CPU µs per request of `seconds` of load on `url` (after a second of warm-up). */
async function cpuPerRequest(workerd: RunningWorkerd, path: string, seconds: number): Promise<number> {
  const url = workerd.url + path;
  await measureLoad(url, { connections: CONNECTIONS, seconds: 1, warmupSeconds: 0 });
  const before = cpuMsPrecise(workerd.pid);
  const result = await measureLoad(url, { connections: CONNECTIONS, seconds, warmupSeconds: 0 });
  const cpu = cpuMsPrecise(workerd.pid) - before;
  if (result.failures > 0) throw new Error(`${path}: ${result.failures} failed requests`);
  return (cpu * 1000) / result.requests;
}

function caseById(id: string): ThroughputCase {
  const found = CASES.find((c) => c.id === id);
  if (!found || (found.target !== "gateway" && found.target !== "bare")) throw new Error(`no gateway case "${id}"`);
  return found;
}

/** Per-block samples by key; `add` appends one. */
class Samples {
  readonly #values = new Map<string, number[]>();
  add(key: string, value: number): void {
    const list = this.#values.get(key);
    if (list) list.push(value);
    else this.#values.set(key, [value]);
  }
  median(key: string): string {
    return String(round(median(this.#values.get(key) ?? [])));
  }
}

async function main(): Promise<void> {
  const blocks = numberOption("blocks", 12);
  const seconds = numberOption("seconds", 2);
  const ids = textOption("cases", "tiny,rust,d,rust5,e").split(",");
  const baselineDir = stringOption("baseline");
  const filtered = ids.map(caseById);
  const noFilters = caseById("c");
  const prepared = await prepareBench();
  const baselineWorker = baselineDir ? await baselineGateway(baselineDir) : null;
  const bare = await startWorkerd(prepared.bare);
  const gateway = await startWorkerd(prepared.gateway);
  const baseline = baselineWorker ? await startWorkerd(baselineWorker) : null;
  // "now" is this checkout's gateway, "before" the baseline's; each block measures both, in turns.
  const builds: [string, RunningWorkerd][] = baseline ? [["now", gateway], ["before", baseline]] : [["now", gateway]];
  const samples = new Samples();
  const loads: number[] = [];
  try {
    for (let block = 0; block < blocks; block++) {
      const bareUs = await cpuPerRequest(bare, "/", seconds);
      samples.add("bare", bareUs);
      const order = block % 2 === 0 ? builds : [...builds].reverse();
      const cUs = new Map<string, number>();
      for (const [build, workerd] of order) {
        const us = await cpuPerRequest(workerd, noFilters.path, seconds);
        cUs.set(build, us);
        samples.add(`${build} c`, us);
        samples.add(`${build} c over bare`, us - bareUs);
      }
      for (const c of filtered) {
        const us = new Map<string, number>();
        for (const [build, workerd] of order) {
          us.set(build, await cpuPerRequest(workerd, c.path, seconds));
          samples.add(`${build} ${c.id}`, us.get(build)!);
          samples.add(`${build} ${c.id} over c`, us.get(build)! - cUs.get(build)!);
        }
        if (baseline) samples.add(`${c.id} now − before`, us.get("now")! - us.get("before")!);
      }
      if (baseline) samples.add("c now − before", cUs.get("now")! - cUs.get("before")!);
      loads.push(loadavg()[0]);
    }
  } finally {
    for (const workerd of [bare, gateway, baseline]) await workerd?.child.stop();
    await prepared.upstream.child.stop();
  }
  console.log(`${blocks} blocks of ${seconds} s per case (${CONNECTIONS} connections), load average ${round(Math.min(...loads))}–${round(Math.max(...loads))}`);
  console.log(`bare fetch: ${samples.median("bare")} µs/request (median)`);
  const rows = [{ id: "c", label: noFilters.label, over: "c over bare", reference: "bare fetch" }, ...filtered.map((c) => ({ id: c.id, label: c.label, over: `${c.id} over c`, reference: "(c)" }))];
  if (!baseline) {
    console.log("| case | workerd CPU µs/request (median) | over its reference, median of per-block differences |");
    console.log("|---|---:|---:|");
    for (const row of rows) console.log(`| ${row.label} | ${samples.median(`now ${row.id}`)} | ${samples.median(`now ${row.over}`)} over ${row.reference} |`);
    return;
  }
  console.log("| case | before µs | now µs | now − before | over its reference: before → now |");
  console.log("|---|---:|---:|---:|---|");
  for (const row of rows) {
    const over = `${samples.median(`before ${row.over}`)} → ${samples.median(`now ${row.over}`)} over ${row.reference}`;
    console.log(`| ${row.label} | ${samples.median(`before ${row.id}`)} | ${samples.median(`now ${row.id}`)} | ${samples.median(`${row.id} now − before`)} | ${over} |`);
  }
}

runScript(main);
