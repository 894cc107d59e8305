/**
 * workerd CPU per request, measured with sequential requests (one at a time, so the load
 * generator does not compete with workerd for the CPU): a steadier figure than req/s under
 * load, for comparing small changes. Every case runs on its own fresh workerd, all at once, in
 * alternating blocks of requests, so the machine's drift hits each case alike.
 *
 *   npx tsx bench/request-cpu.ts                 cases bare, c, tiny, rust, d, rust5, e
 *   npx tsx bench/request-cpu.ts c,d --blocks=40 --block=100
 *   npx tsx bench/request-cpu.ts c,d --baseline=/tmp/before
 *
 * `--baseline=DIR` pairs every gateway case with the same case on the gateway built by the
 * checkout in DIR (e.g. `git archive <commit> | tar -x -C DIR` plus a node_modules symlink):
 * blocks alternate A, B, A, B, and the table gives the median of the per-block differences.
 * @module
 */
import { baselineGateway } from "./baseline.ts";
import { prepareBench, targetWorkers } from "./prepare.ts";
import { numberOption, runScript, stringOption } from "./script.ts";
import { measureInterleaved } from "./interleaved.ts";
import { median } from "./stats.ts";
import { CASES, type Target } from "./throughput.ts";

const DEFAULT_CASES = ["bare", "c", "tiny", "rust", "d", "rust5", "e"];

async function main(): Promise<void> {
  const ids = (process.argv[2]?.startsWith("--") ? undefined : process.argv[2])?.split(",") ?? DEFAULT_CASES;
  const blockSize = numberOption("block", 100);
  const blocks = numberOption("blocks", 20);
  const baselineDir = stringOption("baseline");
  const prepared = await prepareBench();
  const workers = targetWorkers(prepared);
  const baseline = baselineDir ? await baselineGateway(baselineDir) : null;
  const cases = ids.map((id) => {
    const testCase = CASES.find((c) => c.id === id);
    if (!testCase || testCase.target === "upstream") throw new Error(`case "${id}" is not a worker case`);
    return testCase;
  });
  const us = (values: number[]) => median(values).toFixed(0);
  if (baseline === null) {
    const entries = cases.map((c) => ({ key: c.id, worker: workers[c.target as Exclude<Target, "upstream">], path: c.path }));
    const samples = await measureInterleaved(entries, blocks, blockSize);
    await prepared.upstream.child.stop();
    console.log(`| case | workerd CPU µs/request (median of ${blocks} blocks of ${blockSize}) | middle half of the blocks |\n|---|---:|---|`);
    for (const c of cases) {
      const values = [...samples.get(c.id)!].sort((a, b) => a - b);
      const q = Math.floor(values.length / 4);
      console.log(`| ${c.label} | ${us(values)} | ${values[q].toFixed(0)}–${values[values.length - 1 - q].toFixed(0)} |`);
    }
    return;
  }
  console.log(`| case | before µs | now µs | now − before (median of per-block differences) |\n|---|---:|---:|---:|`);
  for (const c of cases) {
    if (c.target !== "gateway") continue;
    const samples = await measureInterleaved(
      [
        { key: "now", worker: prepared.gateway, path: c.path },
        { key: "before", worker: baseline, path: c.path },
      ],
      blocks,
      blockSize,
    );
    const now = samples.get("now")!;
    const before = samples.get("before")!;
    console.log(`| ${c.label} | ${us(before)} | ${us(now)} | ${us(now.map((v, i) => v - before[i]))} |`);
  }
  await prepared.upstream.child.stop();
}

runScript(main);
