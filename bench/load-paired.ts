/**
 * The targets under load, measured so that the host's drift cannot decide them: one
 * bare-fetch workerd and one gateway workerd stay up, and the cases take turns in short blocks
 * of load (each case a few seconds, all cases in every block). Each case's workerd CPU per
 * request is compared with the gateway without filters (and that with bare fetch) within the
 * same block, and the medians of those per-block differences are reported: cases measured
 * minutes apart (`npm run bench -- --only=throughput`) move by 50–100 µs on this VM.
 *
 *   npx tsx bench/load-paired.ts [--blocks=12] [--seconds=2] [--cases=tiny,rust,d,rust5,e]
 * @module
 */
import { loadavg } from "node:os";
import { measureLoad } from "./load.ts";
import { prepareBench } from "./prepare.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript, textOption } from "./script.ts";
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

async function main(): Promise<void> {
  const blocks = numberOption("blocks", 12);
  const seconds = numberOption("seconds", 2);
  const ids = textOption("cases", "tiny,rust,d,rust5,e").split(",");
  const filtered = ids.map(caseById);
  const noFilters = caseById("c");
  const prepared = await prepareBench();
  const bare = await startWorkerd(prepared.bare);
  const gateway = await startWorkerd(prepared.gateway);
  const over = new Map<string, number[]>([["c", []], ...filtered.map((c): [string, number[]] => [c.id, []])]);
  const values = new Map<string, number[]>([["bare", []], ["c", []], ...filtered.map((c): [string, number[]] => [c.id, []])]);
  const loads: number[] = [];
  try {
    for (let block = 0; block < blocks; block++) {
      const bareUs = await cpuPerRequest(bare, "/", seconds);
      const cUs = await cpuPerRequest(gateway, noFilters.path, seconds);
      values.get("bare")!.push(bareUs);
      values.get("c")!.push(cUs);
      over.get("c")!.push(cUs - bareUs);
      for (const c of filtered) {
        const us = await cpuPerRequest(gateway, c.path, seconds);
        values.get(c.id)!.push(us);
        over.get(c.id)!.push(us - cUs);
      }
      loads.push(loadavg()[0]);
    }
  } finally {
    await bare.child.stop();
    await gateway.child.stop();
    await prepared.upstream.child.stop();
  }
  console.log(`${blocks} blocks of ${seconds} s per case (${CONNECTIONS} connections), load average ${round(Math.min(...loads))}–${round(Math.max(...loads))}`);
  console.log("| case | workerd CPU µs/request (median) | over its reference, median of per-block differences |");
  console.log("|---|---:|---:|");
  console.log(`| bare fetch | ${round(median(values.get("bare")!))} | – |`);
  console.log(`| ${noFilters.label} | ${round(median(values.get("c")!))} | ${round(median(over.get("c")!))} over bare fetch |`);
  for (const c of filtered) console.log(`| ${c.label} | ${round(median(values.get(c.id)!))} | ${round(median(over.get(c.id)!))} over (c) |`);
}

runScript(main);
