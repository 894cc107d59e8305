/**
 * What every benchmark run needs first: the filters folder, the upstream, the generated configs
 * and the bundled workers (gateway with the bench routes, gateway with the example chain,
 * a bare fetch passthrough, Hono passthrough, Hono middleware, the greeting filter as `proxyWasm()`
 * middleware, an empty worker for the cold-start floor).
 * @module
 */
import { join } from "node:path";
import { BENCH_BUILD, prepareFiltersFolder, REPO_ROOT } from "./fixtures/filters-folder.ts";
import { writeExampleConfig } from "./fixtures/example-config.ts";
import { writeGatewayConfig } from "./fixtures/gateway-config.ts";
import type { Target } from "./throughput.ts";
import { startUpstream, type Upstream } from "./upstream.ts";
import { bundleGateway, bundlePlainWorker, type BundledWorker } from "./workerd.ts";

export interface PreparedBench {
  upstream: Upstream;
  /** Each bench filter's `.wasm` path, by filter name. */
  filterPaths: Record<string, string>;
  gateway: BundledWorker;
  example: BundledWorker;
  /** The example built with `--admin-api off`. */
  exampleGatewayOnly: BundledWorker;
  /** A bare `fetch` passthrough, the limit of any proxy worker. */
  bare: BundledWorker;
  passthrough: BundledWorker;
  middleware: BundledWorker;
  /** Cases (m), (m-tiny): filters through `proxyWasm()` in the same app as `middleware`. */
  proxyWasm: BundledWorker;
  empty: BundledWorker;
}

/** The worker of each throughput target, for the scripts that run cases. */
export function targetWorkers(prepared: PreparedBench): Record<Exclude<Target, "upstream">, BundledWorker> {
  const { gateway, bare, passthrough, middleware, proxyWasm } = prepared;
  return { gateway, bare, passthrough, middleware, proxyWasm };
}

export async function prepareBench(): Promise<PreparedBench> {
  const { dir: filtersDir, paths } = await prepareFiltersFolder();
  const upstream = await startUpstream();
  const gatewayConfig = join(BENCH_BUILD, "bench-kong.yml");
  await writeGatewayConfig(gatewayConfig, upstream.url);
  const exampleConfig = join(BENCH_BUILD, "example-kong.yml");
  await writeExampleConfig(exampleConfig, upstream.url);
  const bundles = join(BENCH_BUILD, "bundles");
  return {
    upstream,
    filterPaths: paths,
    gateway: await bundleGateway("gateway (bench routes)", gatewayConfig, filtersDir, join(bundles, "gateway")),
    example: await bundleGateway("gateway (examples/kong.yml + greeting)", exampleConfig, filtersDir, join(bundles, "example")),
    exampleGatewayOnly: await bundleGateway("gateway (examples/kong.yml + greeting, --admin-api off)", exampleConfig, filtersDir, join(bundles, "example-gateway-only"), false),
    bare: await bundlePlainWorker("bare-fetch", join(REPO_ROOT, "bench/workers/bare-fetch.ts"), upstream.url, join(bundles, "bare")),
    passthrough: await bundlePlainWorker("hono-passthrough", join(REPO_ROOT, "bench/workers/hono-passthrough.ts"), upstream.url, join(bundles, "passthrough")),
    middleware: await bundlePlainWorker("hono-header-middleware", join(REPO_ROOT, "bench/workers/hono-header-middleware.ts"), upstream.url, join(bundles, "middleware")),
    proxyWasm: await bundlePlainWorker("hono-proxy-wasm", join(REPO_ROOT, "bench/workers/hono-proxy-wasm.ts"), upstream.url, join(bundles, "proxy-wasm")),
    empty: await bundlePlainWorker("empty-worker", join(REPO_ROOT, "bench/workers/empty-worker.ts"), upstream.url, join(bundles, "empty")),
  };
}
