/**
 * The gateway's own request path in a loop inside workerd, for comparing two builds of it: each
 * request to `/__loop/<n>/<path>` runs `<path>` through the gateway n times with the upstream
 * `fetch` replaced by an in-memory response (20 bytes, the headers a node upstream sends). With
 * the network out of the loop, workerd CPU per iteration is a much steadier figure than CPU per
 * real request: use it to decide between variants of the JS path, and `bench/request-cpu.ts` or
 * `npm run bench` for what a real request costs.
 *
 *   npx tsx bench/loop-cpu.ts tiny,rust --baseline=/tmp/before [--blocks=30 --n=200]
 *
 * The two builds (this checkout and the one in `--baseline`) run at once on fresh workerds;
 * blocks of requests alternate between them and the table gives the median per-block difference.
 * @module
 */
import { join, resolve } from "node:path";
import { BENCH_BUILD } from "./fixtures/filters-folder.ts";
import { prepareBench } from "./prepare.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript, stringOption } from "./script.ts";
import { median } from "./stats.ts";
import { CASES } from "./throughput.ts";
import { loopGateway } from "./loop-gateway.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

async function main(): Promise<void> {
  const ids = (process.argv[2]?.startsWith("--") ? undefined : process.argv[2])?.split(",") ?? ["c", "tiny", "rust", "d"];
  const n = numberOption("n", 200);
  const blocks = numberOption("blocks", 30);
  const perBlock = numberOption("block", 3);
  const baselineDir = stringOption("baseline");
  const prepared = await prepareBench();
  await prepared.upstream.child.stop();
  const config = join(BENCH_BUILD, "bench-kong.yml");
  const filters = join(BENCH_BUILD, "filters");
  const builds: { name: string; worker: BundledWorker }[] = [{ name: "now", worker: await loopGateway(resolve("."), "now", config, filters) }];
  if (baselineDir) builds.push({ name: "before", worker: await loopGateway(resolve(baselineDir), "before", config, filters) });
  const rows: string[] = [];
  for (const id of ids) {
    const testCase = CASES.find((c) => c.id === id && c.target === "gateway");
    if (!testCase) throw new Error(`case "${id}" is not a gateway case`);
    const running = [];
    try {
      for (const b of builds) running.push({ ...b, workerd: await startWorkerd(b.worker) });
      const get = async (url: string) => {
        const response = await fetch(url);
        if (response.status !== 200) throw new Error(`${url}: status ${response.status}`);
        await response.arrayBuffer();
      };
      const samples = new Map(builds.map((b) => [b.name, [] as number[]]));
      for (const r of running) for (let i = 0; i < 3; i++) await get(`${r.workerd.url}/__loop/${n}${testCase.path}`);
      for (let block = 0; block < blocks; block++) {
        for (let j = 0; j < running.length; j++) {
          const r = running[(block + j) % running.length];
          const before = cpuMsPrecise(r.workerd.pid);
          for (let i = 0; i < perBlock; i++) await get(`${r.workerd.url}/__loop/${n}${testCase.path}`);
          samples.get(r.name)!.push(((cpuMsPrecise(r.workerd.pid) - before) * 1000) / (perBlock * n));
        }
      }
      const now = samples.get("now")!;
      const before = samples.get("before");
      rows.push(
        before
          ? `| ${testCase.label} | ${median(before).toFixed(1)} | ${median(now).toFixed(1)} | ${median(now.map((v, i) => v - before[i])).toFixed(1)} |`
          : `| ${testCase.label} | ${median(now).toFixed(1)} |`,
      );
    } finally {
      for (const r of running) await r.workerd.child.stop();
    }
  }
  console.log(baselineDir ? `| case (loop, fetch stubbed) | before µs | now µs | now − before |\n|---|---:|---:|---:|` : `| case (loop, fetch stubbed) | µs per iteration |\n|---|---:|`);
  for (const row of rows) console.log(row);
}

runScript(main);
