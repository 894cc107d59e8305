/**
 * What global state costs, on `workerd serve`: the CAS counter guest (one get and one set of
 * shared data per request) with `shared_state: isolate`, with `shared_state: global` and no read
 * cache (every get and set is a call to the state object), and with the default read cache (the
 * get is answered in the isolate), next to the same route without a filter. Sequential requests give workerd CPU and wall time per request
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

/** A build of the bench config: the scope and the gateway settings it runs with. */
interface Variant {
  id: "isolate" | "global-no-cache" | "global";
  scope: Scope;
  vars: Record<string, string>;
}

const VARIANTS: readonly Variant[] = [
  { id: "isolate", scope: "isolate", vars: {} },
  { id: "global-no-cache", scope: "global", vars: { PROXY_WASM_STATE_CACHE_MS: "0" } },
  { id: "global", scope: "global", vars: {} },
];

export interface GlobalStateResult {
  variant: Variant["id"];
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
  const bundles = new Map<Variant["id"], BundledWorker>();
  for (const variant of VARIANTS) {
    const file = join(dir, `${variant.scope}-kong.yml`);
    await writeFile(file, config(upstream.url, variant.scope));
    bundles.set(variant.id, await bundleGateway(`gateway (cas-counter, ${variant.id})`, file, filters, join(dir, `bundle-${variant.id}`), false, variant.vars));
  }
  const samples = new Map<string, { cpu: number[]; p50: number[]; p99: number[] }>();
  const key = (variant: Variant["id"], route: string) => `${variant} ${route}`;
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const { id: variant } of VARIANTS) {
        const workerd = await startWorkerd(bundles.get(variant)!);
        try {
          for (const route of ["/none", "/count"] as const) {
            const result = await sequential(workerd.url + route, workerd.pid, options.requests);
            const entry = samples.get(key(variant, route)) ?? { cpu: [], p50: [], p99: [] };
            entry.cpu.push(result.cpuUs);
            entry.p50.push(result.p50);
            entry.p99.push(result.p99);
            samples.set(key(variant, route), entry);
            log(`round ${round + 1} ${variant} ${route}: ${result.cpuUs.toFixed(0)} µs CPU, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
          }
        } finally {
          await workerd.child.stop();
        }
      }
    }
    const results: GlobalStateResult[] = [];
    for (const { id: variant } of VARIANTS) {
      for (const route of ["/none", "/count"] as const) {
        const entry = samples.get(key(variant, route))!;
        let load: LoadResult | null = null;
        if (route === "/count") {
          const workerd = await startWorkerd(bundles.get(variant)!);
          try {
            load = await measureLoad(workerd.url + route, { connections: 32, seconds: options.seconds, warmupSeconds: 2 });
            log(`load ${variant} ${route}: ${Math.round(load.requestsPerSecond)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, failures ${load.failures}`);
          } finally {
            await workerd.child.stop();
          }
        }
        results.push({ variant: variant, route, cpuUsPerRequest: median(entry.cpu), wallP50Ms: median(entry.p50), wallP99Ms: median(entry.p99), load });
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
    "| build | route | workerd CPU µs/request | wall p50 ms | wall p99 ms | load req/s | load p50 ms | load p99 ms |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    const load = r.load ? `${Math.round(r.load.requestsPerSecond)} | ${r.load.p50Ms} | ${r.load.p99Ms}` : "– | – | –";
    lines.push(`| ${r.variant} | ${r.route} | ${r.cpuUsPerRequest.toFixed(0)} | ${r.wallP50Ms.toFixed(2)} | ${r.wallP99Ms.toFixed(2)} | ${load} |`);
  }
  const find = (variant: Variant["id"]) => results.find((r) => r.variant === variant && r.route === "/count")!;
  const [isolate, uncached, cached] = [find("isolate"), find("global-no-cache"), find("global")];
  // Without the cache each /count request makes two calls to the state object (get, set); with it, one (set).
  const perCall = (cpuUs: number, wallMs: number, calls: number) =>
    `~${((cpuUs - isolate.cpuUsPerRequest) / calls).toFixed(0)} µs of workerd CPU and ~${(((wallMs - isolate.wallP50Ms) * 1000) / calls).toFixed(0)} µs of wall time at p50`;
  lines.push(
    "",
    `One call to the state object, from the /count differences to isolate: ${perCall(uncached.cpuUsPerRequest, uncached.wallP50Ms, 2)} (no cache, get + set); ${perCall(cached.cpuUsPerRequest, cached.wallP50Ms, 1)} (read cache, set only).`,
  );
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
