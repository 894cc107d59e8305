/**
 * workerd CPU per request, measured with sequential requests (one at a time, so the load
 * generator does not compete with workerd for the CPU): a steadier figure than req/s under
 * load, for comparing small changes. Each case gets a fresh workerd; rounds interleave cases.
 *
 *   npx tsx bench/request-cpu.ts                 cases b, c, d, e, g
 *   npx tsx bench/request-cpu.ts c,d --requests=2000 --rounds=5
 * @module
 */
import { prepareBench } from "./prepare.ts";
import { numberOption, runScript } from "./script.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { median } from "./stats.ts";
import { CASES } from "./throughput.ts";
import { startWorkerd } from "./workerd.ts";

async function main(): Promise<void> {
  const ids = (process.argv[2]?.startsWith("--") ? undefined : process.argv[2])?.split(",") ?? ["b", "c", "d", "e", "g"];
  const requests = numberOption("requests", 1000);
  const rounds = numberOption("rounds", 3);
  const prepared = await prepareBench();
  const workers = { gateway: prepared.gateway, passthrough: prepared.passthrough, middleware: prepared.middleware };
  const samples = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const id of ids) {
      const testCase = CASES.find((c) => c.id === id);
      if (!testCase || testCase.target === "upstream") throw new Error(`case "${id}" is not a worker case`);
      const workerd = await startWorkerd(workers[testCase.target]);
      try {
        const url = workerd.url + testCase.path;
        const get = async () => void (await (await fetch(url)).arrayBuffer());
        for (let i = 0; i < 200; i++) await get();
        const before = cpuMsPrecise(workerd.pid);
        for (let i = 0; i < requests; i++) await get();
        samples.get(id)!.push(((cpuMsPrecise(workerd.pid) - before) * 1000) / requests);
      } finally {
        await workerd.child.stop();
      }
    }
  }
  await prepared.upstream.child.stop();
  console.log(`| case | workerd CPU µs/request (median of ${rounds}) | all rounds |\n|---|---:|---|`);
  for (const id of ids) {
    const values = samples.get(id)!;
    console.log(`| ${CASES.find((c) => c.id === id)!.label} | ${median(values).toFixed(0)} | ${values.map((v) => v.toFixed(0)).join(", ")} |`);
  }
}

runScript(main);
