/**
 * What a gateway setting costs: the bench gateway built twice — with its defaults and with
 * `--var NAME=VALUE` — both running at once on `workerd serve`, alternating blocks of sequential
 * requests to one route, workerd CPU per request of each (median over blocks, and of the paired
 * differences).
 *
 *   npx tsx bench/setting-cost.ts --var PROXY_WASM_ACCESS_LOG=off --path=/greeting/ [--blocks=20] [--block=50]
 * @module
 */
import { join } from "node:path";
import { BENCH_BUILD, prepareFiltersFolder } from "./fixtures/filters-folder.ts";
import { writeGatewayConfig } from "./fixtures/gateway-config.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript } from "./script.ts";
import { median } from "./stats.ts";
import { startUpstream } from "./upstream.ts";
import { bundleGateway, startWorkerd } from "./workerd.ts";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0) return process.argv[index + 1];
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const assignment = option("var");
  if (!assignment?.includes("=")) throw new Error("usage: --var NAME=VALUE [--path=/route/]");
  const [name, ...rest] = assignment.split("=");
  const path = option("path") ?? "/greeting/";
  const blocks = numberOption("blocks", 20);
  const block = numberOption("block", 50);
  const { dir: filters } = await prepareFiltersFolder();
  const upstream = await startUpstream();
  const config = join(BENCH_BUILD, "bench-kong.yml");
  await writeGatewayConfig(config, upstream.url);
  const bundles = join(BENCH_BUILD, "setting-cost");
  const defaults = await bundleGateway("gateway (defaults)", config, filters, join(bundles, "defaults"), false);
  const changed = await bundleGateway(`gateway (${assignment})`, config, filters, join(bundles, "changed"), false, { [name]: rest.join("=") });
  const a = await startWorkerd(defaults);
  const b = await startWorkerd(changed);
  const perRequest = async (url: string, pid: number) => {
    const before = cpuMsPrecise(pid);
    for (let i = 0; i < block; i++) await (await fetch(url)).arrayBuffer();
    return ((cpuMsPrecise(pid) - before) * 1000) / block;
  };
  try {
    for (const w of [a, b]) for (let i = 0; i < 200; i++) await (await fetch(w.url + path)).arrayBuffer();
    const samples = { a: [] as number[], b: [] as number[], diff: [] as number[] };
    for (let i = 0; i < blocks; i++) {
      const first = i % 2 === 0;
      const x = await perRequest((first ? a : b).url + path, (first ? a : b).pid);
      const y = await perRequest((first ? b : a).url + path, (first ? b : a).pid);
      const [ua, ub] = first ? [x, y] : [y, x];
      samples.a.push(ua);
      samples.b.push(ub);
      samples.diff.push(ub - ua);
    }
    console.log(`| build | workerd CPU µs/request on ${path} (median of ${blocks} blocks of ${block}) |\n|---|---:|`);
    console.log(`| defaults | ${median(samples.a).toFixed(0)} |\n| ${assignment} | ${median(samples.b).toFixed(0)} |`);
    console.log(`\npaired difference (${assignment} − defaults): ${median(samples.diff).toFixed(1)} µs per request`);
  } finally {
    await a.child.stop();
    await b.child.stop();
    await upstream.child.stop();
  }
}

runScript(main);
