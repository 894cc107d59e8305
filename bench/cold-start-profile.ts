/**
 * Where a cold start's CPU goes: fresh `workerd serve` processes of the empty worker, the example
 * gateway without and with the admin API, each recorded with `perf record -g` from spawn to the
 * first complete response, and every sample attributed to a phase (bench/perf-phases.ts): JS
 * compile, module evaluation, wasm compile, the first request, a filter's first log line,
 * workerd's own start. Medians of the runs, in ms of sampled CPU; perf and V8's JIT map make
 * every phase slower than unprofiled (compare phases and workers, not with cold-start.ts).
 *
 *   npx tsx bench/cold-start-profile.ts [--runs=8] [--frequency=4000]
 *
 * Needs `perf` (linux-perf) and permission to use it.
 * @module
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { encodeWorkerdConfig } from "../cli/workerd-config-files.ts";
import { BENCH_BUILD } from "./fixtures/filters-folder.ts";
import { phaseNames, phaseTimes, type PhaseTimes } from "./perf-phases.ts";
import { prepareBench } from "./prepare.ts";
import { numberOption, runScript } from "./script.ts";
import { median, round } from "./stats.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

/** JIT code named in /tmp/perf-<pid>.map, interpreted JS frames on the native stack. */
const PROFILED_V8_FLAGS = ["--perf-basic-prof", "--interpreted-frames-native-stack"];

/** The same worker, started from a config that carries the profiling V8 flags. */
async function profiledWorker(worker: BundledWorker): Promise<BundledWorker> {
  const dir = dirname(worker.config);
  const config = join(dir, "workerd.profile.bin");
  await writeFile(config, await encodeWorkerdConfig(dir, worker.workerdConfig, PROFILED_V8_FLAGS));
  return { ...worker, config };
}

/** One recorded cold start: spawn under perf, first response of `/`, stop. */
async function recordColdStart(worker: BundledWorker, perfData: string, frequency: number): Promise<void> {
  const workerd = await startWorkerd(worker, [], "binary", ["perf", "record", "-q", "-F", String(frequency), "-g", "-o", perfData, "--"]);
  try {
    const response = await fetch(workerd.url + "/");
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${worker.name}: status ${response.status}`);
  } finally {
    // perf ends its recording and stops workerd on SIGTERM, then writes the file.
    await workerd.child.stop(10_000);
  }
}

async function main(): Promise<void> {
  const runs = numberOption("runs", 8);
  const frequency = numberOption("frequency", 4000);
  const prepared = await prepareBench();
  const workers = [prepared.empty, prepared.exampleGatewayOnly, prepared.example];
  const outDir = join(BENCH_BUILD, "profiles", "cold-start");
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const medians = new Map<string, Map<string, number>>();
  for (const worker of workers) {
    const profiled = await profiledWorker(worker);
    const perRun: PhaseTimes[] = [];
    for (let run = 0; run < runs; run++) {
      const perfData = join(outDir, `${workers.indexOf(worker)}-${run}.data`);
      await recordColdStart(profiled, perfData, frequency);
      perRun.push(phaseTimes(perfData));
    }
    medians.set(worker.name, new Map(phaseNames.map((phase) => [phase, median(perRun.map((times) => times.get(phase) ?? 0))])));
  }
  await prepared.upstream.child.stop();

  const empty = medians.get(prepared.empty.name)!;
  console.log(`| phase (median of ${runs} profiled cold starts, ms of sampled CPU) | ${workers.map((w) => w.name).join(" | ")} |`);
  console.log(`|---|${workers.map(() => "---:").join("|")}|`);
  for (const phase of [...phaseNames, "total"]) {
    const cells = workers.map((worker) => {
      const times = medians.get(worker.name)!;
      const value = phase === "total" ? sum(times) : times.get(phase)!;
      const beyond = value - (phase === "total" ? sum(empty) : empty.get(phase)!);
      return worker === prepared.empty ? `${round(value)}` : `${round(value)} (${beyond >= 0 ? "+" : ""}${round(beyond)})`;
    });
    console.log(`| ${phase} | ${cells.join(" | ")} |`);
  }
  console.log(`\nIn brackets: beyond the empty worker. perf data: ${outDir}`);
}

function sum(times: Map<string, number>): number {
  let total = 0;
  for (const value of times.values()) total += value;
  return total;
}

runScript(main);
