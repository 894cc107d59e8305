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
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { BENCH_BUILD } from "./fixtures/filters-folder.ts";
import { prepareBench } from "./prepare.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript } from "./script.ts";
import { median } from "./stats.ts";
import { CASES } from "./throughput.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

/** Replaces the entry's export with one that can loop requests through the gateway. */
const LOOP_EXPORT = `
const inner = $FACTORY({ config, modules, filters });
const UPSTREAM_HEADERS = [["content-type", "text/plain"], ["date", "Mon, 07 Dec 2026 04:00:00 GMT"], ["connection", "keep-alive"], ["keep-alive", "timeout=5"], ["content-length", "20"]];
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const loop = /^\\/__loop\\/(\\d+)(\\/.*)$/.exec(url.pathname);
    if (!loop) return inner.fetch(request, env, ctx);
    const realFetch = globalThis.fetch;
    globalThis.fetch = async () => new Response("01234567890123456789", { headers: UPSTREAM_HEADERS });
    try {
      for (let i = 0; i < Number(loop[1]); i++) await (await inner.fetch(new Request(url.origin + loop[2], request), env, ctx)).arrayBuffer();
    } finally {
      globalThis.fetch = realFetch;
    }
    return new Response("ok");
  },
};
`;

function stringOption(name: string): string | undefined {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The bench gateway built by the checkout at `root`, with the looping entry. */
async function loopGateway(root: string, name: string, config: string, filters: string): Promise<BundledWorker> {
  const { build, COMPATIBILITY_DATE } = (await import(join(root, "cli/build.ts"))) as typeof import("../cli/build.ts");
  const { bundleWithWrangler } = (await import(join(root, "cli/bundle.ts"))) as typeof import("../cli/bundle.ts");
  const { renderWorkerdConfig } = (await import(join(root, "cli/workerd-config.ts"))) as typeof import("../cli/workerd-config.ts");
  const out = join(BENCH_BUILD, "bundles", `loop-${name}`);
  await build({ config, filters, filtersExplicit: true, out });
  const entryFile = join(out, "entry.js");
  const entry = await readFile(entryFile, "utf8");
  const factory = /export default (\w+)\(\{ config, modules, filters \}\);/.exec(entry);
  if (!factory) throw new Error(`${entryFile}: no export to replace`);
  await writeFile(entryFile, entry.replace(factory[0], LOOP_EXPORT.replace("$FACTORY", factory[1])));
  const modules = await bundleWithWrangler(out);
  const capnp = join(out, "workerd.capnp");
  await writeFile(capnp, renderWorkerdConfig({ modules, compatibilityDate: COMPATIBILITY_DATE, address: "127.0.0.1:0" }));
  return { name, capnp };
}

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
