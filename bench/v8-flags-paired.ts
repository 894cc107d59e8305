/**
 * The bench gateway with and without extra V8 flags, paired: both run at once on fresh workerds
 * and blocks of sequential requests alternate between them (bench/request-cpu.ts's method), so
 * a flag's effect on workerd CPU per request shows through the machine's drift. For questions
 * such as how much of a filter's cost is wasm not yet optimised (`--no-liftoff`).
 *
 *   npx tsx bench/v8-flags-paired.ts tiny,d --flags=--no-liftoff [--blocks=20 --block=100]
 * @module
 */
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { encodeWorkerdConfig } from "../cli/workerd-config-files.ts";
import { prepareBench } from "./prepare.ts";
import { measureInterleaved } from "./interleaved.ts";
import { numberOption, runScript, textOption } from "./script.ts";
import { median } from "./stats.ts";
import { CASES } from "./throughput.ts";
import type { BundledWorker } from "./workerd.ts";

async function main(): Promise<void> {
  const ids = (process.argv[2]?.startsWith("--") ? undefined : process.argv[2])?.split(",") ?? ["tiny", "d"];
  const flags = textOption("flags", "--no-liftoff").split(",");
  const blocks = numberOption("blocks", 20);
  const blockSize = numberOption("block", 100);
  const prepared = await prepareBench();
  const gateway = prepared.gateway;
  const flagged: BundledWorker = { ...gateway, name: `${gateway.name} ${flags.join(" ")}`, config: join(dirname(gateway.config), "workerd.flagged.bin") };
  await writeFile(flagged.config, await encodeWorkerdConfig(dirname(gateway.config), gateway.workerdConfig, flags));
  console.log(`| case | default µs | ${flags.join(" ")} µs | flagged − default (median of per-block differences) |\n|---|---:|---:|---:|`);
  for (const id of ids) {
    const testCase = CASES.find((c) => c.id === id && c.target === "gateway");
    if (!testCase) throw new Error(`case "${id}" is not a gateway case`);
    const samples = await measureInterleaved(
      [
        { key: "default", worker: gateway, path: testCase.path },
        { key: "flagged", worker: flagged, path: testCase.path },
      ],
      blocks,
      blockSize,
    );
    const base = samples.get("default")!;
    const with_ = samples.get("flagged")!;
    console.log(`| ${testCase.label} | ${median(base).toFixed(0)} | ${median(with_).toFixed(0)} | ${median(with_.map((v, i) => v - base[i])).toFixed(0)} |`);
  }
  await prepared.upstream.child.stop();
}

runScript(main);
