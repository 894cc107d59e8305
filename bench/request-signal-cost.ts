/**
 * What it costs to watch for a client going away: workerd CPU per request of a worker that reads
 * `request.signal` and puts a handler on it (flag `enable_request_signal`, as the gateway runs),
 * against one that does nothing. One workerd; the ways take turns in blocks of sequential requests.
 *
 *   npx tsx bench/request-signal-cost.ts [--blocks=40]
 * @module
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeWorkerdConfig } from "../cli/workerd-config-files.ts";
import type { WorkerdConfig } from "../cli/workerd-config.ts";
import { BENCH_BUILD } from "./fixtures/filters-folder.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript } from "./script.ts";
import { median } from "./stats.ts";
import { startWorkerd } from "./workerd.ts";

const WAYS = ["/nothing", "/signal", "/onabort", "/listener-pair", "/listener-kept"];
const BLOCK = 100;

async function main(): Promise<void> {
  const blocks = numberOption("blocks", 40);
  const dir = join(BENCH_BUILD, "request-signal");
  await mkdir(dir, { recursive: true });
  await copyFile(fileURLToPath(new URL("./workers/request-signal-worker.js", import.meta.url)), join(dir, "worker.js"));
  // The gateway's own config (its compatibility flags included), with this worker as its only module.
  const config: WorkerdConfig = { modules: [{ name: "worker.js", kind: "esModule", embed: "worker.js" }], compatibilityDate: "2026-04-20", addresses: ["127.0.0.1:0"], stateDir: null, vars: {} };
  const binary = join(dir, "workerd.config.bin");
  await writeFile(binary, await encodeWorkerdConfig(dir, config));
  const workerd = await startWorkerd({ name: "request-signal", config: binary, textConfig: "", workerdConfig: config });
  try {
    const get = async (way: string) => void (await (await fetch(workerd.url + way)).text());
    for (const way of WAYS) for (let i = 0; i < 300; i++) await get(way);
    const samples = new Map(WAYS.map((way) => [way, [] as number[]]));
    for (let block = 0; block < blocks; block++) {
      for (const way of WAYS) {
        const before = cpuMsPrecise(workerd.pid);
        for (let i = 0; i < BLOCK; i++) await get(way);
        samples.get(way)!.push(((cpuMsPrecise(workerd.pid) - before) * 1000) / BLOCK);
      }
    }
    const nothing = samples.get("/nothing")!;
    console.log(`| way | workerd CPU µs/request | over doing nothing (median of ${blocks} blocks of ${BLOCK}) |\n|---|---:|---:|`);
    for (const way of WAYS) {
      const values = samples.get(way)!;
      console.log(`| ${way.slice(1)} | ${median(values).toFixed(1)} | ${median(values.map((v, i) => v - nothing[i])).toFixed(1)} |`);
    }
  } finally {
    await workerd.child.stop();
  }
}

runScript(main);
