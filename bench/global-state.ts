/**
 * What global state costs, on `workerd serve`: the CAS counter guest (one get and one set of
 * shared data per request) with `shared_state: isolate` and with `shared_state: global`, next to
 * the same route without a filter. Sequential requests give workerd CPU and wall time per request
 * (the state objects run in the same workerd, so their CPU is counted too); a load run gives
 * req/s, p50 and p99 with every request on one hot key. Rounds interleave the builds.
 *
 *   npx tsx bench/global-state.ts [--requests=1000] [--rounds=3] [--seconds=10]
 * @module
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BENCH_BUILD, REPO_ROOT } from "./fixtures/filters-folder.ts";
import { measureLoad, type LoadResult } from "./load.ts";
import { cpuMsPrecise } from "./proc-stats.ts";
import { numberOption, runScript } from "./script.ts";
import { median } from "./stats.ts";
import { startUpstream } from "./upstream.ts";
import { bundleGateway, startWorkerd, type BundledWorker } from "./workerd.ts";

type Scope = "isolate" | "global";

export interface GlobalStateResult {
  scope: Scope;
  route: "/none" | "/count";
  cpuUsPerRequest: number;
  wallP50Ms: number;
  wallP99Ms: number;
  load: LoadResult | null;
}

function config(upstream: string, scope: Scope): string {
  return `_format_version: "3.0"
services:
  - name: upstream
    url: ${upstream}
    routes:
      - paths: ["/none"]
      - paths: ["/count"]
        filter_chains:
          - filters:
              - name: cas-counter
                shared_state: ${scope}
`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** `requests` sequential GETs after a warm-up: workerd CPU per request and the wall-time spread. */
async function sequential(url: string, pid: number, requests: number): Promise<{ cpuUs: number; p50: number; p99: number }> {
  const get = async () => void (await (await fetch(url)).arrayBuffer());
  for (let i = 0; i < 200; i++) await get();
  const walls: number[] = [];
  const before = cpuMsPrecise(pid);
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await get();
    walls.push(performance.now() - start);
  }
  const cpuUs = ((cpuMsPrecise(pid) - before) * 1000) / requests;
  walls.sort((a, b) => a - b);
  return { cpuUs, p50: percentile(walls, 50), p99: percentile(walls, 99) };
}

export async function measureGlobalState(options: { requests: number; rounds: number; seconds: number }, log: (line: string) => void): Promise<GlobalStateResult[]> {
  const dir = join(BENCH_BUILD, "global-state");
  const filters = join(dir, "filters");
  await mkdir(filters, { recursive: true });
  await copyFile(join(REPO_ROOT, "build/guests/cas-counter.wasm"), join(filters, "cas-counter.wasm"));
  const upstream = await startUpstream();
  const bundles = new Map<Scope, BundledWorker>();
  for (const scope of ["isolate", "global"] as const) {
    const file = join(dir, `${scope}-kong.yml`);
    await writeFile(file, config(upstream.url, scope));
    bundles.set(scope, await bundleGateway(`gateway (cas-counter, ${scope})`, file, filters, join(dir, `bundle-${scope}`), false));
  }
  const samples = new Map<string, { cpu: number[]; p50: number[]; p99: number[] }>();
  const key = (scope: Scope, route: string) => `${scope} ${route}`;
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const scope of ["isolate", "global"] as const) {
        const workerd = await startWorkerd(bundles.get(scope)!);
        try {
          for (const route of ["/none", "/count"] as const) {
            const result = await sequential(workerd.url + route, workerd.pid, options.requests);
            const entry = samples.get(key(scope, route)) ?? { cpu: [], p50: [], p99: [] };
            entry.cpu.push(result.cpuUs);
            entry.p50.push(result.p50);
            entry.p99.push(result.p99);
            samples.set(key(scope, route), entry);
            log(`round ${round + 1} ${scope} ${route}: ${result.cpuUs.toFixed(0)} µs CPU, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
          }
        } finally {
          await workerd.child.stop();
        }
      }
    }
    const results: GlobalStateResult[] = [];
    for (const scope of ["isolate", "global"] as const) {
      for (const route of ["/none", "/count"] as const) {
        const entry = samples.get(key(scope, route))!;
        let load: LoadResult | null = null;
        if (route === "/count") {
          const workerd = await startWorkerd(bundles.get(scope)!);
          try {
            load = await measureLoad(workerd.url + route, { connections: 32, seconds: options.seconds, warmupSeconds: 2 });
            log(`load ${scope} ${route}: ${Math.round(load.requestsPerSecond)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, failures ${load.failures}`);
          } finally {
            await workerd.child.stop();
          }
        }
        results.push({ scope, route, cpuUsPerRequest: median(entry.cpu), wallP50Ms: median(entry.p50), wallP99Ms: median(entry.p99), load });
      }
    }
    return results;
  } finally {
    await upstream.child.stop();
  }
}

/** The table docs/benchmarks.md shows, with the derived cost of one state call. */
export function renderGlobalStateTable(results: readonly GlobalStateResult[]): string {
  const lines = [
    "| scope | route | workerd CPU µs/request | wall p50 ms | wall p99 ms | load req/s | load p50 ms | load p99 ms |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    const load = r.load ? `${Math.round(r.load.requestsPerSecond)} | ${r.load.p50Ms} | ${r.load.p99Ms}` : "– | – | –";
    lines.push(`| ${r.scope} | ${r.route} | ${r.cpuUsPerRequest.toFixed(0)} | ${r.wallP50Ms.toFixed(2)} | ${r.wallP99Ms.toFixed(2)} | ${load} |`);
  }
  const find = (scope: Scope) => results.find((r) => r.scope === scope && r.route === "/count")!;
  const [isolate, global] = [find("isolate"), find("global")];
  // Each /count request makes one get and one set.
  const cpu = (global.cpuUsPerRequest - isolate.cpuUsPerRequest) / 2;
  const wall = ((global.wallP50Ms - isolate.wallP50Ms) * 1000) / 2;
  lines.push("", `One global state call (get or set, derived: half the /count difference): ~${cpu.toFixed(0)} µs of workerd CPU, ~${wall.toFixed(0)} µs of wall time at p50.`);
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("global-state.ts")) {
  runScript(async () => {
    const results = await measureGlobalState(
      { requests: numberOption("requests", 1000), rounds: numberOption("rounds", 3), seconds: numberOption("seconds", 10) },
      (line) => console.log(`[bench] ${line}`),
    );
    console.log(`\n${renderGlobalStateTable(results)}`);
  });
}
